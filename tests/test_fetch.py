"""The downloader against a real HTTP server on 127.0.0.1: every limit, every refusal."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from converter.core.options import FetchOptions
from converter.resources import addresses
from converter.resources.addresses import HostAddresses, is_public
from converter.resources.fetch import Fetcher
from converter.resources.store import Unavailable

from .httpserver import Route, Server, self_signed_certificate
from .imagefiles import png

OK = png()


def _routes() -> dict[str, Route]:
    return {
        "/ok.png": Route(OK, headers={"Content-Type": "image/png"}),
        "/%E5%9C%96%E7%89%87/ok.png": Route(OK, headers={"Content-Type": "image/png"}),
        "/gone.png": Route(b"gone", 404),
        "/flaky.png": Route(OK, headers={"Content-Type": "image/png"}, kind="flaky", failures=2),
        "/broken.png": Route(b"down", 503),
        "/slow.png": Route(OK, kind="slow"),
        "/endless.png": Route(kind="endless"),
        "/loop": Route(status=302, headers={"Location": "/loop"}),
        "/to-file": Route(status=302, headers={"Location": "file:///etc/passwd"}),
        "/to-localhost": Route(status=301, headers={"Location": "http://localhost:{port}/ok.png"}),
        "/to-ok": Route(status=307, headers={"Location": "/ok.png"}),
        "/hold.png": Route(OK, kind="hold"),
        "/nothing.png": Route(b"", 204),
    }


@pytest.fixture(scope="module")
def server():
    with Server(_routes()) as srv:
        yield srv


def fetcher(server: Server, **options) -> Fetcher:
    """A fetcher allowed to reach the test server (and nothing else private)."""
    defaults = dict(allow_hosts=(f"127.0.0.1:{server.port}",), timeout=3.0, connect_timeout=1.0, backoff=0.05)
    return Fetcher(FetchOptions(**{**defaults, **options}))


def _failure(call) -> Unavailable:
    with pytest.raises(Unavailable) as info:
        call()
    return info.value


def test_success_sends_referer_and_headers(server):
    got = fetcher(server).fetch(server.url("/ok.png?v=1"), referer="https://blog.example.org/post/1")
    assert got.data == OK and got.headers["content-type"] == "image/png"
    path, headers = server.requests[-1]
    assert path == "/ok.png?v=1"
    assert headers["referer"] == "https://blog.example.org/post/1"
    assert headers["host"] == f"127.0.0.1:{server.port}"
    assert "converter" in headers["user-agent"]


def test_non_ascii_paths_and_referers_are_percent_encoded(server):
    got = fetcher(server).fetch(server.url("/圖片/ok.png?名=1&x=%E5%9C%96"), referer="https://blog.example.org/文章/1")
    assert got.data == OK
    path, headers = server.requests[-1]
    assert path == "/%E5%9C%96%E7%89%87/ok.png?%E5%90%8D=1&x=%E5%9C%96"
    assert headers["referer"] == "https://blog.example.org/%E6%96%87%E7%AB%A0/1"


def test_other_answers_are_http_errors(server):
    assert str(_failure(lambda: fetcher(server).fetch(server.url("/nothing.png")))) == "HTTP 204"


def test_404_is_missing_and_not_retried(server):
    before = server.hits["/gone.png"]
    error = _failure(lambda: fetcher(server).fetch(server.url("/gone.png")))
    assert error.kind == "missing" and "404" in str(error)
    assert server.hits["/gone.png"] == before + 1


def test_500_then_success_on_retry(server):
    got = fetcher(server, retries=2).fetch(server.url("/flaky.png"))
    assert got.data == OK
    assert server.hits["/flaky.png"] == 3


def test_5xx_gives_up_after_the_retries(server):
    error = _failure(lambda: fetcher(server, retries=1).fetch(server.url("/broken.png")))
    assert "503" in str(error) and "2 attempt" in str(error)
    assert server.hits["/broken.png"] == 2


def test_slow_server_times_out_quickly(server):
    start = time.monotonic()
    error = _failure(lambda: fetcher(server, timeout=1.0).fetch(server.url("/slow.png")))
    assert error.kind == "timeout"
    assert time.monotonic() - start < 2.5


def test_endless_body_stops_at_the_size_cap(server):
    start = time.monotonic()
    error = _failure(lambda: fetcher(server, max_bytes=1024 * 1024).fetch(server.url("/endless.png")))
    assert error.kind == "too-large"
    assert time.monotonic() - start < 2.5


def test_redirects_are_followed_and_capped(server):
    assert fetcher(server).fetch(server.url("/to-ok")).data == OK
    before = server.hits["/loop"]
    error = _failure(lambda: fetcher(server, max_redirects=4).fetch(server.url("/loop")))
    assert "too many redirects" in str(error)
    assert server.hits["/loop"] - before == 5


def test_redirect_to_file_is_refused(server):
    error = _failure(lambda: fetcher(server).fetch(server.url("/to-file")))
    assert error.kind == "refused" and "'file:'" in str(error)


def test_redirect_to_loopback_is_refused_when_not_allowed(server):
    before = server.hits["/ok.png"]
    error = _failure(lambda: fetcher(server).fetch(server.url("/to-localhost")))
    assert error.kind == "refused" and "localhost" in str(error)
    assert server.hits["/ok.png"] == before


def test_loopback_is_refused_by_default(server):
    before = len(server.requests)
    error = _failure(lambda: Fetcher(FetchOptions()).fetch(server.url("/ok.png")))
    assert error.kind == "refused" and "loopback or private" in str(error)
    assert len(server.requests) == before


def test_other_schemes_are_not_fetched(server):
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x.png", "gopher://127.0.0.1/"):
        assert _failure(lambda: fetcher(server).fetch(url)).kind == "refused"


def test_per_host_limit(server):
    f = fetcher(server, per_host=2)
    threads = [threading.Thread(target=f.fetch, args=(server.url(f"/hold.png?{i}"),)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert server.hits["/hold.png"] == 6
    assert server.most_in_flight == 2


def test_unreachable_host_fails_once_then_instantly():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    f = Fetcher(FetchOptions(allow_hosts=(f"127.0.0.1:{port}",), connect_timeout=1.0))
    first = _failure(lambda: f.fetch(f"http://127.0.0.1:{port}/a.png"))
    assert first.kind == "unreachable" and first.host_level and "refused" in str(first).lower()
    start = time.monotonic()
    for i in range(50):
        assert _failure(lambda: f.fetch(f"http://127.0.0.1:{port}/{i}.png")).host_level
    assert time.monotonic() - start < 0.5


def test_dns_lookup_that_hangs_costs_the_connect_timeout_once():
    calls = []

    def hanging_lookup(host, port, **kw):
        calls.append(host)
        time.sleep(5)
        raise socket.gaierror(-2, "Name or service not known")

    f = Fetcher(FetchOptions(connect_timeout=0.5))
    f.addresses = HostAddresses(0.5, getaddrinfo=hanging_lookup)
    start = time.monotonic()
    error = _failure(lambda: f.fetch("https://images.example.org/a.png"))
    assert error.host_level and "timed out" in str(error)
    for i in range(20):
        _failure(lambda: f.fetch(f"https://images.example.org/{i}.png"))
    assert time.monotonic() - start < 1.5
    assert calls == ["images.example.org"]


def test_dns_timeout_runs_from_when_a_lookup_starts(monkeypatch):
    # Two slots, two hosts that hang, then a host that answers after 0.3 s: it waits for a slot
    # behind the hanging ones yet still has its full 0.5 s once its lookup runs.
    monkeypatch.setattr(addresses, "MAX_CONCURRENT_LOOKUPS", 2)

    def lookup(host, port, **kw):
        time.sleep(1.5 if host.startswith("slow") else 0.3)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    hosts = HostAddresses(0.5, getaddrinfo=lookup)
    for host in ("slow1.example", "slow2.example", "fine.example"):
        hosts.start(host, 443)
    with pytest.raises(Unavailable, match="timed out"):
        hosts.lookup("slow1.example", 443)
    assert hosts.lookup("fine.example", 443) == [(socket.AF_INET, ("93.184.216.34", 443))]


@pytest.mark.parametrize("ip,public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.16.5.4", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False),
    ("fe80::1%eth0", False), ("::ffff:127.0.0.1", False), ("224.0.0.1", False),
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
])
def test_address_policy(ip, public):
    assert is_public(ip) is public


def test_https_verifies_the_certificate(tmp_path, monkeypatch):
    cert, key = self_signed_certificate(tmp_path)
    with Server({"/ok.png": Route(OK, headers={"Content-Type": "image/png"})}, tls=(cert, key)) as server:
        assert server.url("/ok.png").startswith("https://")
        error = _failure(lambda: fetcher(server).fetch(server.url("/ok.png")))
        assert error.host_level and "TLS" in str(error) and "CERTIFICATE_VERIFY_FAILED" in str(error)
        assert not server.requests
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # as a user behind a private CA would
        got = fetcher(server).fetch(server.url("/ok.png"), referer="https://blog.example.org/p")
        assert got.data == OK
        assert server.requests[-1][1]["host"] == f"127.0.0.1:{server.port}"
