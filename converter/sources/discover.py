"""Find post files from files, folders (recursive) and glob patterns."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import SourceError

POST_SUFFIXES = (".md", ".markdown", ".html", ".htm")


@dataclass(frozen=True, slots=True)
class Discovered:
    """A post file and the root it was found under (the folder given on the command line,
    or the post's own folder for a file): local resources may resolve inside that root."""

    path: Path
    root: Path


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _walk(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*")
        if p.suffix.lower() in POST_SUFFIXES and p.is_file() and not _is_hidden(p, folder)
    )


def discover(inputs: list[str] | tuple[str, ...]) -> tuple[list[Discovered], list[SourceError]]:
    """Expand inputs into post files, in a stable order, without duplicates.

    A file is taken whatever its suffix; a folder contributes its ``.md``, ``.markdown``,
    ``.html`` and ``.htm`` files (hidden folders skipped); anything else is tried as a glob
    pattern. Inputs that match nothing are returned as errors, not raised, so the rest of
    the batch still builds.
    """
    found: list[Discovered] = []
    errors: list[SourceError] = []
    seen: set[Path] = set()

    def add(path: Path, root: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(Discovered(path, root))

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = _walk(path)
            if not files:
                errors.append(SourceError("folder holds no .md, .markdown or .html posts", path=path))
            for f in files:
                add(f, path)
        elif path.is_file():
            add(path, path.parent)
        elif path.exists():
            errors.append(SourceError("not a regular file or folder", path=path))
        else:
            matches = sorted(glob.glob(item, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                errors.append(SourceError("no such file, folder or matching pattern", path=path))
            for f in files:
                add(f, f.parent)
    return found, errors
