"""Model → pandoc's JSON AST (pandoc-types 1.23), the lossless way into pandoc's writers.

No HTML round trip: every model node maps onto the pandoc node that means the same thing.
Images that are resolved resources point at their local files; the others become visible
placeholder paragraphs with their URL, so pandoc never fetches anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from ..core.labels import embed_label, label as text_label
from ..core.langtag import family, is_rtl
from ..core.model import (
    Attrs, Block, BlockQuote, Book, BulletList, Code, CodeBlock, Div, Document, Embed, Emph,
    Figure, Heading, Image, Inline, LineBreak, Link, Note, OrderedList, Paragraph, Ruby, Span,
    Strike, Strong, Subscript, Superscript, Table, TableCell, Text, ThematicBreak, chapter_target,
)
from ..core.tree import block_texts, inline_text, text_alternative
from ..core.urls import is_web_url
from ..fonts.files import cmap, find_face
from ..fonts.policy import DOCX_FALLBACK, LATIN, STACKS, stack_for
from ..resources import ResourceLookup

Json = Any
_SPACE_RE = re.compile(r"(\s+)")
_NO_ATTR: Json = ["", [], []]


def attr(id_: str = "", classes: tuple[str, ...] = (), kv: tuple[tuple[str, str], ...] = ()) -> Json:
    return [id_, list(classes), [list(p) for p in kv]]


def _attr_of(a: Attrs, id_prefix: str) -> Json:
    kv = (("lang", a.lang),) if a.lang else ()
    if a.lang and is_rtl(a.lang):
        kv += (("dir", "rtl"),)  # pandoc's docx writer sets w:bidi/w:rtl from it
    return attr(id_prefix + a.id if a.id else "", a.classes, kv)


def text_inlines(text: str) -> list[Json]:
    """Pandoc splits text into words (Str) and spaces (Space)."""
    out: list[Json] = []
    for piece in _SPACE_RE.split(text):
        if not piece:
            continue
        if piece.isspace() and "\u00a0" not in piece and "\u3000" not in piece:
            out.append({"t": "Space"})
        else:
            out.append({"t": "Str", "c": piece})
    return out


def custom_style(name: str) -> Json:
    """An attribute that makes pandoc's docx writer use (or create) the Word style ``name``."""
    return attr(kv=(("custom-style", name),))


def _grid(rows) -> tuple[int, list[int]]:
    """The columns the rows of a table section fill, cells placed as HTML places them (a
    cell held down by a rowspan above pushes its row's cells right), and how many of those
    columns each row leaves empty."""
    taken: dict[int, set[int]] = {}
    width = 0
    for r, row in enumerate(rows):
        column = 0
        for cell in row.cells:
            while column in taken.get(r, ()):
                column += 1
            for dr in range(cell.rowspan):
                taken.setdefault(r + dr, set()).update(range(column, column + cell.colspan))
            column += cell.colspan
            width = max(width, column)
    return width, [width - len(taken.get(r, ())) for r in range(len(rows))]


_EMPTY_CELL = [_NO_ATTR, {"t": "AlignDefault"}, 1, 1, []]
# Runs of symbols (Unicode So, Sm) and emoji, with their joiners and variation selectors.
_SYMBOL_RUN_RE = re.compile("((?:[\u2190-\u2bff\u2600-\u27bf\U0001f000-\U0001faff][\ufe0e\ufe0f\u200d]*)+)")


@cache
def _face_lacks(fam: str) -> frozenset[int]:
    """Symbol and emoji code points that the DOCX text face of ``fam`` has no glyph for."""
    stack = STACKS.get(fam, LATIN)
    face = find_face(stack.docx)
    have = cmap(face.path, face.index) if face else frozenset()
    symbols = set(range(0x2190, 0x2c00)) | set(range(0x2600, 0x27c0)) | set(range(0x1F000, 0x1FB00))
    return frozenset(symbols - have)


def _fallback_style(piece: str, lacking: frozenset[int]) -> str | None:
    """The fallback style of a run of symbols, or None when the text face has them all."""
    if not any(ord(c) in lacking for c in piece):
        return None
    return DOCX_FALLBACK[1][0] if any(ord(c) >= 0x1F000 for c in piece) else DOCX_FALLBACK[0][0]


