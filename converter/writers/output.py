"""Output files: safe names from titles (CJK kept, everything a file system rejects removed),
atomic writes (a temporary file renamed into place), and one build at a time per folder.

A build killed while writing leaves its temporary file (nothing runs after SIGKILL). The next
build into that folder removes such files, but only once it holds the folder's lock, so it
never touches the file of a build that is still writing: :func:`output_lock` is an advisory
lock on the folder itself (no lock file is left behind), held while a build writes into it.
A second build into the same folder waits for the first.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..core import atomic

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: builds into one folder are not serialized
    fcntl = None

_ILLEGAL_RE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]')
_SPACE_RE = re.compile(r"[\s\u00a0\u3000]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_BYTES = 150


def safe_stem(title: str, fallback: str = "untitled") -> str:
    """A file name stem for ``title``: characters illegal on Windows, control and invisible
    characters removed, whitespace collapsed, trailing dots and spaces dropped, at most
    ``MAX_NAME_BYTES`` bytes of UTF-8 (cut at a character boundary)."""
    name = _ILLEGAL_RE.sub("", title)
    name = _SPACE_RE.sub(" ", name).strip()
    encoded = name.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        name = encoded[:MAX_NAME_BYTES].decode("utf-8", errors="ignore")
    name = name.rstrip(". ").lstrip(". ")
    if not name:
        name = fallback
    if name.split(".")[0].upper() in _RESERVED:
        name = f"{name}_"
    return name


def unique_stem(stem: str, taken: set[str]) -> str:
    """``stem``, or ``stem (2)``, ``stem (3)``... whichever is not in ``taken`` (case-blind,
    as on Windows and macOS); the result is added to ``taken``."""
    candidate, n = stem, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n})"
    taken.add(candidate.casefold())
    return candidate


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only if the block succeeds (its data
    on the disk first: after a power loss the old file or the new one, never an empty one)."""
    fd, tmp = atomic.temporary_beside(path)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        atomic.sync(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def remove_temporaries(folder: Path) -> int:
    """Remove the temporary files of killed builds from ``folder`` (call it holding
    :func:`output_lock`); how many went."""
    return atomic.sweep(folder, 0.0)


@contextlib.contextmanager
def output_lock(folder: Path, waiting: Callable[[str], None] | None = None) -> Iterator[float]:
    """Hold the lock of the output ``folder`` (made as needed) while writing into it; wait
    while another build holds it (telling ``waiting`` once). Once held, temporaries left by
    killed builds are removed. Yields the seconds spent waiting."""
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield 0.0
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        start = time.monotonic()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting(f"waiting for another build that is writing into {folder}")
            fcntl.flock(fd, fcntl.LOCK_EX)
        waited = time.monotonic() - start
        remove_temporaries(folder)
        yield waited
    finally:
        os.close(fd)  # releases the lock
