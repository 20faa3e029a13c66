"""Generated covers: a clean typographic design drawn with Pillow (1600x2560 PNG).

Title (the series title for a volume, with the volume label set large), subtitle, authors and
the dates the posts span, in the CJK face of the book's language from the font policy. The
face is found through fontconfig (a TTC file and the index of the face in it) and checked
against the text with its character map: the first face of the stack that has every
character wins; characters that no face has (emoji in titles) are left out with a
warning rather than drawn as boxes. Nothing is drawn in the top and bottom 12% of the height:
PDF pages are wider than 1:1.6, so the PDF crops the cover's top and bottom to fill the page.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..core.diagnostics import Diagnostics
from ..core.kinsoku import ANY as KINSOKU
from ..core.labels import coverage_label
from ..core.langtag import family
from ..core.model import BookMeta
from ..core.values import COVER_CHOICES
from ..fonts.files import Face, cmap, find_face
from ..fonts.policy import LATIN, STACKS, stack_for

SIZE = (1600, 2560)
MARGIN = 170
# Characters that may not start a line (kinsoku) and that may not end one, in any CJK language.
_NO_START = frozenset(KINSOKU.no_start)
_NO_END = frozenset(KINSOKU.no_end)


def check_cover(value: str) -> str:
    """The ``cover`` setting's check: one of :data:`COVER_CHOICES` or an image file."""
    if value not in COVER_CHOICES and not Path(value).is_file():
        raise ValueError(f"no such image file (or say one of {', '.join(COVER_CHOICES)})")
    return value


def _visible(text: str) -> set[int]:
    return {ord(c) for c in text if not c.isspace()}


def choose_face(texts: list[str], lang: str, style: str, bold: bool) -> tuple[Face | None, set[int]]:
    """The face of the language's stack (then Latin, then Simplified Chinese) that covers
    the most characters of ``texts``, and the characters it lacks."""
    wanted = set().union(*(_visible(t) for t in texts)) if texts else set()
    best: tuple[Face | None, set[int]] = (None, wanted)
    families = getattr(stack_for(lang), style) + getattr(LATIN, style) + getattr(STACKS["zh-Hans"], style)
    for name in dict.fromkeys(families):
        face = find_face(name, 700 if bold else 400)
        if face is None:
            continue
        missing = wanted - cmap(face.path, face.index)
        if len(missing) < len(best[1]) or best[0] is None:
            best = (face, missing)
        if not missing:
            break
    return best


def _font(face: Face | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if face is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(face.path), size, index=face.index)


def _units(text: str) -> list[str]:
    """Line-breaking units: a word of a spaced script with its space, or one CJK character;
    closing punctuation sticks to what precedes it, opening punctuation to what follows."""
    units: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace() or ord(ch) >= 0x2E80:
            if word:
                units.append(word)
                word = ""
            if ch.isspace():
                if units:
                    units[-1] += " "
                continue
            units.append(ch)
        else:
            word += ch
    if word:
        units.append(word)
    merged: list[str] = []
    for unit in units:
        if merged and (unit[0] in _NO_START or merged[-1].rstrip()[-1:] in _NO_END):
            merged[-1] += unit
        else:
            merged.append(unit)
    return merged


