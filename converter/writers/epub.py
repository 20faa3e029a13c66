"""EPUB 3 writer: cover, title page, contents, one XHTML file per part page and chapter,
nav document (nested by part, with landmarks) and NCX, linked stylesheet.

ebooklib assembles the package; the content documents are complete XHTML made here (ebooklib
would re-parse them with an HTML4 parser and drop attributes on ``<html>``), checked for
well-formedness before they are added. ebooklib stamps ZIP entries with the current time, so
the package is rewritten with a timestamp derived from the content: the same posts give a
byte-identical file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from ebooklib import epub
from lxml import etree

from ..core import digests
from ..core.cachestore import code_fingerprint, content_key
from ..core.errors import RenderError
from ..core.labels import label
from ..core.langtag import family, is_cjk_tag
from ..core.model import Book, BookMeta
from ..fonts.embed import MEDIA_TYPE, EmbeddedFont, embed_fonts, fallback_names, font_face_css
from ..resources import Resource
from ..transforms.cjk import QUARTER_EM
from .epub_a11y import add_metadata, add_page_list, census, package_language
from .frontmatter_html import cover_page, title_page
from .pdf import PRINT_PAGES
from .html import HtmlRenderer, part_section, xhtml_document
from .theme import settings, stylesheet
from .ziputil import rewrite_zip, zip_time

CSS_NAME = "styles/book.css"


class _Page(epub.EpubHtml):
    """A content document whose XHTML is written exactly as given."""

    def get_content(self, default=None):
        return self.content


def image_name(resource: Resource) -> str:
    """Where a resource lives inside the EPUB."""
    return f"images/{resource.id}"


def chapter_file(number: int) -> str:
    """The file of chapter ``number`` (1-based)."""
    return f"text/chapter-{number:04d}.xhtml"


def _page(uid: str, file_name: str, title: str, lang: str, xhtml: str) -> _Page:
    data = xhtml.encode("utf-8")
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:  # a writer bug, never the user's input
        raise RenderError(f"internal error: {file_name} is not well-formed XHTML: {exc}") from exc
    page = _Page(uid=uid, file_name=file_name, title=title, lang=lang)
    page.content = data
    return page


def _mtime(meta: BookMeta) -> dt.datetime:
    """The modification time recorded in the package: derived from the content (the newest
    post date), so the same posts give the same file."""
    return dt.datetime(*zip_time(meta.modified or meta.date))


def _metadata(out: epub.EpubBook, meta: BookMeta, lang: str) -> None:
    out.set_identifier(meta.identifier or "urn:uuid:00000000-0000-0000-0000-000000000000")
    out.set_title(meta.title)
    out.set_language(lang)
    if meta.subtitle:
        out.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        out.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    for index, author in enumerate(meta.authors):
        out.add_author(author, uid=f"creator-{index + 1}")
    for name, value in (("date", meta.date), ("publisher", meta.publisher), ("description", meta.description),
                        ("source", meta.source), ("rights", meta.rights), ("coverage", meta.coverage)):
        if value:
            out.add_metadata("DC", name, value)
    for subject in meta.subjects:
        out.add_metadata("DC", "subject", subject)
    if meta.series:
        # EPUB 3 collections, and the calibre names most reading systems also understand.
        out.add_metadata(None, "meta", meta.series, {"property": "belongs-to-collection", "id": "series"})
        out.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
        out.add_metadata(None, "meta", str(meta.series_index), {"refines": "#series", "property": "group-position"})
        out.add_metadata(None, "meta", "", {"name": "calibre:series", "content": meta.series})
        out.add_metadata(None, "meta", "", {"name": "calibre:series_index", "content": str(meta.series_index)})


VERTICAL_CSS = """
/* --vertical: top to bottom, columns right to left */
html { -epub-writing-mode: vertical-rl; -webkit-writing-mode: vertical-rl; writing-mode: vertical-rl; }
img, figure { max-height: 100%; max-width: none; }
"""


def _embedded_fonts(book: Book, ctx) -> list[EmbeddedFont]:
    """Font subsets to ship: on by default when the book has CJK text."""
    wanted = ctx.options.embed_fonts
    if wanted is None:
        wanted = any(is_cjk_tag(doc.meta.lang or book.meta.lang) for doc in book.chapters)
    if not wanted:
        return []
    # The quarter-em space the cjk-spacing step puts between CJK and Latin text.
    inserted = QUARTER_EM if ctx.options.cjk_spacing else ""
    return embed_fonts(book, style=settings(ctx.options.theme).fonts, cache_dir=ctx.options.cache_dir,
                       inserted=inserted)


def _vertical(book: Book, ctx) -> bool:
    if not ctx.options.vertical:
        return False
    if family(book.meta.lang) not in ("zh-Hant", "zh-HK", "ja", "zh-Hans"):
        ctx.diag.warn("vertical-ignored", f"vertical writing is for Chinese and Japanese books, not {book.meta.lang!r}")
        return False
    return True


def _finish_entry(lang: str, page_list: list[tuple[int, str]]):
    """What is changed in ebooklib's files: the landmarks are for reading systems, in the
    contents page they would be a second list under the first (ebooklib cannot mark them
    hidden); the nav document gets the page list; the package document the book's language."""
    def change(name: str, data: bytes) -> bytes:
        if name.endswith("nav.xhtml"):
            data = data.replace(b'<nav epub:type="landmarks">', b'<nav epub:type="landmarks" hidden="hidden">', 1)
            return add_page_list(data, page_list) if page_list else data
        if name.endswith(".opf"):
            return package_language(data, lang)
        return data
    return change


