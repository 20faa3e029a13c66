"""PDF writer: the book as one HTML document, laid out by WeasyPrint with the print theme.

Cover, title page, contents (page numbers through ``target-counter``), then parts and
chapters; bookmarks nest chapters under their part. ``<body class="print">`` (``--print``)
or ``class="screen"`` lets the theme tell a book for printing (chapters on right-hand
pages, link URLs as footnotes) from one for reading on screen (live links). The page
geometry comes last (``page_css``). The document information comes from ``<meta>`` tags;
a full XMP packet replaces WeasyPrint's (``xmp``).

WeasyPrint gets a URL fetcher that serves the resolved resources of this build and refuses
everything else, so nothing in a post can make the renderer read a file or open a URL.
Fonts come from fontconfig through the font policy's explicit stacks.
"""

from __future__ import annotations

from pathlib import Path

import pydyf
from weasyprint import CSS, HTML, __version__ as weasyprint_version
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..diagnostics import Diagnostics
from ..errors import RenderError
from ..model import Book
from ..resources import Resource, ResourceLookup
from .frontmatter_html import contents, cover_page, has_contents, title_page
from .html import chapter_anchor, esc, lang_attrs, render_book
from .logcapture import capture_logs
from .page_css import page_css
from .theme import stylesheet
from .xmp import xmp_packet

EXTENSION = ".pdf"
# Typography steps for print (see converter.transforms.OUTPUT_STEPS).
TRANSFORMS: tuple[str, ...] = ("kinsoku", "cjk-spacing", "halt", "keep-all")
_SCHEME = "converter-resource:"


class ResourceFetcher(URLFetcher):
    """Serves ``converter-resource:<id>`` URLs from the resource store; denies the rest."""

    def __init__(self, resources: ResourceLookup, diag: Diagnostics) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.resources = resources
        self.diag = diag

    def fetch(self, url, headers=None):  # noqa: D401 - WeasyPrint's interface
        resource = self.resources.get(url[len(_SCHEME):]) if url.startswith(_SCHEME) else None
        if resource is None:
            self.diag.warn("fetch-denied", f"renderer asked for {url[:200]}; refused")
            raise ValueError(f"refused: {url[:200]}")
        return URLFetcherResponse(url, resource.path.read_bytes(), {"Content-Type": resource.media_type})


def resource_url(resource: Resource) -> str:
    """How the PDF's HTML names a resource."""
    return _SCHEME + resource.id


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
              diag: Diagnostics | None = None) -> str:
    """The HTML document WeasyPrint lays out."""
    front = []
    cover = resources.get(book.meta.cover) if book.meta.cover else None
    if cover is not None:
        front.append(cover_page(book, resource_url(cover)))
    front.append(title_page(book))
    if has_contents(book):
        front.append(contents(book, lambda anchor: "#" + anchor))
    body = render_book(book, resources, notes="footnote", image_url=resource_url, chapter_href=chapter_anchor,
                       link_notes=print_mode, diag=diag)
    mode = "print" if print_mode else "screen"
    return (f"<!DOCTYPE html>\n<html{lang_attrs(book.meta.lang)}>\n<head>\n<meta charset=\"utf-8\"/>\n"
            f"{_head(book)}\n</head>\n<body class=\"{mode}\">\n" + "\n".join(front)
            + f"\n{body}\n</body>\n</html>\n")


def write(book: Book, target: Path, ctx) -> None:
    """Render ``book`` to the PDF file ``target``."""
    options = ctx.options
    css = stylesheet(options.theme, "print", book.meta.lang) + page_css(options.page_size, options.print_mode)
    fetcher = ResourceFetcher(ctx.resources, ctx.diag)

    def add_xmp(_document, pdf) -> None:
        stream = pydyf.Stream([xmp_packet(book.meta, f"WeasyPrint {weasyprint_version}")],
                              {"Type": "/Metadata", "Subtype": "/XML"})
        pdf.add_object(stream)
        pdf.catalog["Metadata"] = stream.reference

    try:
        with capture_logs("weasyprint", ctx.diag, "pdf-engine"):
            document = HTML(string=book_html(book, ctx.resources, print_mode=options.print_mode, diag=ctx.diag),
                            base_url=None, url_fetcher=fetcher)
            document.write_pdf(target, stylesheets=[CSS(string=css, url_fetcher=fetcher)], custom_metadata=True,
                               finisher=add_xmp)
    except (OSError, ValueError, RecursionError) as exc:
        raise RenderError(f"PDF rendering failed: {exc}", path=target) from exc