class PandocBuilder:
    """Builds pandoc JSON for one book; resolved images point at their local files."""

    def __init__(self, resources: ResourceLookup, lang: str = "") -> None:
        self.resources = resources
        self.lang = lang
        # Before every id a post brings, per chapter: Word bookmarks are book-wide, and two
        # posts' "#intro" must each land in their own chapter.
        self.id_prefix = ""

    # ------------------------------------------------------------------ inlines
    def inlines(self, nodes: tuple[Inline, ...]) -> list[Json]:
        out: list[Json] = []
        for node in nodes:
            out.extend(self.inline(node))
        return out

    def inline(self, i: Inline) -> list[Json]:
        if isinstance(i, Text):
            return self._text(i.text)
        wrappers: dict[type, str] = {Emph: "Emph", Strong: "Strong", Strike: "Strikeout",
                                     Superscript: "Superscript", Subscript: "Subscript"}
        if type(i) in wrappers:
            return [{"t": wrappers[type(i)], "c": self.inlines(i.content)}]  # type: ignore[union-attr]
        if isinstance(i, Code):
            return [{"t": "Code", "c": [_NO_ATTR, i.text]}]
        if isinstance(i, Link):
            target = chapter_target(i.url)
            if target:
                url = f"#c{target[0]}-{target[1]}" if target[1] else f"#chapter-{target[0]}"
            elif i.url.startswith("#"):
                url = f"#{self.id_prefix}{i.url[1:]}"
            else:
                url = i.url
            return [{"t": "Link", "c": [_NO_ATTR, self.inlines(i.content), [url, i.title]]}]
        if isinstance(i, Image):
            resource = self.resources.get(i.src)
            if resource is None:
                return self._placeholder_inlines(i)
            return [{"t": "Image", "c": [_NO_ATTR, text_inlines(text_alternative(i)), [str(resource.path), i.title]]}]
        if isinstance(i, LineBreak):
            return [{"t": "LineBreak"}]
        if isinstance(i, Note):
            return [{"t": "Note", "c": self.blocks(i.blocks)}]
        if isinstance(i, Span):
            return [{"t": "Span", "c": [_attr_of(i.attrs, self.id_prefix), self.inlines(i.content)]}]
        if isinstance(i, Ruby):
            return [{"t": "RawInline", "c": ["openxml", ruby_openxml(inline_text(i.base), i.text, self.lang)]}]
        raise TypeError(f"unknown inline {type(i).__name__}")

    def _text(self, text: str) -> list[Json]:
        """Words and spaces; symbols and emoji that the language's face lacks in a span of the
        style that names a face which has them (``policy.DOCX_FALLBACK``)."""
        if not _SYMBOL_RUN_RE.search(text):
            return text_inlines(text)
        lacking = _face_lacks(family(self.lang))
        out: list[Json] = []
        for piece in _SYMBOL_RUN_RE.split(text):
            style = _fallback_style(piece, lacking) if piece else None
            if style is None:
                out.extend(text_inlines(piece))
            else:
                out.append({"t": "Span", "c": [custom_style(style), text_inlines(piece)]})
        return out

    def _placeholder_inlines(self, image: Image) -> list[Json]:
        label = text_inlines(f"[{image.alt or image.title or text_label('image', self.lang)}]")
        reason = self.resources.reason(image.src)
        why = text_inlines(f"({reason})") + [{"t": "Space"}] if reason else []
        source = self.resources.source(image.src)  # a resolved image this format cannot show has an id
        if source.startswith(("http://", "https://")):
            url = [{"t": "Link", "c": [_NO_ATTR, [{"t": "Str", "c": source}], [source, ""]]}]
        else:
            url = [{"t": "Str", "c": source}]
        return [{"t": "Span", "c": [attr(classes=("image-placeholder",)), label + [{"t": "Space"}] + why + url]}]

    # ------------------------------------------------------------------ blocks
    def blocks(self, nodes: tuple[Block, ...], offset: int = 1) -> list[Json]:
        out: list[Json] = []
        for node in nodes:
            out.extend(self.block(node, offset))
        return out

    def block(self, b: Block, offset: int = 1) -> list[Json]:
        if isinstance(b, Paragraph):
            return [{"t": "Para", "c": self.inlines(b.content)}]
        if isinstance(b, Heading):
            level = min(b.level + offset, 6)
            return [{"t": "Header", "c": [level, _attr_of(b.attrs, self.id_prefix), self.inlines(b.content)]}]
        if isinstance(b, BlockQuote):
            return [{"t": "BlockQuote", "c": self.blocks(b.blocks, offset)}]
        if isinstance(b, BulletList):
            return [{"t": "BulletList", "c": [self.blocks(item, offset) for item in b.items]}]
        if isinstance(b, OrderedList):
            return [{"t": "OrderedList", "c": [[b.start, {"t": "Decimal"}, {"t": "Period"}],
                                               [self.blocks(item, offset) for item in b.items]]}]
        if isinstance(b, CodeBlock):
            return [{"t": "CodeBlock", "c": [attr(classes=(b.language,) if b.language else ()), b.text]}]
        if isinstance(b, Figure):
            return self._figure(b)
        if isinstance(b, Table):
            return [self._table(b, offset)]
        if isinstance(b, ThematicBreak):
            return [{"t": "HorizontalRule"}]
        if isinstance(b, Embed):
            label = embed_label(b.kind, self.lang)
            content = [{"t": "Strong", "c": text_inlines(label + ":")}, {"t": "Space"}]
            if b.title:
                content += text_inlines(b.title) + [{"t": "Space"}]
            content.append({"t": "Link", "c": [_NO_ATTR, [{"t": "Str", "c": b.url}], [b.url, ""]]})
            return [{"t": "Div", "c": [custom_style("Embed"), [{"t": "Para", "c": content}]]}]
        if isinstance(b, Div):
            return [{"t": "Div", "c": [_attr_of(b.attrs, self.id_prefix), self.blocks(b.blocks, offset)]}]
        raise TypeError(f"unknown block {type(b).__name__}")

    def _figure(self, f: Figure) -> list[Json]:
        caption = self.inlines(f.caption)
        resource = self.resources.get(f.image.src)
        if resource is None:
            blocks = [{"t": "Div", "c": [custom_style("Image Placeholder"),
                                         [{"t": "Para", "c": self._placeholder_inlines(f.image)}]]}]
            if caption:
                blocks.append({"t": "Div", "c": [custom_style("Image Caption"), [{"t": "Para", "c": caption}]]})
            return blocks
        # Word shows the text alternative as the picture's description (wp:docPr descr).
        alt = text_alternative(f.image, f.caption)
        image = {"t": "Image", "c": [_NO_ATTR, text_inlines(alt), [str(resource.path), f.image.title]]}
        if not caption:
            return [{"t": "Para", "c": [image]}]
        return [{"t": "Figure", "c": [_NO_ATTR, [None, [{"t": "Plain", "c": caption}]],
                                      [{"t": "Plain", "c": [image]}]]}]

    def _cell(self, c: TableCell, offset: int) -> Json:
        align = {"left": "AlignLeft", "right": "AlignRight", "center": "AlignCenter"}.get(c.align, "AlignDefault")
        blocks = self.blocks(c.content, offset)
        # Single-paragraph cells are Plain, as pandoc's own readers make them (no spacing).
        if len(blocks) == 1 and blocks[0]["t"] == "Para":
            blocks = [{"t": "Plain", "c": blocks[0]["c"]}]
        return [_NO_ATTR, {"t": align}, c.rowspan, c.colspan, blocks]

    def _table(self, t: Table, offset: int) -> Json:
        # pandoc's DOCX writer fails the whole file ("unassigned table cell") on a row that
        # does not fill every column, or on more columns than the colspecs say: rows are
        # padded with empty cells to the widest.
        columns = max(_grid(t.head)[0], _grid(t.body)[0], 1)

        def rows(section) -> list:
            empty = [columns - _grid(section)[0] + free for free in _grid(section)[1]]
            return [[_NO_ATTR, [self._cell(c, offset) for c in r.cells] + [_EMPTY_CELL] * pad]
                    for r, pad in zip(section, empty)]

        colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in range(columns)]
        caption = [None, [{"t": "Plain", "c": self.inlines(t.caption)}] if t.caption else []]
        return {"t": "Table", "c": [_NO_ATTR, caption, colspecs, [_NO_ATTR, rows(t.head)],
                                    [[_NO_ATTR, 0, [], rows(t.body)]], [_NO_ATTR, []]]}

    # ------------------------------------------------------------------ chapters
    def chapter(self, doc: Document, level: int, number: int) -> list[Json]:
        """Chapter ``number`` of the book: its title as a heading of ``level`` (bookmark
        ``chapter-<number>``), byline, then the body with ids prefixed ``c<number>-``."""
        self.id_prefix = f"c{number}-"
        chapter_id = f"chapter-{number}"
        meta = doc.meta
        out: list[Json] = []
        title = [{"t": "Header", "c": [level, attr(chapter_id), text_inlines(meta.title)]}]
        byline: list[Json] = []
        for piece in (meta.date[:10], ", ".join(meta.authors)):
            if piece:
                if byline:
                    byline += text_inlines(" · ")
                byline += text_inlines(piece)
        if is_web_url(meta.source_url):
            if byline:
                byline.append({"t": "LineBreak"})
            byline.append({"t": "Link", "c": [_NO_ATTR, [{"t": "Str", "c": meta.source_url}],
                                              [meta.source_url, ""]]})
        body = title
        if byline:
            body.append({"t": "Div", "c": [custom_style("Byline"), [{"t": "Para", "c": byline}]]})
        body.extend(self.blocks(doc.blocks, level))
        lang = meta.lang
        if lang:
            out.append({"t": "Div", "c": [attr(kv=(("lang", lang),)), body]})
        else:
            out.extend(body)
        return out


