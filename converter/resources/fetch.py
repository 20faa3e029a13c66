"""HTTP(S) downloads of remote images, bounded in every dimension.

The only code that opens network connections. Built on the standard library
(``http.client``, ``ssl``) so every limit is explicit: a deadline for the whole download
(redirects and retries included) enforced by a watchdog that shuts the socket, a connect
timeout, a size cap checked against ``Content-Length`` and while reading, a cap on redirects,
redirects only to ``http``/``https`` and never to a loopback or private address unless
allowed, retries with backoff for 5xx answers only, a limit of parallel downloads per host,
and a host breaker: a host that cannot be reached (DNS, refused, connect timeout, TLS) or
that timed out a few times fails every later download at once instead of costing seconds
each.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from ..core.errors import ResourceError
from ..core.options import FetchOptions, ResourceOptions
from .addresses import HostAddresses
from .store import Unavailable

REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = "image/png,image/jpeg,image/gif,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
KEPT_HEADERS = ("content-type", "content-length", "etag", "last-modified", "date", "cache-control")
TIMEOUTS_BEFORE_HOST_FAILS = 3
CHUNK = 64 * 1024
_HOST_RE = re.compile(r"^[\w.-]+$|^[0-9a-f:.]+$", re.I)  # names (IDN too) and IP literals


@dataclass(frozen=True, slots=True)
class Fetched:
    """A downloaded body: the final ``url`` (after redirects), ``data`` and the response
    headers worth keeping (lower-case names)."""

    url: str
    data: bytes
    headers: dict[str, str]


@dataclass(slots=True)
class _Host:
    slots: threading.Semaphore
    dead: str = ""
    timeouts: int = 0


class _Budget:
    """The time one download may take. It starts when the download gets its first
    connection slot: waiting behind other downloads to the same host is not its fault."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline: float | None = None

    def start(self) -> None:
        if self.deadline is None:
            self.deadline = time.monotonic() + self.seconds

    def left(self) -> float:
        return self.seconds if self.deadline is None else self.deadline - time.monotonic()


@dataclass(slots=True)
class _Answer:
    status: int
    location: str = ""
    data: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _shut(sock: socket.socket) -> None:
    # The base class method shuts the descriptor without touching an SSL object that
    # another thread is reading through; a socket already closed needs nothing more.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        return


