"""A real HTTP(S) server on 127.0.0.1 for the resource tests: good images, errors, slow and
endless answers, redirect traps. It records every request it gets, and stops promptly
(handlers that sleep wake up when it stops)."""

from __future__ import annotations

import ssl
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

SLOW_SECONDS = 30  # far past any timeout a test sets; the server's stop ends it early


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client hung up mid-answer: the tests make it do so on purpose
        super().handle_error(request, client_address)


@dataclass
class Route:
    """What the server answers on one path: ``status``, ``body`` and ``headers``, or a
    ``kind`` of misbehaviour (``slow``, ``endless``, ``flaky``, ``hold``)."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = ""
    failures: int = 0  # for "flaky": how many 500s before the body


class Server:
    """``Server(routes)``: a started server; ``url(path)``; ``requests`` seen; ``stop()``."""

    def __init__(self, routes: dict[str, Route], tls: tuple[Path, Path] | None = None) -> None:
        self.routes = routes
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.hits: Counter[str] = Counter()
        self.in_flight = 0
        self.most_in_flight = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), self._handler())
        if tls is not None:  # (certificate, key): HTTPS
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        with self._lock:
            return [p for p, _h in self.requests]

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # the test output stays readable
                return

            def do_GET(self) -> None:  # noqa: N802 - http.server's interface
                path = urlsplit(self.path).path
                with server._lock:
                    server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                    server.hits[path] += 1
                    hits = server.hits[path]
                route = server.routes.get(path)
                if route is None:
                    return self._answer(404, b"not found", {"Content-Type": "text/plain"})
                if route.kind == "slow":
                    if server.stopping.wait(SLOW_SECONDS):
                        return None  # the client gave up long ago
                    return self._answer(200, route.body, route.headers)
                if route.kind == "endless":
                    return self._endless()
                if route.kind == "flaky" and hits <= route.failures:
                    return self._answer(500, b"try again", {"Content-Type": "text/plain"})
                if route.kind == "hold":
                    with server._lock:
                        server.in_flight += 1
                        server.most_in_flight = max(server.most_in_flight, server.in_flight)
                    time.sleep(0.3)
                    with server._lock:
                        server.in_flight -= 1
                headers = dict(route.headers)
                if "Location" in headers:
                    headers["Location"] = headers["Location"].replace("{port}", str(server.port))
                return self._answer(route.status, route.body, headers)

            def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _endless(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"\x89PNG" + b"\x00" * 65532
                try:
                    while not server.stopping.is_set():
                        self.wfile.write(chunk)
                except OSError:  # the client hung up: that is the point
                    return

        return Handler


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key), valid for a day."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
