"""HTML writer: the book as one self-contained XHTML file (styles and images inline)."""

from __future__ import annotations

from pathlib import Path

from ..core.model import Book
from .frontmatter_html import contents, has_contents, title_page
from .html import chapter_anchor, data_uri, render_book, xhtml_document
from .theme import stylesheet


class HtmlWriter:
    """One self-contained HTML file."""

    name = "html"
    extension = ".html"
    # As for EPUB: browsers ignore text-autospace too.
    transforms: tuple[str, ...] = ("cjk-spacing",)

    def write(self, book: Book, target: Path, ctx) -> None:
        """Write ``book`` as a single HTML file at ``target``."""
        from . import prepared

        target.write_text(book_document(prepared(book, ctx), ctx), encoding="utf-8")


def book_document(book: Book, ctx) -> str:
    """The book as one XHTML document, styles and images inline."""
    front = [title_page(book)] + ([contents(book, lambda anchor: "#" + anchor)] if has_contents(book) else [])
    body = "\n".join(front) + "\n" + render_book(
        book, ctx.resources, notes="endnote", image_url=data_uri,
        chapter_href=chapter_anchor)
    css = stylesheet(ctx.options.theme, "epub", book.meta.lang)
    return xhtml_document(book.meta.title, book.meta.lang, body, inline_css=css)
