"""EPUB font embedding: subsets of the book's CJK faces, exactly the characters it uses.

Reading systems show Chinese in whatever font they have (Kindle picks a Latin face and
tofu, Kobo a Japanese one for Chinese). Embedding the policy's face for each CJK language of
the book, subset with HarfBuzz to the characters that language's text uses (fontTools writes
the WOFF2), fixes that at a cost of about 0.5 KB per character. Per language family, the regular face is
embedded for all of its text and the bold face only for the characters set in bold
(headings, strong), which is a small set. Licence and copyright name records (IDs 0, 13, 14)
are kept, as the SIL Open Font License requires. Subsets are cached by (face, characters),
written atomically and verified when read. A subset is a function of the face and the
characters alone: the font's own ``head.modified`` time is kept (fontTools would stamp the
time of saving), so two builds of one book give the same bytes.

Characters of CJK text that its face lacks (symbols, arrows, emoji, letters of other
scripts) come from fallback subsets: each from the first installed face of
``policy.fallback_families`` that has it, monochrome emoji last; every font stack of the
e-book ends with them, so no character is left to whatever the device has.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..core import atomic
from ..core.langtag import family
from ..core.model import (
    Block, BlockQuote, Book, BulletList, Code, CodeBlock, Div, Embed, Emph, Figure, Heading, Image, Inline,
    Link, Note, OrderedList, Paragraph, Ruby, Span, Strike, Strong, Subscript, Superscript, Table, Text,
)
from .coverage import needs_glyph
from .files import Face, cmap, find_face, first_installed, outline_face_for
from .policy import STACKS, fallback_families

MEDIA_TYPE = "font/woff2"


@dataclass(frozen=True, slots=True)
class EmbeddedFont:
    """A subset face to ship in the EPUB: the CSS family it stands for, its weight, the
    file name inside the package and its bytes."""

    family: str
    weight: int
    file_name: str
    data: bytes
    characters: int


class _Usage:
    """Collects the characters of a book per (language family, weight)."""

    def __init__(self) -> None:
        self.chars: dict[tuple[str, int], set[str]] = defaultdict(set)

    def add(self, fam: str, weight: int, text: str) -> None:
        self.chars[(fam, weight)].update(text)

    def inlines(self, nodes: tuple[Inline, ...], fam: str, weight: int) -> None:
        for node in nodes:
            if isinstance(node, (Text, Code)):
                self.add(fam, weight, node.text)
            elif isinstance(node, Strong):
                self.inlines(node.content, fam, 700)
            elif isinstance(node, Span):
                self.inlines(node.content, family(node.attrs.lang) if node.attrs.lang else fam, weight)
            elif isinstance(node, Ruby):
                self.inlines(node.base, fam, weight)
                self.add(fam, weight, node.text + "（）")  # the <rp> fallback parentheses
            elif isinstance(node, Image):
                self.add(fam, weight, node.alt)
            elif isinstance(node, Note):
                self.blocks(node.blocks, fam)
            elif isinstance(node, (Emph, Strike, Superscript, Subscript, Link)):
                self.inlines(node.content, fam, weight)

    def blocks(self, nodes: tuple[Block, ...], fam: str) -> None:
        for block in nodes:
            if isinstance(block, Paragraph):
                self.inlines(block.content, fam, 400)
            elif isinstance(block, Heading):
                self.inlines(block.content, fam, 700)
            elif isinstance(block, BlockQuote):
                self.blocks(block.blocks, fam)
            elif isinstance(block, Div):
                self.blocks(block.blocks, family(block.attrs.lang) if block.attrs.lang else fam)
            elif isinstance(block, (BulletList, OrderedList)):
                for item in block.items:
                    self.blocks(item, fam)
            elif isinstance(block, CodeBlock):
                self.add(fam, 400, block.text)
            elif isinstance(block, Figure):
                self.inlines(block.caption, fam, 400)
                self.add(fam, 400, block.image.alt)
            elif isinstance(block, Table):
                self.inlines(block.caption, fam, 400)
                for row in block.head + block.body:
                    for cell in row.cells:
                        self.blocks(cell.content, fam)
                        if cell.header:
                            for b in cell.content:
                                if isinstance(b, Paragraph):
                                    self.inlines(b.content, fam, 700)
            elif isinstance(block, Embed):
                self.add(fam, 400, block.title)


def _text_usage(book: Book, default_lang: str) -> dict[tuple[str, int], set[str]]:
    """Characters per (language family, weight) across the book, titles in both weights
    (bold as headings, regular in the navigation)."""
    usage = _Usage()
    book_fam = family(default_lang)
    for weight in (400, 700):
        usage.add(book_fam, weight, book.meta.title + book.meta.subtitle + " ".join(book.meta.authors))
    for part in book.parts:
        for weight in (400, 700):
            usage.add(book_fam, weight, part.title)
        for doc in part.chapters:
            fam = family(doc.meta.lang or default_lang)
            for weight in (400, 700):
                usage.add(fam, weight, doc.meta.title)
            usage.add(fam, 400, doc.meta.date + " ".join(doc.meta.authors))
            usage.blocks(doc.blocks, fam)
    return usage.chars


_BROTLI_QUALITY = 9
_brotli_lock = threading.Lock()


class _Brotli:
    """fontTools' WOFF2 writer calls ``brotli.compress`` at quality 11, which takes 15 s for
    a 5,000-character CJK subset; quality 9 takes 1 s for a file 9% larger."""

    def __init__(self, module) -> None:
        self._module = module

    def compress(self, data: bytes, mode: int = 0, **kwargs) -> bytes:
        return self._module.compress(data, mode=mode, quality=_BROTLI_QUALITY)

    def __getattr__(self, name: str):
        return getattr(self._module, name)


def _woff2(sfnt: bytes) -> bytes:
    from fontTools.ttLib import TTFont, woff2

    with _brotli_lock:
        original = woff2.brotli
        woff2.brotli = _Brotli(original)
        try:
            # The subset keeps the original's head.modified: fontTools would stamp the time
            # of this build, and the same book would not give the same EPUB twice.
            font = TTFont(io.BytesIO(sfnt), recalcTimestamp=False)
            font.flavor = "woff2"
            buffer = io.BytesIO()
            font.save(buffer)
        finally:
            woff2.brotli = original
    return buffer.getvalue()


def _subset(face: Face, chars: set[str], cache_dir: Path | None) -> bytes:
    """A WOFF2 subset of ``face`` for ``chars``. HarfBuzz subsets in well under a second
    what fontTools' subsetter takes fifteen for; fontTools then writes WOFF2."""
    import uharfbuzz as hb

    unicodes = sorted({ord(c) for c in chars if not c.isspace() or c == " "} | {0x20, 0x3000})
    stat = face.path.stat()
    key = hashlib.sha256(f"{face.path}:{face.index}:{stat.st_size}:{stat.st_mtime_ns}:".encode()
                         + ",".join(map(str, unicodes)).encode()).hexdigest()[:32]
    cached = cache_dir / f"{key}.woff2" if cache_dir else None
    if cached is not None:
        data = atomic.read_checked(cached)
        if data is not None:
            return data
    subset_input = hb.SubsetInput()
    for code in unicodes:
        subset_input.unicode_set.add(code)
    # Keep every name record (copyright 0, licence 13/14 as the OFL requires) in every
    # language. HarfBuzz's default layout features stay (vert/vrt2 for vertical text,
    # halt/palt/vhal for punctuation, kern) except locl: each face here sets one language
    # only, and locl's alternates for the other regions would double the subset.
    for which in (hb.SubsetInputSets.NAME_ID, hb.SubsetInputSets.NAME_LANG_ID):
        keep = subset_input.sets(which)
        keep.clear()
        keep.invert()
    subset_input.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG).remove(int.from_bytes(b"locl", "big"))
    result = hb.subset(hb.Face(hb.Blob.from_file_path(str(face.path)), face.index), subset_input)
    if result is None:
        raise ValueError(f"HarfBuzz could not subset {face.path}")
    data = _woff2(result.blob.data)
    if cached is not None:
        atomic.write_checked(cached, data)
    return data


