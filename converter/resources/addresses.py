"""Where a remote host may be reached: DNS lookups with a deadline, and the address policy.

``getaddrinfo`` has no timeout of its own and may block for many seconds on a dead name
server, so every lookup runs on a daemon thread (one per host, a few at a time) and callers
wait for it no longer than the connect timeout. Addresses that are not global (loopback,
private, link-local, shared, multicast) are refused unless the host is explicitly allowed:
a post must not make the tool probe the machine or its network. The addresses vetted here
are the ones connected to, so a second DNS answer cannot slip another address in.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

from .store import Unavailable

MAX_ADDRESSES = 3
MAX_CONCURRENT_LOOKUPS = 16
# How long a lookup may wait for a free slot behind others before it counts as failed.
MAX_QUEUE_SECONDS = 60.0

SockAddr = tuple  # (family, (host, port, ...)) as getaddrinfo gives it


def is_public(ip: str) -> bool:
    """Whether ``ip`` is a global unicast address (IPv4-mapped IPv6 judged as IPv4)."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _allow_entry(entry: str) -> tuple[str, int | None]:
    parts = urlsplit("//" + entry.strip())
    return (parts.hostname or "").lower(), parts.port


class HostAddresses:
    """Looks up and vets the addresses of hosts, each host once.

    ``timeout``: seconds to wait for a lookup. ``allow_hosts``: ``host`` or ``host:port``
    entries whose addresses may be loopback or private. ``getaddrinfo``: the lookup (tests
    give a slow one).
    """

    def __init__(self, timeout: float, allow_hosts: tuple[str, ...] = (), getaddrinfo=socket.getaddrinfo) -> None:
        self.timeout = timeout
        self.getaddrinfo = getaddrinfo
        self.allowed = {_allow_entry(e) for e in allow_hosts if e.strip()}
        self._lock = threading.Lock()
        self._lookups: dict[tuple[str, int], _Lookup] = {}
        self._slots = threading.BoundedSemaphore(MAX_CONCURRENT_LOOKUPS)

    def may_be_private(self, host: str, port: int) -> bool:
        host = host.lower()
        return (host, None) in self.allowed or (host, port) in self.allowed

    def start(self, host: str, port: int) -> None:
        """Begin looking ``host`` up (for example for every host of a build at once)."""
        self._future(host, port)

    def lookup(self, host: str, port: int) -> list[SockAddr]:
        """Vetted addresses of ``host``; raises :class:`Unavailable`."""
        entry = self._future(host, port)
        try:
            # The timeout runs from when the lookup starts: time spent queued behind other
            # hosts' lookups (when a whole build's hosts are looked up at once) is not its fault.
            if not entry.running.wait(MAX_QUEUE_SECONDS):
                raise FutureTimeout
            infos = entry.future.result(timeout=max(0.0, entry.started + self.timeout - time.monotonic()))
        except FutureTimeout:
            raise Unavailable(f"DNS lookup of {host} timed out", "unreachable", host_level=True) from None
        except socket.gaierror as exc:
            raise Unavailable(f"host {host} not found ({exc.strerror})", "unreachable", host_level=True) from exc
        except (OSError, UnicodeError) as exc:
            raise Unavailable(f"host {host} cannot be looked up ({exc})", "unreachable", host_level=True) from exc
        addresses = [(family, sockaddr) for family, _t, _p, _c, sockaddr in infos]
        if not self.may_be_private(host, port):
            addresses = [a for a in addresses if is_public(a[1][0])]
            if not addresses:
                raise Unavailable(f"refused: {host} is a loopback or private address")
        return list(dict.fromkeys(addresses))[:MAX_ADDRESSES]

    def _future(self, host: str, port: int) -> _Lookup:
        key = (host.lower(), port)
        with self._lock:
            found = self._lookups.get(key)
            if found is not None:
                return found
            entry = self._lookups[key] = _Lookup()
        # A daemon thread, not a pool worker: a lookup stuck in the C library must not keep
        # the process alive at exit.
        threading.Thread(target=self._run, args=(key, entry), name=f"dns-{host}", daemon=True).start()
        return entry

    def _run(self, key: tuple[str, int], entry: _Lookup) -> None:
        with self._slots:
            entry.started = time.monotonic()
            entry.running.set()
            try:
                entry.future.set_result(self.getaddrinfo(key[0], key[1], type=socket.SOCK_STREAM))
            except (OSError, UnicodeError) as exc:
                entry.future.set_exception(exc)


class _Lookup:
    """One host's lookup: when it started running (after waiting for a slot) and its answer."""

    def __init__(self) -> None:
        self.started = 0.0
        self.running = threading.Event()
        self.future: Future = Future()
