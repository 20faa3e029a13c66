"""A folder of cache entries addressed by content keys, written atomically and verified on read.

The build cache (read posts, laid-out PDF chunks) lives in ``<cache dir>/build/<kind>/``.
Each entry is one file written by :func:`~converter.core.atomic.write_checked` (a header
with the SHA-256 of the payload, then the payload, compressed): a killed build leaves either
the old entry, the new one or none; a read checks the digest, and an entry that does not match (half-written, damaged, from another version) is deleted and
reported as missing, never trusted. Keys hash everything the entry depends on, including
:func:`code_fingerprint`, so a changed tool never reuses an old entry.
"""

from __future__ import annotations

import hashlib
import os
import time
import zlib
from functools import cache
from pathlib import Path

from . import atomic

# Entries not used for this long are removed by prune().
MAX_AGE_SECONDS = 30 * 24 * 3600


def content_key(*parts: bytes | str) -> str:
    """A hex key of ``parts`` (each length-prefixed, so that ("ab", "c") ≠ ("a", "bc"))."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@cache
def code_fingerprint() -> str:
    """A digest of the package's own source files: any change of the tool's code is a new
    fingerprint, whatever the version number says."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:32]


class CacheStore:
    """Entries of one kind in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> bytes | None:
        """The payload stored under ``key``, or None (missing, or damaged and now removed)."""
        path = self._path(key)
        payload = atomic.read_checked(path)
        value = None
        if payload is not None:
            try:
                value = zlib.decompress(payload)
            except zlib.error:
                atomic.discard(path)
        if value is None:
            self.misses += 1
            return None
        try:
            os.utime(path)  # recently used: kept by prune()
        except OSError:
            pass
        self.hits += 1
        return value

    def put(self, key: str, value: bytes) -> None:
        """Store ``value`` under ``key`` atomically; a failure to write only costs the entry."""
        try:
            atomic.write_checked(self._path(key), zlib.compress(value, 1))
        except OSError:
            pass

    def prune(self, max_age: float = MAX_AGE_SECONDS) -> int:
        """Remove entries unused for ``max_age`` seconds, and temporary files of writes that
        were killed more than an hour ago; the number of files removed."""
        if not self.folder.is_dir():
            return 0
        now = time.time()
        removed = 0
        for path in self.folder.glob("*/*"):
            try:
                age = now - path.stat().st_mtime
            except OSError:
                continue
            if age > max_age or (atomic.is_temporary(path.name) and age > 3600):
                atomic.discard(path)
                removed += 1
        return removed