def embed_fonts(book: Book, style: str = "serif", cache_dir: Path | None = None,
                font_dirs: tuple[Path, ...] = (), inserted: str = "") -> list[EmbeddedFont]:
    """Subset faces for every CJK language family (and weight) the book's text uses, with
    ``inserted``: the characters the output steps add to CJK text (the book is given as
    read, before them); then the fallback subsets (:func:`_fallbacks`)."""
    out = []
    usage = _text_usage(book, book.meta.lang)
    # Whatever the book shows, in any language, that no embedded CJK subset draws.
    uncovered = {c for chars in usage.values() for c in chars if needs_glyph(c)}
    for (fam, weight), chars in sorted(usage.items()):
        chars = chars | set(inserted)
        if fam not in STACKS or not any(ord(c) > 0x2e7f for c in chars):
            continue
        families = getattr(STACKS[fam], style)
        face = first_installed(families, weight, font_dirs)
        if face is None:
            continue
        data = _subset(face, chars, cache_dir)
        name = f"fonts/{fam}-{weight}.woff2"
        out.append(EmbeddedFont(face.family, weight, name, data, len(chars)))
        have = cmap(face.path, face.index)
        uncovered -= {c for c in chars if ord(c) in have}
    if not out:
        return []  # a book without CJK text keeps to the reading system's fonts
    return out + _fallbacks(uncovered, cache_dir, font_dirs)


