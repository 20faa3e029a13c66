"""Book front matter in HTML: the title page (shared by the PDF and EPUB writers)."""

from __future__ import annotations

from ..model import Book
from .html import esc


def title_page(book: Book) -> str:
    """A title page: title, subtitle, authors, date range."""
    meta = book.meta
    parts = ['<section class="title-page">', f'<h1 class="book-title">{esc(meta.title)}</h1>']
    if meta.subtitle:
        parts.append(f'<p class="book-subtitle">{esc(meta.subtitle)}</p>')
    if meta.authors:
        parts.append(f'<p class="book-authors">{esc(", ".join(meta.authors))}</p>')
    dates = sorted(d.meta.date[:10] for d in book.chapters if d.meta.date)
    if dates:
        span = dates[0] if dates[0] == dates[-1] else f"{dates[0]} – {dates[-1]}"
        parts.append(f'<p class="book-date">{esc(span)}</p>')
    parts.append("</section>")
    return "\n".join(parts)
