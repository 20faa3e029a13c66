"""Find the font files behind family names: fontconfig's list, or a configured folder.

The font policy (``fonts.py``) speaks in family names; the coverage check and EPUB embedding
need files. ``fc-list`` is asked once per process; a configured folder is scanned with
fontTools. Nothing here guesses: a family that is not installed is simply absent.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2")


@dataclass(frozen=True, slots=True)
class Face:
    """One face of an installed font: file, index in a collection, family, weight (CSS)."""

    family: str
    path: Path
    index: int
    weight: int
    italic: bool


def _css_weight(fc_weight: int) -> int:
    """fontconfig weights (80 regular, 200 bold) → CSS weights (400, 700)."""
    table = ((0, 100), (40, 200), (50, 300), (80, 400), (100, 500), (180, 600), (200, 700), (205, 800), (210, 900))
    best = min(table, key=lambda pair: abs(pair[0] - fc_weight))
    return best[1]


def _fc_list(pattern: str = "") -> list[tuple[Face, bool]]:
    """fontconfig's faces matching ``pattern`` (one entry per family name of a face), each
    with whether it is a colour (bitmap or layered) face."""
    if shutil.which("fc-list") is None:
        return []
    fmt = "%{family}\t%{weight}\t%{slant}\t%{file}\t%{index}\t%{color}\n"
    out = subprocess.run(["fc-list", *([pattern] if pattern else []), "--format", fmt],
                         capture_output=True, text=True, check=False).stdout
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 6:
            continue
        families, weight, slant, file, index, color = parts
        try:
            w, s, i = int(float(weight)), int(float(slant)), int(index)
        except ValueError:
            continue
        for family in families.split(","):
            faces.append((Face(family.strip(), Path(file), i, _css_weight(w), s > 0), color == "True"))
    return faces


@cache
def _fontconfig_faces() -> tuple[Face, ...]:
    return tuple(face for face, _color in _fc_list())


@lru_cache(maxsize=16)
def _folder_faces(folder: Path) -> tuple[Face, ...]:
    from fontTools.ttLib import TTCollection, TTFont

    faces = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in FONT_SUFFIXES or not path.is_file():
            continue
        try:
            fonts = TTCollection(str(path)).fonts if path.suffix.lower() in (".ttc", ".otc") else [TTFont(str(path), lazy=True)]
        except Exception:  # noqa: BLE001 - an unreadable file in a font folder is skipped, not fatal
            continue
        for index, font in enumerate(fonts):
            name = font["name"]
            family = str(name.getDebugName(16) or name.getDebugName(1) or "")
            weight = int(getattr(font.get("OS/2"), "usWeightClass", 400) or 400)
            italic = bool(getattr(font.get("OS/2"), "fsSelection", 0) & 1)
            if family:
                faces.append(Face(family, path, index, weight, italic))
    return tuple(faces)


def use_font_dirs(dirs: tuple[Path, ...], work_dir: Path) -> None:
    """Make fonts in ``dirs`` visible to fontconfig, hence to WeasyPrint and to the coverage
    and embedding code, for the rest of this process: a fonts.conf that includes the system
    configuration and adds the folders, named by ``FONTCONFIG_FILE``. Must run before
    WeasyPrint first lays out text."""
    if not dirs:
        return
    import html
    import os

    system = os.environ.get("FONTCONFIG_FILE", "/etc/fonts/fonts.conf")
    entries = "".join(f"<dir>{html.escape(str(d.resolve()))}</dir>" for d in dirs)
    cache = html.escape(str((work_dir / "fontconfig-cache").resolve()))
    conf = work_dir / "fonts.conf"
    work_dir.mkdir(parents=True, exist_ok=True)
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                    f'<fontconfig><include ignore_missing="yes">{html.escape(system)}</include>{entries}'
                    f"<cachedir>{cache}</cachedir></fontconfig>\n", encoding="utf-8")
    os.environ["FONTCONFIG_FILE"] = str(conf)
    _fontconfig_faces.cache_clear()
    cmap.cache_clear()


def all_faces(font_dirs: tuple[Path, ...] = ()) -> tuple[Face, ...]:
    """Faces from the configured folders first, then fontconfig's."""
    faces: list[Face] = []
    for folder in font_dirs:
        faces.extend(_folder_faces(folder.resolve()))
    faces.extend(_fontconfig_faces())
    return tuple(faces)


@lru_cache(maxsize=4096)
def faces_with(ch: str) -> tuple[tuple[Face, bool], ...]:
    """Installed upright faces that map ``ch`` (fontconfig's ``charset`` query), regular
    weight first, each with whether it is a colour face."""
    faces = {(face.path, face.index): (face, color) for face, color in _fc_list(f":charset={ord(ch):x}")
             if not face.italic}
    return tuple(sorted(faces.values(), key=lambda pair: (abs(pair[0].weight - 400), str(pair[0].path),
                                                          pair[0].index)))


def outline_face_for(ch: str) -> Face | None:
    """An installed upright face with an outline (not colour) glyph for ``ch``, the regular
    weight if there is one, or None."""
    return next((face for face, color in faces_with(ch) if not color), None)


def find_face(family: str, weight: int = 400, font_dirs: tuple[Path, ...] = ()) -> Face | None:
    """The upright face of ``family`` whose weight is nearest ``weight``, or None."""
    wanted = family.casefold()
    candidates = [f for f in all_faces(font_dirs) if f.family.casefold() == wanted and not f.italic]
    if not candidates:
        return None
    return min(candidates, key=lambda f: (abs(f.weight - weight), str(f.path)))


def first_installed(families: tuple[str, ...], weight: int = 400, font_dirs: tuple[Path, ...] = ()) -> Face | None:
    """The first family of a stack that is installed."""
    for family in families:
        face = find_face(family, weight, font_dirs)
        if face is not None:
            return face
    return None


@lru_cache(maxsize=64)
def cmap(path: Path, index: int) -> frozenset[int]:
    """The code points a face maps to glyphs (read by HarfBuzz: forty times faster than
    fontTools on the CJK collections)."""
    import uharfbuzz as hb

    return frozenset(hb.Face(hb.Blob.from_file_path(str(path)), index).unicodes)


@cache
def installed_fingerprint() -> str:
    """A digest of the installed fonts (fontconfig's list, with file sizes): what a cached
    layout or glyph check depends on besides the text."""
    import hashlib
    import os

    h = hashlib.sha256()
    for face in sorted(_fontconfig_faces(), key=lambda f: (str(f.path), f.index, f.family)):
        try:
            size = os.path.getsize(face.path)
        except OSError:
            continue
        h.update(f"{face.path}\t{face.index}\t{face.family}\t{face.weight}\t{size}\n".encode())
    return h.hexdigest()