def split_url(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of an ``http``/``https`` URL; raises :class:`Unavailable`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Unavailable(f"malformed URL ({exc})", "refused") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Unavailable(f"'{scheme}:' URLs are not fetched")
    if not parts.hostname or not _HOST_RE.match(parts.hostname):
        raise Unavailable("malformed URL (no usable host name)")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def _on_the_wire(text: str) -> str:
    """``text`` (a URL or its path) with what HTTP cannot carry percent-encoded as UTF-8:
    posts name images ``/圖片/封面.jpg``, and a request line and headers are ASCII. What is
    already escaped, and URL delimiters, stay as they are."""
    return quote(text, safe="/:?#[]@!$&'()*+,;=%~")


class Fetcher:
    """Downloads URLs under the limits of ``options``; safe to call from many threads."""

    def __init__(self, options: FetchOptions, accept: str = ACCEPT) -> None:
        self.options = options
        self.accept = accept
        self.addresses = HostAddresses(min(options.connect_timeout, options.timeout), options.allow_hosts)
        self._hosts: dict[tuple[str, int], _Host] = {}
        self._lock = threading.Lock()
        self._tls = ssl.create_default_context()

    def warm(self, urls: Iterable[str]) -> None:
        """Start the DNS lookups of the hosts of ``urls`` (those that can be fetched)."""
        for url in urls:
            try:
                _scheme, host, port = split_url(url)
            except Unavailable:
                continue
            self.addresses.start(host, port)

    def fetch(self, url: str, referer: str = "") -> Fetched:
        """Download ``url``; raises :class:`Unavailable` with the reason."""
        budget = _Budget(self.options.timeout)
        current = url
        for _hop in range(self.options.max_redirects + 1):
            answer = self._with_retries(current, referer, budget)
            if answer.status not in REDIRECTS:
                return Fetched(current, answer.data, answer.headers)
            if not answer.location:
                raise Unavailable(f"HTTP {answer.status} without a Location", "http")
            try:
                target = urljoin(current, answer.location.strip())
                scheme = urlsplit(target).scheme.lower()
            except ValueError as exc:
                raise Unavailable(f"malformed redirect ({exc})", "http") from exc
            if scheme not in ("http", "https"):
                raise Unavailable(f"refused: redirect to a '{scheme}:' URL")
            current = target
        raise Unavailable(f"too many redirects (more than {self.options.max_redirects})", "http")

    # -- one URL, with retries for 5xx
    def _with_retries(self, url: str, referer: str, budget: _Budget) -> _Answer:
        attempt = 0
        while True:
            answer = self._once(url, referer, budget)
            if answer.status == 200 or answer.status in REDIRECTS:
                return answer
            if not 500 <= answer.status <= 599:
                raise Unavailable(f"HTTP {answer.status}", "missing" if answer.status in (404, 410) else "http")
            pause = self.options.backoff * (2 ** attempt)
            if attempt >= self.options.retries or pause >= budget.left():
                raise Unavailable(f"HTTP {answer.status} (after {attempt + 1} attempt(s))", "http")
            time.sleep(pause)
            attempt += 1

    def _host(self, host: str, port: int) -> _Host:
        with self._lock:
            return self._hosts.setdefault((host.lower(), port), _Host(threading.Semaphore(self.options.per_host)))

    def _fail_host(self, gate: _Host, reason: str) -> None:
        with self._lock:
            gate.dead = gate.dead or reason

    def _once(self, url: str, referer: str, budget: _Budget) -> _Answer:
        scheme, host, port = split_url(url)
        gate = self._host(host, port)
        with gate.slots:
            if gate.dead:  # the first failure's reason, which names the host
                raise Unavailable(gate.dead, "unreachable", host_level=True)
            budget.start()
            if budget.left() <= 0:
                raise Unavailable(f"timed out after {self.options.timeout:g} s", "timeout")
            try:
                sock = self._connect(scheme, host, port, budget)
            except Unavailable as exc:
                if exc.host_level:
                    self._fail_host(gate, str(exc))
                raise
            try:
                return self._exchange(sock, scheme, host, port, url, referer, budget)
            except Unavailable as exc:
                if exc.kind == "timeout":
                    with self._lock:
                        gate.timeouts += 1
                        if gate.timeouts >= TIMEOUTS_BEFORE_HOST_FAILS:
                            gate.dead = gate.dead or f"timed out {gate.timeouts} times"
                raise
            finally:
                sock.close()

    def _connect(self, scheme: str, host: str, port: int, budget: _Budget) -> socket.socket:
        problems = []
        for family, sockaddr in self.addresses.lookup(host, port):
            timeout = min(self.options.connect_timeout, budget.left())
            if timeout <= 0:
                break
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect(sockaddr)
            except TimeoutError:
                sock.close()
                problems.append("connect timed out")
                continue
            except OSError as exc:
                sock.close()
                problems.append(exc.strerror or type(exc).__name__)
                continue
            if scheme == "https":
                try:
                    sock = self._tls.wrap_socket(sock, server_hostname=host)
                except (ssl.SSLError, ssl.CertificateError, OSError) as exc:
                    sock.close()
                    raise Unavailable(f"TLS with {host} failed ({exc})", "unreachable", host_level=True) from exc
            return sock
        reason = ", ".join(dict.fromkeys(problems)) or "no time left to connect"
        kind = "timeout" if problems and all(p == "connect timed out" for p in problems) else "unreachable"
        raise Unavailable(f"cannot connect to {host}: {reason}", kind, host_level=bool(problems))

    def _exchange(self, sock: socket.socket, scheme: str, host: str, port: int, url: str, referer: str,
                  budget: _Budget) -> _Answer:
        parts = urlsplit(url)
        target = _on_the_wire((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        conn_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        conn = conn_class(host, port)
        conn.sock = sock  # already connected to a vetted address: http.client must not dial again
        headers = {"User-Agent": self.options.user_agent, "Accept": self.accept, "Accept-Encoding": "identity"}
        if referer:
            headers["Referer"] = _on_the_wire(referer)
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            _shut(sock)

        watchdog = threading.Timer(max(0.0, budget.left()), expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            sock.settimeout(max(0.01, budget.left()))
            conn.request("GET", target, headers=headers)
            response = conn.getresponse()
            if response.status in REDIRECTS:
                return _Answer(response.status, location=response.getheader("Location") or "")
            if response.status != 200:
                return _Answer(response.status)
            kept = {k: v for k in KEPT_HEADERS if (v := response.getheader(k)) is not None}
            data = self._body(response)
            if expired.is_set():  # the watchdog's shutdown reads as a clean end of the body
                raise TimeoutError
            return _Answer(200, data=data, headers=kept)
        except (TimeoutError, http.client.HTTPException, OSError) as exc:
            if expired.is_set() or isinstance(exc, TimeoutError):
                raise Unavailable(f"timed out after {self.options.timeout:g} s", "timeout") from exc
            raise Unavailable(f"connection failed ({type(exc).__name__}: {exc})", "unreachable") from exc
        finally:
            watchdog.cancel()
            conn.close()

    def _body(self, response: http.client.HTTPResponse) -> bytes:
        limit = self.options.max_bytes
        too_large = Unavailable(f"too large (over {limit / 1024 / 1024:g} MB)", "too-large")
        declared = response.getheader("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > limit:
            raise too_large
        chunks, size = [], 0
        while True:
            chunk = response.read(CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)


def feed_fetcher(options: ResourceOptions) -> Callable[[str], tuple[str, bytes]] | None:
    """How ``converter build https://…/feed.xml`` downloads its input: through the same
    limits and address checks as images (``allow_hosts`` for private addresses); None when
    the build is offline."""
    if options.offline:
        return None
    fetcher = Fetcher(options.fetch, accept=FEED_ACCEPT)

    def fetch(url: str) -> tuple[str, bytes]:
        try:
            fetched = fetcher.fetch(url)
        except Unavailable as exc:
            raise ResourceError(f"cannot download: {exc}", path=url) from exc
        return fetched.url, fetched.data

    return fetch