def wrap(text: str, font, width: int) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (a unit wider than that stands alone)."""
    lines: list[str] = []
    line = ""
    for unit in _units(text):
        trial = line + unit
        if line and font.getlength(trial.rstrip()) > width:
            lines.append(line.rstrip())
            line = unit
        else:
            line = trial
    if line.strip():
        lines.append(line.rstrip())
    return lines


def balanced(text: str, font, width: int) -> list[str]:
    """``text`` in as few lines as :func:`wrap` needs at ``width``, but with lines of even
    length (a title of two lines is not one full line and one word)."""
    lines = wrap(text, font, width)
    low, high = 1, width
    while low < high:  # the narrowest measure that still needs no more lines
        middle = (low + high) // 2
        if len(wrap(text, font, middle)) <= len(lines):
            high = middle
        else:
            low = middle + 1
    return wrap(text, font, high)


def _fit(text: str, face: Face | None, width: int, sizes: range, max_lines: int, max_height: float = 1e9):
    """The largest font size of ``sizes`` at which ``text`` fits in ``max_lines`` lines
    (and in ``max_height`` pixels)."""
    for size in sizes:
        font = _font(face, size)
        lines = balanced(text, font, width)
        fits = len(lines) <= max_lines and len(lines) * size * 1.15 <= max_height
        if fits and all(font.getlength(line) <= width for line in lines):
            return font, lines, size
    font = _font(face, sizes[-1])
    return font, wrap(text, font, width)[:max_lines], sizes[-1]


def _hex(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _cover_texts(meta: BookMeta, style: str,
                 diag: Diagnostics | None) -> tuple[dict[str, str], Face | None, Face | None]:
    """What the cover says, and its bold and regular faces; characters no face has are left
    out with a warning."""
    texts = {"title": meta.series or meta.title, "volume": meta.volume if meta.series else "",
             "subtitle": meta.subtitle,
             "authors": ("、" if family(meta.lang) in ("zh-Hans", "zh-Hant", "zh-HK", "ja") else ", ").join(meta.authors),
             "dates": coverage_label(meta.coverage), "publisher": meta.publisher}
    bold_face, missing = choose_face([texts["title"], texts["volume"]], meta.lang, style, bold=True)
    face, missing_regular = choose_face([t for k, t in texts.items() if k not in ("title", "volume")],
                                        meta.lang, style, bold=False)
    # Without any face (no fontconfig) nothing is known to be missing: Pillow's face is used.
    lost = (missing if bold_face else set()) | (missing_regular if face else set())
    if (bold_face is None or face is None) and diag is not None:
        diag.warn("cover-font", "fontconfig found none of the faces of the font policy; the cover is set in "
                                "Pillow's built-in face")
    if lost and diag is not None:
        diag.warn("cover-glyphs", "no cover font has " + " ".join(chr(c) for c in sorted(lost))
                  + "; left out of the cover")
    return {key: "".join(c for c in text if ord(c) not in lost).strip() for key, text in texts.items()}, bold_face, face


class _Canvas:
    """The cover image being drawn, with its measures scaled to its width."""

    def __init__(self, size: tuple[int, int], background: str) -> None:
        self.width, self.height = size
        self.image = Image.new("RGB", size, _hex(background))
        self.draw = ImageDraw.Draw(self.image)
        self.scale = self.width / SIZE[0]
        self.left = int(MARGIN * self.scale)
        self.inner = self.width - 2 * self.left

    def px(self, value: float) -> int:
        return int(value * self.scale)

    def head(self, texts: dict[str, str], bold_face: Face | None, face: Face | None, fg: tuple, ac: tuple) -> int:
        """Title, a short rule, subtitle (tops, from 20% of the height down); the y below them."""
        px, draw, left = self.px, self.draw, self.left
        y = int(self.height * 0.2)
        font, lines, size_px = _fit(texts["title"] or "—", bold_face, self.inner, range(px(170), px(70), -6),
                                    4 if texts["volume"] else 5)
        for line in lines:
            draw.text((left, y), line, font=font, fill=fg)
            y += int(size_px * 1.3)
        y += px(40)
        draw.rectangle((left, y, left + px(220), y + px(8)), fill=ac)
        y += px(90)
        if texts["subtitle"]:
            font, lines, size_px = _fit(texts["subtitle"], face, self.inner, range(px(70), px(40), -4), 3)
            for line in lines:
                draw.text((left, y), line, font=font, fill=fg)
                y += int(size_px * 1.45)
        return y

    def foot(self, texts: dict[str, str], bold_face: Face | None, face: Face | None, fg: tuple, ac: tuple,
             top: int) -> None:
        """From the bottom up (baselines, anchor "ls"): publisher, dates, authors; then the
        volume label, large, in the accent colour, in the room left above them."""
        px, draw, left = self.px, self.draw, self.left
        baseline = int(self.height * 0.86)
        small = _font(face, px(50))
        for key in ("publisher", "dates"):
            if texts[key]:
                draw.text((left, baseline), texts[key], font=small, fill=ac, anchor="ls")
                baseline -= px(90)
        if texts["authors"]:
            font, lines, size_px = _fit(texts["authors"], face, self.inner, range(px(76), px(44), -4), 2)
            for line in reversed(lines):
                draw.text((left, baseline), line, font=font, fill=fg, anchor="ls")
                baseline -= int(size_px * 1.4)
        if texts["volume"]:
            baseline -= px(80)
            room = baseline - top - px(40)
            font, lines, size_px = _fit(texts["volume"], bold_face, self.inner, range(px(300), px(60), -10), 2, room)
            for line in reversed(lines):
                draw.text((left, baseline), line, font=font, fill=ac, anchor="ls")
                baseline -= int(size_px * 1.1)


def render_cover(meta: BookMeta, *, background: str, foreground: str, accent: str, style: str = "serif",
                 diag: Diagnostics | None = None, size: tuple[int, int] = SIZE) -> bytes:
    """The cover of the book ``meta`` describes, as PNG bytes."""
    texts, bold_face, face = _cover_texts(meta, style, diag)
    canvas = _Canvas(size, background)
    fg, ac = _hex(foreground), _hex(accent)
    top = canvas.head(texts, bold_face, face, fg, ac)
    canvas.foot(texts, bold_face, face, fg, ac, top)
    out = io.BytesIO()
    canvas.image.save(out, "PNG", optimize=True)
    return out.getvalue()