class _Package:
    """One EPUB being assembled: the ebooklib book, its spine, and the images its pages use."""

    def __init__(self, book: Book, ctx) -> None:
        self.book = book
        self.ctx = ctx
        self.lang = book.meta.lang or "en"
        self.out = epub.EpubBook()
        self.spine: list = []
        self.used: dict[str, Resource] = {}
        self.cover = ctx.resources.get(book.meta.cover) if book.meta.cover else None
        self.chapter_images: list[str] = []
        # The PDF's pages, when it was built just before: page-break markers and a page list.
        self.print_pages: dict[int, dict[int, tuple[int, ...]]] = ctx.shared.get(PRINT_PAGES) or {}
        self.page_list: list[tuple[int, str]] = []  # (page number, href from the nav document)
        options = json.dumps(dataclasses.asdict(ctx.options), default=str, sort_keys=True)
        self.key_base = content_key("epub-chapter", code_fingerprint(), options, self.lang)
        _metadata(self.out, book.meta, self.lang)

    def image_url(self, resource: Resource) -> str:
        self.used[resource.id] = resource
        self.chapter_images.append(resource.id)
        return "../" + image_name(resource)

    def page(self, uid: str, file_name: str, title: str, body: str, page_lang: str = "") -> _Page:
        lang = page_lang or self.lang
        item = _page(uid, file_name, title, lang, xhtml_document(title, lang, body, stylesheets=("../" + CSS_NAME,)))
        self.out.add_item(item)
        return item

    def add_style(self) -> None:
        """The stylesheet, with the embedded fonts' rules and the vertical writing mode."""
        fonts = _embedded_fonts(self.book, self.ctx)
        style = stylesheet(self.ctx.options.theme, "epub", self.lang, fallback_names(fonts))
        for font in fonts:
            self.out.add_item(epub.EpubItem(uid=f"font-{Path(font.file_name).stem}", file_name=font.file_name,
                                            media_type=MEDIA_TYPE, content=font.data))
        style = font_face_css(fonts) + style
        if _vertical(self.book, self.ctx):
            # ebooklib drops attributes of <html>: the writing mode goes in the linked stylesheet
            # (CJK.md rule 12), and the spine turns right to left.
            style += VERTICAL_CSS
            self.out.set_direction("rtl")
        self.out.add_item(epub.EpubItem(uid="css", file_name=CSS_NAME, media_type="text/css",
                                        content=style.encode("utf-8")))

    def add_front(self) -> None:
        """Cover page, title page and the navigation document, with their guide entries."""
        book, out, lang = self.book, self.out, self.lang
        if self.cover is not None:
            image = epub.EpubImage(uid="cover-image", file_name=image_name(self.cover),
                                   media_type=self.cover.media_type, content=self.cover.path.read_bytes())
            image.properties = ["cover-image"]
            out.add_item(image)
            out.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # EPUB 2 readers
            self.spine.append(self.page("cover", "text/cover.xhtml", label("cover", lang),
                                        cover_page(book, "../" + image_name(self.cover))))
            out.guide.append({"type": "cover", "href": "text/cover.xhtml", "title": label("cover", lang)})
        self.spine.append(self.page("title-page", "text/title.xhtml", book.meta.title, title_page(book)))
        out.guide.append({"type": "titlepage", "href": "text/title.xhtml", "title": label("title_page", lang)})
        nav = epub.EpubNav(title=label("contents", lang))
        nav.add_link(href=CSS_NAME, rel="stylesheet", type="text/css")
        out.add_item(nav)
        self.spine.append(nav)
        out.guide.append({"type": "toc", "href": "nav.xhtml", "title": label("contents", lang)})

    def add_chapters(self) -> list:
        """A page per part title and per chapter; the table of contents, nested by part."""
        toc: list = []
        number = 0
        from . import stage as writing

        stage = writing(EpubWriter.name)
        self.ctx.progress.start(stage, len(self.book.chapters))
        for part_index, part in enumerate(self.book.parts, 1):
            entries = []
            part_file = f"text/part-{part_index:03d}.xhtml"
            if part.title:
                self.spine.append(self.page(f"part-{part_index}", part_file, part.title,
                                            part_section(part.title, f"part-{part_index}")))
            for doc in part.chapters:
                number += 1
                item = self.chapter(doc, number)
                self.ctx.progress.advance(stage)
                self.spine.append(item)
                entries.append(epub.Link(item.file_name, item.title, item.id))
                if number == 1:
                    self.out.guide.append({"type": "text", "href": item.file_name,
                                           "title": label("start", self.lang)})
            if part.title:
                toc.append((epub.Section(part.title, href=part_file), entries))
            else:
                toc.extend(entries)
        return toc

    def chapter(self, doc, number: int) -> _Page:
        """The chapter's page; its body comes from the build cache when the same chapter (the
        same document, number and options) was rendered before."""
        cache = self.ctx.cache
        breaks = self.print_pages.get(number) or {}
        # The chapter's digest, not its JSON: serializing every chapter of a large book costs
        # more than rendering the few that changed.
        key = content_key(self.key_base, str(number), digests.digest(doc), json.dumps(sorted(breaks.items())))\
            if cache is not None else ""
        entry = json.loads(cache.get(key) or "null") if cache is not None else None
        self.chapter_images = []
        if isinstance(entry, dict) and all(self.ctx.resources.get(rid) is not None for rid in entry["images"]):
            body = entry["body"]
            for rid in entry["images"]:
                self.image_url(self.ctx.resources.get(rid))
        else:
            # Prefixed ids, as in the one-document PDF: a post's id="note-1" or "chapter-2"
            # cannot then meet the ids the writer makes.
            renderer = HtmlRenderer(self.ctx.resources, self.image_url, notes="endnote", diag=self.ctx.diag,
                                    chapter_href=_chapter_href, id_prefix=f"c{number}-", page_breaks=breaks)
            body = renderer.chapter(self.ctx.prepare(doc), heading_level=1, section_id=f"chapter-{number}")
            if cache is not None:
                entry = {"body": body, "images": list(dict.fromkeys(self.chapter_images))}
                cache.put(key, json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        self.page_list += [(page, f"{chapter_file(number)}#page-{page}")
                           for block in sorted(breaks) for page in breaks[block]]
        return self.page(f"chapter-{number}", chapter_file(number), doc.meta.title or str(number), body,
                         doc.meta.lang)

    def add_images(self) -> None:
        for resource in self.used.values():
            if self.cover is not None and resource.id == self.cover.id:
                continue
            self.out.add_item(epub.EpubImage(uid=resource.id.replace(".", "-"), file_name=image_name(resource),
                                             media_type=resource.media_type, content=resource.path.read_bytes()))

    def save(self, target: Path) -> None:
        """The package, written deterministically."""
        meta = self.book.meta
        try:
            # ebooklib's ZIP is written again deterministically (rewrite_zip), which compresses:
            # ebooklib need not compress too.
            epub.write_epub(str(target), self.out, {
                "mtime": _mtime(meta), "raise_exceptions": True, "epub3_landmark": True, "compresslevel": 0,
                "landmark_title": label("contents", self.lang), "epub2_guide": False, "epub3_pages": False})
            rewrite_zip(target, zip_time(meta.modified or meta.date), change=_finish_entry(self.lang, self.page_list),
                        stored=("mimetype",))
        except (OSError, ValueError) as exc:
            raise RenderError(f"EPUB writing failed: {exc}", path=target) from exc


def _chapter_href(number: int, fragment: str) -> str:
    return f"{Path(chapter_file(number)).name}#{f'c{number}-{fragment}' if fragment else f'chapter-{number}'}"


class EpubWriter:
    """EPUB 3 through ebooklib."""

    name = "epub"
    extension = ".epub"
    after = ("pdf",)  # its page list marks the PDF's pages when both are built
    # Reading systems do neither halt nor keep-all reliably; the quarter-em space they show.
    transforms: tuple[str, ...] = ("cjk-spacing",)

    def write(self, book: Book, target: Path, ctx) -> None:
        """Write ``book`` as an EPUB 3 file at ``target``."""
        package = _Package(book, ctx)
        package.add_style()
        package.add_front()
        toc = package.add_chapters()
        package.add_images()
        page_source = f"{book.meta.title} (PDF, {ctx.options.page_size})" if package.page_list else ""
        add_metadata(package.out, package.lang, census(book, cover=package.cover is not None),
                     page_source=page_source, certified_by=book.meta.publisher)
        package.out.toc = toc
        package.out.add_item(epub.EpubNcx())
        package.out.spine = package.spine
        package.save(target)
