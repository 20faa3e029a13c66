"""EPUB 3 writer: one XHTML file per chapter, nav document and NCX, linked stylesheet.

ebooklib assembles the package; the chapter documents are complete XHTML made here (ebooklib
would re-parse them with an HTML4 parser and drop attributes on ``<html>``), checked for
well-formedness before they are added.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ebooklib import epub
from lxml import etree

from ..errors import RenderError
from ..model import Book
from ..resources import Resource
from .frontmatter_html import title_page
from .html import HtmlRenderer, esc, xhtml_document
from .theme import stylesheet

EXTENSION = ".epub"
# Reading systems do neither halt nor keep-all reliably; the quarter-em space they show.
TRANSFORMS: tuple[str, ...] = ("cjk-spacing",)
CSS_NAME = "styles/book.css"


class _Page(epub.EpubHtml):
    """A content document whose XHTML is written exactly as given."""

    def get_content(self, default=None):
        return self.content


def image_name(resource: Resource) -> str:
    """Where a resource lives inside the EPUB."""
    return f"images/{resource.id}"


def _page(uid: str, file_name: str, title: str, lang: str, xhtml: str) -> _Page:
    data = xhtml.encode("utf-8")
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:  # a writer bug, never the user's input
        raise RenderError(f"internal error: {file_name} is not well-formed XHTML: {exc}") from exc
    page = _Page(uid=uid, file_name=file_name, title=title, lang=lang)
    page.content = data
    return page


def _mtime(book: Book) -> dt.datetime:
    """The modification time recorded in the package: derived from the content (the newest
    post date), so the same posts give the same file."""
    for value in (book.meta.modified, book.meta.date):
        try:
            parsed = dt.datetime.fromisoformat(value[:19]) if value else None
        except ValueError:
            parsed = None
        if parsed:
            return parsed
    return dt.datetime(2000, 1, 1)


def write(book: Book, target: Path, ctx) -> None:
    """Write ``book`` as an EPUB 3 file at ``target``."""
    meta = book.meta
    lang = meta.lang or "en"
    out = epub.EpubBook()
    out.set_identifier(meta.identifier or "urn:uuid:00000000-0000-0000-0000-000000000000")
    out.set_title(meta.title)
    out.set_language(lang)
    for author in meta.authors:
        out.add_author(author)
    if meta.date:
        out.add_metadata("DC", "date", meta.date)
    if meta.publisher:
        out.add_metadata("DC", "publisher", meta.publisher)
    if meta.description:
        out.add_metadata("DC", "description", meta.description)
    for subject in meta.subjects:
        out.add_metadata("DC", "subject", subject)
    if meta.source:
        out.add_metadata("DC", "source", meta.source)
    if meta.rights:
        out.add_metadata("DC", "rights", meta.rights)

    css = epub.EpubItem(uid="css", file_name=CSS_NAME, media_type="text/css",
                        content=stylesheet(ctx.options.theme, "epub", lang).encode("utf-8"))
    out.add_item(css)
    css_href = "../" + CSS_NAME

    used: dict[str, Resource] = {}

    def image_url(resource: Resource) -> str:
        used[resource.id] = resource
        return "../" + image_name(resource)

    spine: list = ["nav"]
    cover = _page("title-page", "text/title.xhtml", meta.title, lang,
                  xhtml_document(meta.title, lang, title_page(book), stylesheets=(css_href,)))
    out.add_item(cover)
    spine.append(cover)

    toc: list = []
    number = 0
    for part_index, part in enumerate(book.parts):
        entries = []
        if part.title:
            part_page = _page(f"part-{part_index + 1}", f"text/part-{part_index + 1:03d}.xhtml", part.title, lang,
                              xhtml_document(part.title, lang, f'<section class="part"><h1 class="part-title">'
                                             f'{esc(part.title)}</h1></section>', stylesheets=(css_href,)))
            out.add_item(part_page)
            spine.append(part_page)
        for doc in part.chapters:
            number += 1
            renderer = HtmlRenderer(ctx.resources, image_url, notes="endnote", diag=ctx.diag)
            body = renderer.chapter(doc, heading_level=1, section_id=f"chapter-{number}")
            chapter_lang = doc.meta.lang or lang
            page = _page(f"chapter-{number}", f"text/chapter-{number:04d}.xhtml", doc.meta.title, chapter_lang,
                         xhtml_document(doc.meta.title, chapter_lang, body, stylesheets=(css_href,)))
            out.add_item(page)
            spine.append(page)
            entries.append(epub.Link(page.file_name, doc.meta.title, page.id))
        if part.title:
            toc.append((epub.Section(part.title, href=f"text/part-{part_index + 1:03d}.xhtml"), entries))
        else:
            toc.extend(entries)

    for resource in used.values():
        out.add_item(epub.EpubImage(uid=resource.id.replace(".", "-"), file_name=image_name(resource),
                                    media_type=resource.media_type, content=resource.path.read_bytes()))
    out.toc = toc
    out.add_item(epub.EpubNcx())
    out.add_item(epub.EpubNav())
    out.spine = spine
    try:
        epub.write_epub(str(target), out, {"mtime": _mtime(book), "raise_exceptions": True,
                                           "epub3_landmark": False, "epub2_guide": False})
    except (OSError, ValueError) as exc:
        raise RenderError(f"EPUB writing failed: {exc}", path=target) from exc
