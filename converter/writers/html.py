"""Model → XHTML: the markup shared by the PDF and EPUB writers, and the ``html`` format.

``HtmlRenderer`` turns blocks and inlines into well-formed XHTML fragments. The output
options differ only where the media differ: notes are floated to the page foot for print
(``notes="footnote"``) or collected at the end of the chapter for e-books
(``notes="endnote"``); image URLs come from a function the writer supplies. An image whose
source is not a resolved resource becomes a visible framed placeholder with its alt text and
URL, never a broken reference.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from html import escape

from ..core.diagnostics import Diagnostics
from ..core.labels import embed_label
from ..core.labels import label as text_label
from ..core.langtag import canonical, is_rtl
from ..core.model import (
    Attrs, Block, BlockQuote, Book, BulletList, Code, CodeBlock, Div, Document, Embed, Emph,
    Figure, Heading, Image, Inline, LineBreak, Link, Note, OrderedList, Paragraph, Ruby, Span,
    Strike, Strong, Subscript, Superscript, Table, TableRow, Text, ThematicBreak, chapter_target,
)
from ..core.tree import block_texts, inline_text, text_alternative
from ..core.urls import is_web_url
from ..resources import Resource, ResourceLookup



def esc(text: str) -> str:
    """Escape text for XHTML content and attribute values."""
    return escape(text, quote=True)


_TAG_START_RE = re.compile(r"^<[a-z0-9]+")
_ESCAPED_RUN_RE = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://(?:www\.)?", re.I)


def _bare(url: str) -> str:
    return _SCHEME_RE.sub("", url).rstrip("/")


def display_url(url: str) -> str:
    """``url`` as a reader should see it printed: percent-escaped UTF-8 shown as the
    characters it encodes (``/%E4%B8%AD`` → ``/中``); ASCII escapes such as ``%2F`` stay, so
    the text still names the same address."""
    def decode(match: re.Match) -> str:
        raw = bytes.fromhex(match.group().replace("%", ""))
        if raw.isascii():
            return match.group()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return match.group()
        # Decoded ASCII inside the run (a %2F between two characters) is escaped again.
        return "".join(c if ord(c) > 127 else f"%{ord(c):02X}" for c in text)

    return _ESCAPED_RUN_RE.sub(decode, url)


def lang_attrs(lang: str) -> str:
    """``lang`` and ``xml:lang`` attributes (XHTML wants both) for a non-empty tag, and
    ``dir="rtl"`` for right-to-left languages."""
    tag = canonical(lang)
    if not tag:
        return ""
    return f' lang="{tag}" xml:lang="{tag}"' + (' dir="rtl"' if is_rtl(tag) else "")


def attrs_html(attrs: Attrs, id_prefix: str = "") -> str:
    out = []
    if attrs.id:
        out.append(f' id="{esc(id_prefix + attrs.id)}"')
    classes = tuple(attrs.classes)
    if classes:
        out.append(f' class="{esc(" ".join(classes))}"')
    out.append(lang_attrs(attrs.lang))
    return "".join(out)


@dataclass
class HtmlRenderer:
    """Renders model nodes of one chapter to XHTML.

    ``id_prefix`` goes before every id the post brings: ids stay unique when many chapters
    share one HTML document (PDF), and apart from those the writer makes (notes, sections).
    ``image_url`` maps a resolved resource to the URL the medium uses; ``chapter_href``
    maps a chapter link (number, fragment) to the medium's internal link (None: such links
    become plain text). ``link_notes``: print the URL of an external link in a footnote.
    ``block_marks``: the chapter's number, written on each of its top-level blocks
    (``data-b="<chapter>.<block>"``) so that a PDF layout can tell on which page each block
    starts (0: none). ``page_breaks``: page numbers of the print edition to mark before
    top-level blocks (block index → pages; -1: before the chapter's title), for an EPUB's
    page list.
    """

    resources: ResourceLookup
    image_url: Callable[[Resource], str]
    notes: str = "endnote"  # or "footnote"
    id_prefix: str = ""
    diag: Diagnostics | None = None
    chapter_href: Callable[[int, str], str] | None = None
    link_notes: bool = False
    block_marks: int = 0
    page_breaks: dict[int, tuple[int, ...]] | None = None
    _endnotes: list[str] = field(default_factory=list)
    _in_link: int = 0
    _no_notes: int = 0  # inside a footnote or heading, where another footnote cannot go
    _lang: str = ""  # the chapter's, for the words the writer adds
    _level: int = 0  # the last heading's level: the next may go at most one deeper

    # ------------------------------------------------------------------ chapters
    def chapter(self, doc: Document, *, heading_level: int = 1, number: int | None = None,
                section_id: str = "") -> str:
        """A whole chapter as a ``<section>``: title, byline, body and its notes."""
        self._endnotes = []
        meta = doc.meta
        self._lang = meta.lang
        h = min(heading_level, 6)
        self._level = h
        body = self._body(doc.blocks, h)
        byline = []
        if meta.date:
            byline.append(f'<span class="date">{esc(meta.date[:10])}</span>')
        if meta.authors:
            byline.append(f'<span class="author">{esc(", ".join(meta.authors))}</span>')
        if is_web_url(meta.source_url):
            byline.append(f'<a class="source" href="{esc(meta.source_url)}">{esc(display_url(meta.source_url))}</a>')
        parts = [f'<section class="chapter" id="{esc(section_id or self.id_prefix + "chapter")}"'
                 f' epub:type="chapter" role="doc-chapter"{lang_attrs(meta.lang)}>',
                 self._page_marks(-1) + f'<h{h} class="chapter-title">{esc(meta.title)}</h{h}>']
        if byline:
            parts.append(f'<p class="byline">{" ".join(byline)}</p>')
        parts.append(body)
        if self._endnotes:
            # DPUB-ARIA roles beside every epub:type, for assistive technology that reads
            # ARIA and not EPUB's vocabulary (Ace: epub-type-has-matching-role). A list item
            # cannot take a note role; "endnote" is the type reading systems pop up.
            parts.append('<section class="endnotes" epub:type="endnotes" role="doc-endnotes"><ol>')
            parts.extend(self._endnotes)
            parts.append("</ol></section>")
        parts.append("</section>")
        return "\n".join(parts)

    def _body(self, blocks: tuple[Block, ...], offset: int) -> str:
        """The chapter's top-level blocks, with their marks for the page list (see the class)."""
        if not self.block_marks and not self.page_breaks:
            return self.blocks(blocks, heading_offset=offset)
        out = []
        for index, b in enumerate(blocks):
            html = self.block(b, offset)
            if self.block_marks:
                html = _TAG_START_RE.sub(f'\\g<0> data-b="{self.block_marks}.{index}"', html, count=1)
            out.append(self._page_marks(index) + html)
        return "\n".join(out)

    def _page_marks(self, index: int) -> str:
        """Page-break markers before top-level block ``index`` (-1: the chapter's start)."""
        pages = (self.page_breaks or {}).get(index, ())
        return "".join(f'<span class="pagebreak" id="page-{n}" epub:type="pagebreak" role="doc-pagebreak"'
                       f' aria-label="{n}"></span>' for n in pages)

    # ------------------------------------------------------------------ blocks
    def blocks(self, blocks: tuple[Block, ...], *, heading_offset: int = 1) -> str:
        return "\n".join(self.block(b, heading_offset) for b in blocks)

    def block(self, b: Block, offset: int = 1) -> str:
        if isinstance(b, Paragraph):
            return f"<p>{self.inlines(b.content)}</p>"
        if isinstance(b, Heading):
            # No gaps in the outline (WCAG 1.3.1; Ace's heading-order): a heading goes at most
            # one level below the one before it, whatever the post's levels (a subheading made
            # from a bold line, a heading in a quotation).
            level = min(b.level + offset, 6, self._level + 1) if self._level else min(b.level + offset, 6)
            self._level = level
            hid = f' id="{esc(self.id_prefix + b.attrs.id)}"' if b.attrs.id else ""
            self._no_notes += 1
            try:
                inner = self.inlines(b.content)
            finally:
                self._no_notes -= 1
            return f"<h{level}{hid}{lang_attrs(b.attrs.lang)}>{inner}</h{level}>"
        if isinstance(b, BlockQuote):
            return f"<blockquote>\n{self.blocks(b.blocks, heading_offset=offset)}\n</blockquote>"
        if isinstance(b, BulletList):
            return "<ul>\n" + "\n".join(self._item(i, offset) for i in b.items) + "\n</ul>"
        if isinstance(b, OrderedList):
            start = f' start="{b.start}"' if b.start != 1 else ""
            return f"<ol{start}>\n" + "\n".join(self._item(i, offset) for i in b.items) + "\n</ol>"
        if isinstance(b, CodeBlock):
            cls = f' class="language-{esc(b.language)}"' if b.language else ""
            return f"<pre><code{cls}>{esc(b.text)}</code></pre>"
        if isinstance(b, Figure):
            return self._figure(b)
        if isinstance(b, Table):
            return self._table(b, offset)
        if isinstance(b, ThematicBreak):
            return "<hr/>"
        if isinstance(b, Embed):
            label = esc(embed_label(b.kind, self._lang))
            title = f"{esc(b.title)} " if b.title else ""
            return (f'<p class="embed embed-{esc(b.kind)}"><span class="embed-label">{label}:</span> '
                    f'{title}<a href="{esc(b.url)}">{esc(b.url)}</a></p>')
        if isinstance(b, Div):
            return f"<div{attrs_html(b.attrs, self.id_prefix)}>\n{self.blocks(b.blocks, heading_offset=offset)}\n</div>"
        raise TypeError(f"unknown block {type(b).__name__}")

    def _item(self, blocks: tuple[Block, ...], offset: int) -> str:
        # A one-paragraph item is rendered tight, as a browser would.
        if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
            return f"<li>{self.inlines(blocks[0].content)}</li>"
        return f"<li>{self.blocks(blocks, heading_offset=offset)}</li>"

    def _figure(self, f: Figure) -> str:
        caption = f"<figcaption>{self.inlines(f.caption)}</figcaption>" if f.caption else ""
        resource = self.resources.get(f.image.src)
        if resource is None:  # the caption shows below the frame, not in it as well
            return (f'<figure class="placeholder">{self._placeholder(f.image, block=True)}'
                    f"{caption}</figure>")
        # The caption is the image's text alternative when the post gives none.
        image = replace(f.image, alt=text_alternative(f.image, f.caption))
        return f"<figure>{self._img(image, resource)}{caption}</figure>"

    def _table(self, t: Table, offset: int) -> str:
        out = ["<table>"]
        if t.caption:
            out.append(f"<caption>{self.inlines(t.caption)}</caption>")
        for section, rows in (("thead", t.head), ("tbody", t.body)):
            if not rows:
                continue
            out.append(f"<{section}>")
            for row in rows:
                cells = []
                for column, c in enumerate(row.cells):
                    # An empty header cell heads nothing (axe: empty-table-header).
                    header = c.header and any(t.strip() for t in block_texts(c.content))
                    tag = "th" if header else "td"
                    attrs = _scope(section, column, row) if header else ""
                    if c.colspan > 1:
                        attrs += f' colspan="{c.colspan}"'
                    if c.rowspan > 1:
                        attrs += f' rowspan="{c.rowspan}"'
                    if c.align:
                        attrs += f' class="align-{c.align}"'
                    if len(c.content) == 1 and isinstance(c.content[0], Paragraph):
                        inner = self.inlines(c.content[0].content)
                    else:
                        inner = self.blocks(c.content, heading_offset=offset)
                    cells.append(f"<{tag}{attrs}>{inner}</{tag}>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append(f"</{section}>")
        out.append("</table>")
        return "\n".join(out)

    # ------------------------------------------------------------------ inlines
    def inlines(self, inlines: tuple[Inline, ...]) -> str:
        return "".join(self.inline(i) for i in inlines)

    def inline(self, i: Inline) -> str:
        if isinstance(i, Text):
            return esc(i.text)
        if isinstance(i, Emph):
            return f"<em>{self.inlines(i.content)}</em>"
        if isinstance(i, Strong):
            return f"<strong>{self.inlines(i.content)}</strong>"
        if isinstance(i, Strike):
            return f"<del>{self.inlines(i.content)}</del>"
        if isinstance(i, Superscript):
            return f"<sup>{self.inlines(i.content)}</sup>"
        if isinstance(i, Subscript):
            return f"<sub>{self.inlines(i.content)}</sub>"
        if isinstance(i, Code):
            return f"<code>{esc(i.text)}</code>"
        if isinstance(i, Link):
            return self._link(i)
        if isinstance(i, Image):
            resource = self.resources.get(i.src)
            if resource is None:
                return self._placeholder(i, block=False)
            return self._img(i, resource)
        if isinstance(i, LineBreak):
            return "<br/>"
        if isinstance(i, Note):
            return self._note(i)
        if isinstance(i, Span):
            return f"<span{attrs_html(i.attrs, self.id_prefix)}>{self.inlines(i.content)}</span>"
        if isinstance(i, Ruby):
            return f"<ruby>{self.inlines(i.base)}<rp>（</rp><rt>{esc(i.text)}</rt><rp>）</rp></ruby>"
        raise TypeError(f"unknown inline {type(i).__name__}")

    def _link(self, link: Link) -> str:
        href, cls = link.url, ""
        target = chapter_target(href)
        if target is not None:
            if self.chapter_href is None:
                return f"<span>{self.inlines(link.content)}</span>"
            href, cls = self.chapter_href(*target), ' class="chapter-link"'
        elif href.startswith("#"):
            href = "#" + self.id_prefix + href[1:]
        title = f' title="{esc(link.title)}"' if link.title else ""
        self._in_link += 1
        try:
            inner = self.inlines(link.content)
        finally:
            self._in_link -= 1
        out = f'<a href="{esc(href)}"{cls}{title}>{inner}</a>'
        if self.link_notes and not cls and not href.startswith("#") and not self._no_notes:
            shown = display_url(href.removeprefix("mailto:"))
            text = inline_text(link.content)
            # A link whose text is its address (with or without the scheme) says where it goes.
            if not any(_bare(url) in text for url in (shown, href)):
                out += f'<span class="footnote link-note">{esc(shown)}</span>'
        return out

    def _img(self, image: Image, resource: Resource) -> str:
        title = f' title="{esc(image.title)}"' if image.title else ""
        alt = text_alternative(image)
        # An image with no words at all (no alt, title or caption) is taken as decorative:
        # assistive technology skips it rather than reading its file name.
        role = "" if alt else ' role="presentation"'
        return (f'<img src="{esc(self.image_url(resource))}" alt="{esc(alt)}"{title}{role}'
                f' width="{resource.width}" height="{resource.height}"/>')

    def _placeholder(self, image: Image, *, block: bool) -> str:
        label = esc(image.alt or image.title or text_label("image", self._lang))
        source = self.resources.source(image.src)  # a resolved image this format cannot show has an id
        url = esc(source)
        if source.startswith(("http://", "https://")) and not self._in_link:
            link = f'<a class="placeholder-url" href="{url}">{url}</a>'
        else:  # never a link inside a link
            link = f'<span class="placeholder-url">{url}</span>'
        reason = self.resources.reason(image.src)
        why = f'<span class="placeholder-reason">({esc(reason)})</span> ' if reason else ""
        tag = "div" if block else "span"
        return (f'<{tag} class="image-placeholder"><span class="placeholder-label">[{label}]</span> '
                f"{why}{link}</{tag}>")

    def _note(self, note: Note) -> str:
        inner_blocks = note.blocks
        if self.notes == "footnote":
            # CSS "float: footnote" moves this span to the foot of the page.
            parts = []
            self._no_notes += 1
            try:
                for b in inner_blocks:
                    if isinstance(b, Paragraph):
                        parts.append(self.inlines(b.content))
                    else:
                        parts.append(f'<span class="note-block">{esc(_plain(b))}</span>')
            finally:
                self._no_notes -= 1
            return f'<span class="footnote">{" ".join(parts)}</span>'
        # The number is taken before the body is rendered: a note inside this one gets the
        # next number and is listed after it, and no two notes share an id.
        self._endnotes.append("")
        number = len(self._endnotes)
        # Post ids all carry id_prefix; note ids start otherwise, so no post id meets them.
        nid = f"note-{self.id_prefix}{number}"
        rid = f"noteref-{self.id_prefix}{number}"
        body = self.blocks(inner_blocks)
        self._endnotes[number - 1] = (
            f'<li id="{nid}" epub:type="endnote">{body}'
            f'<p class="backlink"><a href="#{rid}" role="doc-backlink">↩</a></p></li>')
        return f'<a class="noteref" id="{rid}" href="#{nid}" epub:type="noteref" role="doc-noteref">{number}</a>'


def _scope(section: str, column: int, row: TableRow) -> str:
    """A header cell's ``scope``: its column's in the table head or in a body row of header
    cells only, its row's when it opens a body row of data."""
    if section == "tbody" and column == 0 and not all(c.header for c in row.cells):
        return ' scope="row"'
    return ' scope="col"'


def _plain(block: Block) -> str:
    return " ".join(block_texts((block,)))


def xhtml_document(title: str, lang: str, body: str, *, stylesheets: tuple[str, ...] = (),
                   inline_css: str = "") -> str:
    """A complete XHTML5 document around ``body``."""
    links = "".join(f'<link rel="stylesheet" type="text/css" href="{esc(h)}"/>' for h in stylesheets)
    style = f"<style>{inline_css}</style>" if inline_css else ""
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
            f'{lang_attrs(lang)}>\n<head>\n<meta charset="utf-8"/>\n<title>{esc(title)}</title>\n'
            f"{links}{style}\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def data_uri(resource: Resource) -> str:
    """The resource inlined as a ``data:`` URI (for the self-contained HTML output)."""
    return f"data:{resource.media_type};base64," + base64.b64encode(resource.path.read_bytes()).decode("ascii")


def part_section(title: str, part_id: str) -> str:
    """A part page: the group's title alone."""
    return (f'<section class="part" id="{esc(part_id)}" epub:type="part" role="doc-part">'
            f'<h1 class="part-title">{esc(title)}</h1></section>')


def chapter_anchor(number: int, fragment: str = "") -> str:
    """The link to chapter ``number`` (or to an id inside it) within :func:`render_book`'s
    one-document rendering of the book."""
    return f"#c{number}-{fragment}" if fragment else f"#chapter-{number}"


def book_sections(book: Book, resources: ResourceLookup, *, notes: str, image_url: Callable[[Resource], str],
                  chapter_href: Callable[[int, str], str] | None = None, link_notes: bool = False,
                  diag: Diagnostics | None = None, block_marks: bool = False) -> Iterator[str]:
    """The book's part and chapter sections in reading order. Chapter ``n`` is
    ``<section id="chapter-n">``, part ``n`` is ``id="part-n"``; ids inside a chapter are
    prefixed ``c<n>-``. ``block_marks``: mark the chapters' top-level blocks (HtmlRenderer)."""
    number = 0
    for part_index, part in enumerate(book.parts):
        level = 1
        if part.title:
            yield part_section(part.title, f"part-{part_index + 1}")
            level = 2
        for doc in part.chapters:
            number += 1
            renderer = HtmlRenderer(resources, image_url, notes=notes, id_prefix=f"c{number}-", diag=diag,
                                    chapter_href=chapter_href, link_notes=link_notes,
                                    block_marks=number if block_marks else 0)
            yield renderer.chapter(doc, heading_level=level, section_id=f"chapter-{number}")


def render_book(book: Book, resources: ResourceLookup, *, notes: str, image_url: Callable[[Resource], str],
                chapter_href: Callable[[int, str], str] | None = None, link_notes: bool = False,
                diag: Diagnostics | None = None) -> str:
    """The whole book as one body fragment (:func:`book_sections` joined)."""
    return "\n".join(book_sections(book, resources, notes=notes, image_url=image_url, chapter_href=chapter_href,
                                   link_notes=link_notes, diag=diag))
