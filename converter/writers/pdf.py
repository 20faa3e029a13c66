"""PDF writer: the book as one HTML document, laid out by WeasyPrint with the print theme.

Cover, title page, contents (page numbers through ``target-counter``), then parts and
chapters; bookmarks nest chapters under their part. ``<body class="print">`` (``--print``)
or ``class="screen"`` lets the theme tell a book for printing (chapters on right-hand
pages, link URLs as footnotes) from one for reading on screen (live links). The page
geometry comes last (``page_css``). The document information comes from ``<meta>`` tags;
a full XMP packet replaces WeasyPrint's (``xmp``). The book is laid out in chunks by
``pdf_layout`` (WeasyPrint in worker processes, ``pdf_engine``) and joined by ``pdf_join``.
"""

from __future__ import annotations

from pathlib import Path

from ..core.diagnostics import Diagnostics
from ..core.errors import RenderError
from ..core.model import Book
from ..resources import Resource, ResourceLookup
from .frontmatter_html import contents, cover_page, has_contents, title_page
from .html import book_sections, chapter_anchor, esc, lang_attrs
from .page_css import page_css
from .pdf_layout import BookHtml
from .theme import stylesheet


RESOURCE_SCHEME = "converter-resource:"
# The key under which the PDF writer leaves its page map (``pdf_layout.page_map``) for the
# writers after it (``WriteContext.shared``).
PRINT_PAGES = "print-pages"


def resource_url(resource: Resource) -> str:
    """How the PDF's HTML names a resource (served by ``pdf_engine.ResourceFetcher``)."""
    return RESOURCE_SCHEME + resource.id


def _head(book: Book) -> str:
    meta = book.meta
    head = [f"<title>{esc(meta.title)}</title>"]
    for name, value in (("author", ", ".join(meta.authors)), ("description", meta.description),
                        ("keywords", ", ".join(meta.subjects)), ("dcterms.created", meta.date),
                        ("dcterms.modified", meta.modified or meta.date), ("generator", "converter"),
                        # Custom entries of the document information dictionary.
                        ("subtitle", meta.subtitle), ("publisher", meta.publisher), ("rights", meta.rights),
                        ("identifier", meta.identifier), ("source", meta.source), ("coverage", meta.coverage),
                        ("series", meta.series), ("volume", meta.volume)):
        if value:
            head.append(f'<meta name="{name}" content="{esc(value)}"/>')
    return "\n".join(head)


def book_html(book: Book, resources: ResourceLookup, *, print_mode: bool = False,
              diag: Diagnostics | None = None) -> BookHtml:
    """The HTML WeasyPrint lays out, in pieces: front matter, then each part and chapter."""
    front = []
    cover = resources.get(book.meta.cover) if book.meta.cover else None
    if cover is not None:
        front.append(cover_page(book, resource_url(cover)))
    front.append(title_page(book))
    if has_contents(book):
        front.append(contents(book, lambda anchor: "#" + anchor))
    # Blocks marked so that the layout tells on which page each starts (an EPUB's page list).
    sections = list(book_sections(book, resources, notes="footnote", image_url=resource_url,
                                  chapter_href=chapter_anchor, link_notes=print_mode, diag=diag, block_marks=True))
    mode = "print" if print_mode else "screen"
    prolog = (f"<!DOCTYPE html>\n<html{lang_attrs(book.meta.lang)}>\n<head>\n<meta charset=\"utf-8\"/>\n"
              f"{_head(book)}\n</head>\n<body class=\"{mode}\">\n")
    return BookHtml(prolog, "\n".join(front), sections, "\n</body>\n</html>\n")


class PdfWriter:
    """PDF through WeasyPrint, laid out in chunks (``pdf_layout``), with every output
    typography step."""

    name = "pdf"
    extension = ".pdf"
    transforms: tuple[str, ...] = ("kinsoku", "cjk-spacing", "halt", "keep-all")

    def write(self, book: Book, target: Path, ctx) -> None:
        """Render ``book`` to the PDF file ``target``."""
        from . import pdf_layout

        from . import prepared

        book = prepared(book, ctx)
        options = ctx.options
        css = stylesheet(options.theme, "print", book.meta.lang) + page_css(options.page_size, options.print_mode)
        pieces = book_html(book, ctx.resources, print_mode=options.print_mode, diag=ctx.diag)
        try:
            laid_out = pdf_layout.lay_out_book(pieces, css, target, meta=book.meta, print_mode=options.print_mode,
                                    lookup=ctx.resources, diag=ctx.diag, jobs=ctx.jobs, cache=ctx.cache,
                                    progress=ctx.progress, keep_html=options.keep_html,
                                    chunk_chars=pdf_layout.CHUNK_CHARS, tags=options.pdf_tags)
        except (OSError, ValueError, RecursionError) as exc:
            raise RenderError(f"PDF rendering failed: {exc}", path=target) from exc
        # Where each chapter and block starts, for an EPUB built next (its page list).
        ctx.shared[PRINT_PAGES] = pdf_layout.page_map(laid_out)
