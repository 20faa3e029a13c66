"""Output files: safe names from titles (CJK kept, everything a file system rejects removed),
and atomic writes (a temporary file renamed into place).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

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
    """A temporary path beside ``path`` that replaces it only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=path.suffix + ".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
