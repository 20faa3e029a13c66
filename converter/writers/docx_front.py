"""DOCX front matter and document properties: cover page, title page, contents field, and
``docProps/core.xml``.

The contents is Word's TOC field over the heading levels of parts and chapters, marked dirty
so that Word fills in page numbers on opening; its entries are written in advance (linked
to the headings' bookmarks) so that the contents is readable before any update, in
LibreOffice too. The core properties are written here rather than by pandoc, which stamps
them with the current time.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..core.labels import coverage_label, label
from ..core.model import Book, BookMeta
from ..resources import ResourceLookup
from .frontmatter_html import has_contents
from .pandoc_ast import PAGE_BREAK, custom_style, text_inlines

Json = Any
COVER_WIDTH = "5.5in"  # fits the text block of A4 and Letter pages at the cover's 1:1.6


def _x(text: str) -> str:
    return escape(text, quote=True)


def _styled(style: str, text: str) -> Json:
    return {"t": "Div", "c": [custom_style(style), [{"t": "Para", "c": text_inlines(text)}]]}


def _toc_entry(level: int, anchor: str, text: str) -> str:
    return (f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr><w:hyperlink w:anchor="{anchor}" w:history="1">'
            f'<w:r><w:t xml:space="preserve">{_x(text)}</w:t></w:r></w:hyperlink></w:p>')


def contents_field(book: Book) -> Json:
    """The TOC field, with its entries, as a raw OpenXML block."""
    entries = []
    number = 0
    for part_index, part in enumerate(book.parts, 1):
        level = 1
        if part.title:
            entries.append(_toc_entry(1, f"part-{part_index}", part.title))
            level = 2
        for doc in part.chapters:
            number += 1
            entries.append(_toc_entry(level, f"chapter-{number}", doc.meta.title))
    title = _x(label("contents", book.meta.lang))
    # Parts and chapters, never the headings inside posts: chapters are level 2 under parts.
    depth = 2 if any(part.title for part in book.parts) else 1
    xml = ('<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
           '</w:docPartObj></w:sdtPr><w:sdtContent>'
           f'<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t>{title}</w:t></w:r></w:p>'
           '<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/>'
           f'<w:instrText xml:space="preserve"> TOC \\o "1-{depth}" \\h \\z \\u </w:instrText>'
           '<w:fldChar w:fldCharType="separate"/></w:r></w:p>'
           + "".join(entries)
           + '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:sdtContent></w:sdt>')
    return {"t": "RawBlock", "c": ["openxml", xml]}


def front_matter(book: Book, resources: ResourceLookup) -> list[Json]:
    """Cover (when the book has one), title page and contents, each on its own page."""
    meta = book.meta
    blocks: list[Json] = []
    cover = resources.get(meta.cover) if meta.cover else None
    if cover is not None:
        image = {"t": "Image", "c": [["", [], [["width", COVER_WIDTH]]], text_inlines(meta.title),
                                     [str(cover.path), ""]]}
        blocks += [{"t": "Div", "c": [custom_style("Cover"), [{"t": "Para", "c": [image]}]]}, PAGE_BREAK]
    blocks.append(_styled("Title", meta.title))
    for style, text in (("Subtitle", meta.subtitle), ("Author", ", ".join(meta.authors)),
                        ("Date", coverage_label(meta.coverage)), ("Publisher", meta.publisher),
                        ("Rights", meta.rights), ("Abstract", meta.description)):
        if text:
            blocks.append(_styled(style, text))
    if has_contents(book):
        blocks += [PAGE_BREAK, contents_field(book)]
    return blocks


def core_properties(meta: BookMeta) -> bytes:
    """``docProps/core.xml`` for the book (title, authors, subjects, dates, identifier...)."""
    fields = [
        ("dc:title", meta.title + (f": {meta.subtitle}" if meta.subtitle else "")),
        ("dc:creator", "; ".join(meta.authors)),
        ("cp:keywords", ", ".join(meta.subjects)),
        ("dc:description", meta.description),
        ("dc:subject", meta.series),
        ("dc:language", meta.lang),
        ("dc:identifier", meta.identifier),
        ("cp:category", meta.volume),
        ("cp:lastModifiedBy", "converter"),
    ]
    body = "".join(f"<{tag}>{_x(value)}</{tag}>" for tag, value in fields if value)
    for tag, value in (("dcterms:created", meta.date), ("dcterms:modified", meta.modified or meta.date)):
        if value:
            stamp = value if "T" in value else value + "T00:00:00Z"
            body += f'<{tag} xsi:type="dcterms:W3CDTF">{_x(stamp)}</{tag}>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"{body}</cp:coreProperties>").encode("utf-8")