FALLBACK_PREFIX = "Fallback "


def _fallbacks(chars: set[str], cache_dir: Path | None, font_dirs: tuple[Path, ...]) -> list[EmbeddedFont]:
    """Subsets of the fallback faces (``policy.fallback_families``) for the characters the
    CJK faces lack: each character from the first face that has it. They are named
    ``Fallback <family>``, not after the face: a reading system that has the whole face
    must not take a few-glyph subset for it."""
    chosen: dict[Face, set[str]] = {}
    for family_name in fallback_families():
        face = find_face(family_name, 400, font_dirs) if chars else None
        if face is not None:
            have = cmap(face.path, face.index)
            chosen[face] = {c for c in chars if ord(c) in have}
            chars = chars - chosen[face]
    # The rest (a script the policy does not name): any installed outline face that has it.
    for ch in sorted(chars):
        face = outline_face_for(ch)
        if face is not None:
            chosen.setdefault(face, set()).add(ch)
    out = []
    for face, mine in chosen.items():
        if mine:
            slug = re.sub(r"[^a-z0-9]+", "-", face.family.lower()).strip("-")
            out.append(EmbeddedFont(FALLBACK_PREFIX + face.family, 400, f"fonts/fallback-{slug}.woff2",
                                    _subset(face, mine, cache_dir), len(mine)))
    return out


def fallback_names(fonts: list[EmbeddedFont]) -> tuple[str, ...]:
    """The families of the fallback subsets among ``fonts``, for the end of every stack."""
    return tuple(f.family for f in fonts if f.family.startswith(FALLBACK_PREFIX))


def font_face_css(fonts: list[EmbeddedFont], prefix: str = "../") -> str:
    """@font-face rules naming each subset after the family the stylesheets already use."""
    rules = []
    for font in fonts:
        rules.append(f'@font-face {{ font-family: "{font.family}"; font-weight: {font.weight}; '
                     f'font-style: normal; src: url("{prefix}{font.file_name}") format("woff2"); }}')
    return "\n".join(rules) + ("\n" if rules else "")

