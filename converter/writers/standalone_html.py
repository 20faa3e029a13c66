"""HTML writer: the book as one self-contained XHTML file (styles and images inline)."""

from __future__ import annotations

from pathlib import Path

from ..model import Book
from .frontmatter_html import contents, has_contents, title_page
from .html import chapter_anchor, data_uri, render_book, xhtml_document
from .theme import stylesheet

EXTENSION = ".html"
# As for EPUB: browsers ignore text-autospace too.
TRANSFORMS: tuple[str, ...] = ("cjk-spacing",)


def write(book: Book, target: Path, ctx) -> None:
    """Write ``book`` as a single HTML file at ``target``."""
    front = [title_page(book)] + ([contents(book, lambda anchor: "#" + anchor)] if has_contents(book) else [])
    body = "\n".join(front) + "\n" + render_book(
        book, ctx.resources, notes="endnote", image_url=data_uri,
        chapter_href=chapter_anchor)
    css = stylesheet(ctx.options.theme, "epub", book.meta.lang)
    target.write_text(xhtml_document(book.meta.title, book.meta.lang, body, inline_css=css), encoding="utf-8")