def ruby_openxml(base: str, reading: str, lang: str, size_half_points: int = 22) -> str:
    """A ``w:ruby`` run: Word and LibreOffice set ``reading`` above ``base`` (pandoc has no
    ruby; raw OOXML passes through its docx writer unchanged)."""
    tag = stack_for(lang).docx_lang if family(lang) else "ja-JP"
    rt_size = max(size_half_points // 2, 8)
    return ("<w:r><w:ruby><w:rubyPr><w:rubyAlign w:val=\"distributeSpace\"/>"
            f"<w:hps w:val=\"{rt_size}\"/><w:hpsRaise w:val=\"{size_half_points - 2}\"/>"
            f"<w:hpsBaseText w:val=\"{size_half_points}\"/><w:lid w:val=\"{tag}\"/></w:rubyPr>"
            f"<w:rt><w:r><w:rPr><w:sz w:val=\"{rt_size}\"/></w:rPr><w:t>{escape(reading)}</w:t></w:r></w:rt>"
            f"<w:rubyBase><w:r><w:t>{escape(base)}</w:t></w:r></w:rubyBase></w:ruby></w:r>")


PAGE_BREAK: Json = {"t": "RawBlock", "c": ["openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>']}


@dataclass(frozen=True, slots=True)
class Unit:
    """A piece of the book's body as the DOCX writer converts it: a part's title page, or a
    chapter (with the number it has in the book and the heading level of its title)."""

    identity: str
    size: int
    doc: Document | None = None
    number: int = 0
    level: int = 1
    part_title: str = ""
    part_index: int = 0
    after_part: bool = False  # right after its part's title: no page break of its own


def book_units(book: Book) -> list[Unit]:
    """The parts and chapters of ``book`` in reading order."""
    units: list[Unit] = []
    number = 0
    for part_index, part in enumerate(book.parts, 1):
        level = 1
        if part.title:
            units.append(Unit(f"part-{part_index}", len(part.title), part_title=part.title, part_index=part_index))
            level = 2
        for position, doc in enumerate(part.chapters):
            number += 1
            size = len(doc.meta.title) + sum(len(t) for t in block_texts(doc.blocks, code=True))
            units.append(Unit(doc.meta.source_path or f"chapter-{number}", size, doc, number, level,
                              after_part=bool(part.title) and position == 0))
    return units


def unit_blocks(builder: PandocBuilder, unit: Unit) -> list[Json]:
    """The pandoc blocks of one unit, on a new page (the front matter always comes first)."""
    if unit.doc is None:
        return [PAGE_BREAK, {"t": "Header", "c": [1, attr(f"part-{unit.part_index}", ("part",)),
                                                  text_inlines(unit.part_title)]}]
    return ([] if unit.after_part else [PAGE_BREAK]) + builder.chapter(unit.doc, unit.level, unit.number)


def pandoc_document(blocks: list[Json], api_version: list[int], lang: str) -> Json:
    """A pandoc JSON document. Only the language goes into pandoc's metadata (``lang``: the
    tag pandoc should set): pandoc would print title, authors and date as a title block of
    its own, and the writer makes the document properties itself."""
    meta: dict[str, Json] = {"lang": {"t": "MetaString", "c": lang}} if lang else {}
    return {"pandoc-api-version": api_version, "meta": meta, "blocks": blocks}


def book_to_pandoc(book: Book, resources: ResourceLookup, api_version: list[int], lang: str,
                   front: list[Json] | None = None) -> Json:
    """The whole book as one pandoc JSON document: ``front`` blocks (cover, title page,
    contents), then parts and chapters, each on a new page."""
    builder = PandocBuilder(resources, book.meta.lang)
    blocks: list[Json] = list(front or [])
    for unit in book_units(book):
        piece = unit_blocks(builder, unit)
        blocks.extend(piece if blocks else [b for b in piece if b is not PAGE_BREAK])
    return pandoc_document(blocks, api_version, lang)
