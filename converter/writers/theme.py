"""Themes: a folder of stylesheets (``common.css`` plus ``print.css`` or ``epub.css``), a
``reference.docx`` and an optional ``theme.toml``; the font rules of the font policy are
added in front.

A theme is named (``default``, ``sans``: folders of ``styles/``) or given as a path. It
inherits from the default theme unless its ``theme.toml`` says ``inherit = "none"``: the
parent's stylesheets come first and the theme's own are added after them (so a user theme
may hold a few rules only), and a ``reference.docx`` it lacks is the parent's.
``theme.toml`` also says which face the font policy gives running text (``fonts = "serif"``
or ``"sans"``) and the colours of generated covers; see docs/themes.md.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..core.errors import ConfigError, UsageError
from ..core.schema import from_table
from ..core.values import STYLES_DIR, theme_folder
from ..fonts.policy import font_css

DEFAULT_THEME = STYLES_DIR / "default"


@dataclass(frozen=True, slots=True)
class CoverColors:
    """Colours of a generated cover (CSS hex): ground, text, and the rule and small print."""

    background: str = "#1f2a3c"
    foreground: str = "#f4efe4"
    accent: str = "#c8a45a"


@dataclass(frozen=True, slots=True)
class ThemeSettings:
    """What ``theme.toml`` may say. ``fonts``: 'serif' or 'sans' (body text); ``inherit``:
    the parent theme (a name or a path relative to the theme), or 'none'."""

    fonts: str = "serif"
    inherit: str = "default"
    description: str = ""
    cover: CoverColors = CoverColors()


def find_theme(name_or_path: str | Path) -> Path:
    """The folder of a theme given by name (``styles/<name>``) or by path."""
    folder = theme_folder(name_or_path)
    if folder.is_dir():
        return folder
    names = sorted(p.name for p in STYLES_DIR.iterdir() if p.is_dir())
    raise UsageError(f"no theme {str(name_or_path)!r}", hint=f"name one of {', '.join(names)} or give a folder")


def check_theme(value: str) -> str:
    """The ``theme`` setting's check: the theme exists and its ``theme.toml`` files (its own
    and its parents') are valid, now rather than mid-build."""
    try:
        folder = find_theme(value)
    except UsageError as exc:
        raise ValueError(f"{exc.message} ({exc.hint})") from None
    chain(folder)
    return str(folder)


@cache
def settings(theme: Path) -> ThemeSettings:
    """The theme's ``theme.toml`` (defaults when it has none)."""
    path = theme / "theme.toml"
    if not path.is_file():
        return ThemeSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=path) from exc
    found = from_table(ThemeSettings, data, path=path)
    if found.fonts not in ("serif", "sans"):
        raise ConfigError(f"'fonts' must be 'serif' or 'sans', not {found.fonts!r}", path=path)
    return found


def chain(theme: Path) -> list[Path]:
    """The theme's ancestry, root first: [default, theme] for most themes."""
    folders = [theme]
    while folders[0] != DEFAULT_THEME:
        parent = settings(folders[0]).inherit
        if parent == "none":
            break
        found = find_theme(str(folders[0] / parent) if "/" in parent else parent)
        if found in folders:
            raise ConfigError(f"themes inherit from each other in a circle: {found}", path=theme)
        folders.insert(0, found)
    return folders


def stylesheet(theme: Path, medium: str, lang: str, fallback: tuple[str, ...] = ()) -> str:
    """The full CSS for ``medium`` ('print' or 'epub') for a book in ``lang``: font rules
    (every stack ending with the ``fallback`` families), then ``common.css`` and
    ``<medium>.css`` of each theme of the chain, root first."""
    parts = [font_css(settings(theme).fonts, lang, fallback)]
    for folder in chain(theme):
        for name in ("common.css", f"{medium}.css"):
            if (folder / name).is_file():
                parts.append(f"/* {folder.name}/{name} */\n" + (folder / name).read_text(encoding="utf-8"))
    if len(parts) == 1:
        raise UsageError("theme has no stylesheets (common.css, print.css, epub.css)", path=theme)
    return "\n".join(parts)


def reference_docx(theme: Path) -> Path:
    """The DOCX reference document of the theme, else of its nearest ancestor."""
    for folder in reversed(chain(theme)):
        if (folder / "reference.docx").is_file():
            return folder / "reference.docx"
    raise UsageError("theme has no reference.docx", path=theme)
