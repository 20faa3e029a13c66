"""PDF writer: the book as one HTML document, laid out by WeasyPrint with the print theme.

WeasyPrint gets a URL fetcher that serves the resolved resources of this build and refuses
everything else, so nothing in a post can make the renderer read a file or open a URL.
Fonts come from fontconfig through the font policy's explicit stacks.
"""

from __future__ import annotations

from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..diagnostics import Diagnostics
from ..errors import RenderError
from ..model import Book
from ..resources import Resource, ResourceLookup
from .frontmatter_html import title_page
from .html import esc, lang_attrs, render_book
from .logcapture import capture_logs
from .theme import stylesheet

EXTENSION = ".pdf"
# Typography steps for print (see converter.transforms.OUTPUT_STEPS).
TRANSFORMS: tuple[str, ...] = ("cjk-spacing", "halt", "keep-all")
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


def book_html(book: Book, resources: ResourceLookup) -> str:
    """The HTML document WeasyPrint lays out."""
    meta = book.meta
    head = [f"<title>{esc(meta.title)}</title>"]
    if meta.authors:
        head.append(f'<meta name="author" content="{esc(", ".join(meta.authors))}"/>')
    if meta.description:
        head.append(f'<meta name="description" content="{esc(meta.description)}"/>')
    if meta.subjects:
        head.append(f'<meta name="keywords" content="{esc(", ".join(meta.subjects))}"/>')
    if meta.date:
        head.append(f'<meta name="dcterms.created" content="{esc(meta.date)}"/>')
    head.append('<meta name="generator" content="converter"/>')
    body = title_page(book) + "\n" + render_book(book, resources, notes="footnote", image_url=resource_url)
    return (f"<!DOCTYPE html>\n<html{lang_attrs(meta.lang)}>\n<head>\n<meta charset=\"utf-8\"/>\n"
            + "\n".join(head) + f"\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def write(book: Book, target: Path, ctx) -> None:
    """Render ``book`` to the PDF file ``target``."""
    css = stylesheet(ctx.options.theme, "print", book.meta.lang)
    fetcher = ResourceFetcher(ctx.resources, ctx.diag)
    try:
        with capture_logs("weasyprint", ctx.diag, "pdf-engine"):
            document = HTML(string=book_html(book, ctx.resources), base_url=None, url_fetcher=fetcher)
            document.write_pdf(target, stylesheets=[CSS(string=css, url_fetcher=fetcher)])
    except (OSError, ValueError, RecursionError) as exc:
        raise RenderError(f"PDF rendering failed: {exc}", path=target) from exc
