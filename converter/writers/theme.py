"""Themes: a folder of stylesheets (``common.css`` plus ``print.css`` or ``epub.css``) and a
``reference.docx``; the font rules of the font policy are added in front."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..fonts import font_css


def stylesheet(theme: Path, medium: str, lang: str, style: str = "serif") -> str:
    """The full CSS for ``medium`` ('print' or 'epub') for a book in ``lang``."""
    parts = [font_css(style, lang)]
    for name in ("common.css", f"{medium}.css"):
        path = theme / name
        if not path.is_file():
            raise UsageError(f"theme file {name} is missing", path=theme)
        parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def reference_docx(theme: Path) -> Path:
    """The theme's DOCX reference document."""
    path = theme / "reference.docx"
    if not path.is_file():
        raise UsageError("theme has no reference.docx", path=theme)
    return path
