"""A folder of cache entries addressed by content keys, written atomically and verified on read.

The build cache (read posts, laid-out PDF chunks) lives in ``<cache dir>/build/<kind>/``.
Each entry is one file: a magic number, the SHA-256 of the payload and the payload
(compressed). A write goes to a temporary file that is renamed into place, so a killed build
leaves either the old entry, the new one or none; a read checks the magic and the digest, and
an entry that does not match (half-written, damaged, from another version) is deleted and
reported as missing, never trusted. Keys hash everything the entry depends on, including
:func:`code_fingerprint`, so a changed tool never reuses an old entry.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import zlib
from functools import cache
from pathlib import Path

_MAGIC = b"CVCACHE1"
_DIGEST = 32
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
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        payload = data[len(_MAGIC) + _DIGEST:]
        if data[:len(_MAGIC)] != _MAGIC or hashlib.sha256(payload).digest() != data[len(_MAGIC):len(_MAGIC) + _DIGEST]:
            self._discard(path)
            self.misses += 1
            return None
        try:
            value = zlib.decompress(payload)
        except zlib.error:
            self._discard(path)
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
        path = self._path(key)
        payload = zlib.compress(value, 1)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".entry-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
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
            if age > max_age or (path.name.startswith(".entry-") and age > 3600):
                self._discard(path)
                removed += 1
        return removed

    @staticmethod
    def _discard(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass
