"""The resource cache: content-addressed files plus an index, so a rebuild works offline.

Layout of the cache folder::

    objects/ab/ab12…ef.png   every image file, named by the SHA-256 of its bytes
    index.sqlite             url → object and response headers; failed URLs and hosts,
                             with the time they failed; image variants → object

SQLite keeps the index consistent when a build is interrupted or two builds share the
folder. Objects are written atomically (``core/atomic.py``) and verified against their name
when first used in a build: a damaged object counts as missing, so it is fetched or made
again. Temporaries left by a killed build are swept when the cache is opened. Failures are
remembered for ``failure_ttl`` seconds, so a rebuild does not wait on the same dead host or
missing file again; successes are kept until the folder is deleted.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..core import atomic
from ..core.errors import ConverterError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY, digest TEXT, ext TEXT, media_type TEXT, width INTEGER, height INTEGER,
    headers TEXT, reason TEXT, kind TEXT, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS hosts (host TEXT PRIMARY KEY, reason TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS variants (
    key TEXT PRIMARY KEY, digest TEXT NOT NULL, ext TEXT NOT NULL, media_type TEXT NOT NULL,
    width INTEGER NOT NULL, height INTEGER NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class CachedURL:
    """What the index knows about a URL: an image file (``path``, what it is, the response
    headers) or a failure (``reason``, ``kind``)."""

    path: Path | None
    media_type: str = ""
    width: int = 0
    height: int = 0
    headers: dict[str, str] | None = None
    reason: str = ""
    kind: str = ""


@dataclass(frozen=True, slots=True)
class CachedVariant:
    """An image variant made earlier: its file and what it is."""

    path: Path
    media_type: str
    width: int
    height: int


STALE_TEMPORARY_SECONDS = 3600.0


def digest_of(data: bytes) -> str:
    return atomic.digest(data)


class Cache:
    """One cache folder. Thread-safe: the index has one connection behind a lock."""

    def __init__(self, folder: Path, failure_ttl: float) -> None:
        self.folder = folder
        self.failure_ttl = failure_ttl
        self._lock = threading.Lock()
        self._verified: set[Path] = set()
        try:
            (folder / "objects").mkdir(parents=True, exist_ok=True)
            atomic.sweep(folder / "objects", STALE_TEMPORARY_SECONDS, recursive=True)
            self._db = sqlite3.connect(folder / "index.sqlite", timeout=30, isolation_level=None,
                                       check_same_thread=False)
            # WAL without a sync per commit: thousands of small index writes cost no disk
            # flushes each, and a crash can lose only the last few (they are refetched).
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise _unusable(folder, exc) from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- objects
    def object_path(self, digest: str, ext: str) -> Path:
        return self.folder / "objects" / digest[:2] / f"{digest}.{ext}"

    def put(self, data: bytes, ext: str) -> tuple[str, Path]:
        """Store ``data`` (once); return its digest and path."""
        digest = digest_of(data)
        path = self.object_path(digest, ext)
        if not self._intact(path, digest):
            atomic.write_bytes(path, data)
            with self._lock:
                self._verified.add(path)
        return digest, path

    def _intact(self, path: Path, digest: str) -> bool:
        """Whether the object at ``path`` holds the bytes its name promises (checked once per
        build; a damaged object is removed)."""
        with self._lock:
            if path in self._verified:
                return True
        if not atomic.intact(path, digest):
            return False
        with self._lock:
            self._verified.add(path)
        return True

    # -- URLs
    def url(self, url: str) -> CachedURL | None:
        """The cached file or the still-fresh failure for ``url``; ``None`` when unknown."""
        row = self._query("SELECT digest, ext, media_type, width, height, headers, reason, kind, at "
                          "FROM urls WHERE url = ?", (url,))
        if row is None:
            return None
        digest, ext, media_type, width, height, headers, reason, kind, at = row
        if digest:
            path = self.object_path(digest, ext)
            if not self._intact(path, digest):
                return None
            return CachedURL(path, media_type, width, height, json.loads(headers or "{}"))
        if time.time() - at > self.failure_ttl:
            return None
        return CachedURL(None, reason=reason, kind=kind)

    def remember(self, url: str, digest: str, ext: str, media_type: str, size: tuple[int, int],
                 headers: dict[str, str]) -> None:
        """``url`` gave the image file ``digest``.``ext`` (already stored with :meth:`put`)."""
        self._execute("INSERT OR REPLACE INTO urls VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
                      (url, digest, ext, media_type, size[0], size[1], json.dumps(headers, sort_keys=True),
                       time.time()))

    def remember_failure(self, url: str, reason: str, kind: str) -> None:
        self._execute("INSERT OR REPLACE INTO urls VALUES (?, NULL, NULL, NULL, NULL, NULL, NULL, ?, ?, ?)",
                      (url, reason, kind, time.time()))

    # -- hosts
    def host_failure(self, host: str) -> str:
        """Why ``host`` failed recently, or ''."""
        row = self._query("SELECT reason, at FROM hosts WHERE host = ?", (host,))
        if row is None or time.time() - row[1] > self.failure_ttl:
            return ""
        return row[0]

    def remember_host_failure(self, host: str, reason: str) -> None:
        self._execute("INSERT OR REPLACE INTO hosts VALUES (?, ?, ?)", (host, reason, time.time()))

    # -- variants
    def variant(self, key: str) -> CachedVariant | None:
        row = self._query("SELECT digest, ext, media_type, width, height FROM variants WHERE key = ?", (key,))
        if row is None:
            return None
        path = self.object_path(row[0], row[1])
        return CachedVariant(path, row[2], row[3], row[4]) if self._intact(path, row[0]) else None

    def remember_variant(self, key: str, digest: str, ext: str, media_type: str, width: int, height: int) -> None:
        self._execute("INSERT OR REPLACE INTO variants VALUES (?, ?, ?, ?, ?, ?)",
                      (key, digest, ext, media_type, width, height))

    # -- index access
    def _query(self, sql: str, args: tuple) -> tuple | None:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchone()
            except sqlite3.Error as exc:
                raise _unusable(self.folder, exc) from exc

    def _execute(self, sql: str, args: tuple) -> None:
        with self._lock:
            try:
                self._db.execute(sql, args)
            except sqlite3.Error as exc:
                raise _unusable(self.folder, exc) from exc


def _unusable(folder: Path, exc: Exception) -> ConverterError:
    return ConverterError(f"cannot use the cache folder: {exc}", path=folder,
                          hint="choose another with --cache-dir, or delete this one")
