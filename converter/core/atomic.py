"""Files written whole or not at all, and read back only when intact.

A build can be killed at any moment, and several builds may share one cache folder. Every
file the tool keeps is therefore written to a temporary file beside its final name (unique
to the writer, so two processes never write into the same one) and renamed over it: a
reader sees the old file or the new one, never a part. Reading verifies: a cache entry is
worth nothing if it is damaged (a disk error, a file cut short by a full disk, a power loss
after the rename but before the data reached the disk), so a damaged entry reads as missing
and is made again.

Two kinds of entry:

- :func:`write_checked` / :func:`read_checked`: any bytes, stored after a small header that
  holds their SHA-256 (the build cache, font subsets);
- :func:`write_bytes` plus :func:`read_verified` / :func:`intact`: files stored as they are
  under a name that is their own SHA-256 (images, which renderers read by path).

Temporaries are ``.<name>.<random>.part`` (:func:`temporary_beside`); :func:`sweep` removes
those a killed process left.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

MAGIC = b"converter-checked-1\n"
_HEADER = len(MAGIC) + 32
TEMP_SUFFIX = ".part"
# (Earlier versions named output temporaries ``.<stem>.<random>.<ext>.part``.)
_TEMP_RE = re.compile(r"^\..+\.[a-z0-9_]{8}(?:\.[A-Za-z0-9]{1,8})?\.part$")


def digest(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex."""
    return hashlib.sha256(data).hexdigest()


def temporary_beside(path: Path) -> tuple[int, Path]:
    """A new, empty temporary file in ``path``'s folder (made as needed), named after it and
    unique to the caller: an open descriptor and its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=TEMP_SUFFIX, dir=path.parent)
    return fd, Path(name)


def sync(path: Path) -> None:
    """Flush ``path``'s data to the disk (before it is renamed into place)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to ``path`` atomically (folders made as needed). ``durable``: flushed
    to the disk before the rename, for files that are not verified when read."""
    fd, name = temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(name, path)
    except BaseException:
        try:
            os.unlink(name)
        except OSError:
            pass
        raise


def write_checked(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, after a header holding its SHA-256."""
    write_bytes(path, MAGIC + hashlib.sha256(data).digest() + data)


def read_checked(path: Path) -> bytes | None:
    """The bytes :func:`write_checked` wrote to ``path``; ``None`` when the file is missing,
    unreadable or damaged (a damaged file is removed, so it is made again)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if raw[:len(MAGIC)] == MAGIC and len(raw) >= _HEADER:
        data = raw[_HEADER:]
        if hashlib.sha256(data).digest() == raw[len(MAGIC):_HEADER]:
            return data
    discard(path)
    return None


def read_verified(path: Path, expected: str) -> bytes | None:
    """The bytes of ``path`` when their SHA-256 is ``expected``; ``None`` when the file is
    missing, unreadable or damaged (a damaged file is removed)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if digest(data) == expected:
        return data
    discard(path)
    return None


def intact(path: Path, expected: str) -> bool:
    """Whether ``path`` holds bytes whose SHA-256 is ``expected`` (see :func:`read_verified`)."""
    return read_verified(path, expected) is not None


def discard(path: Path) -> None:
    """Remove ``path`` if it is there."""
    try:
        path.unlink()
    except OSError:
        pass


def is_temporary(name: str) -> bool:
    """Whether ``name`` is a temporary file of :func:`write_bytes`."""
    return bool(_TEMP_RE.match(name))


def sweep(folder: Path, older_than: float, *, recursive: bool = False) -> int:
    """Remove the temporaries in ``folder`` (and below it, if ``recursive``) last written more
    than ``older_than`` seconds ago: left by a process that was killed while writing (one
    still writing touches its file far more often). Returns how many went."""
    removed = 0
    limit = time.time() - older_than
    try:
        candidates = folder.rglob(f".*{TEMP_SUFFIX}") if recursive else folder.glob(f".*{TEMP_SUFFIX}")
        for path in candidates:
            try:
                if is_temporary(path.name) and path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
    except OSError:
        return removed
    return removed
