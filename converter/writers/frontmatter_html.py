"""Book front matter in HTML, shared by the PDF, EPUB and HTML writers: the cover page, the
title page and the contents (with page numbers in print, through CSS ``target-counter``)."""

from __future__ import annotations

from collections.abc import Callable

from ..core.labels import coverage_label, label
from ..core.model import Book
from .html import esc


def cover_page(book: Book, image_src: str) -> str:
    """A page holding the cover image alone (its alt text is the title, for screen readers)."""
    return (f'<section class="cover" epub:type="cover"><img class="cover-image" src="{esc(image_src)}"'
            f' alt="{esc(book.meta.title)}" role="doc-cover"/></section>')


def title_page(book: Book) -> str:
    """A title page: title, subtitle, authors, the dates the posts span, publisher."""
    meta = book.meta
    parts = ['<section class="title-page" epub:type="titlepage">',
             f'<h1 class="book-title">{esc(meta.title)}</h1>']
    if meta.subtitle:
        parts.append(f'<p class="book-subtitle">{esc(meta.subtitle)}</p>')
    if meta.authors:
        parts.append(f'<p class="book-authors">{esc(", ".join(meta.authors))}</p>')
    if meta.coverage:
        parts.append(f'<p class="book-date">{esc(coverage_label(meta.coverage))}</p>')
    if meta.publisher:
        parts.append(f'<p class="book-publisher">{esc(meta.publisher)}</p>')
    if meta.rights:
        parts.append(f'<p class="book-rights">{esc(meta.rights)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def has_contents(book: Book) -> bool:
    """A contents page for a book of several chapters, and for every volume of a series."""
    return len(book.chapters) > 1 or bool(book.meta.series)


def contents(book: Book, href: Callable[[str], str]) -> str:
    """The contents as nested lists: a part with its chapters, or chapters alone.

    ``href`` maps an anchor id (``part-1``, ``chapter-3``) to the link the medium uses.
    """
    out = [f'<nav class="toc" id="contents" epub:type="toc" role="doc-toc">'
           f'<h1 class="toc-title">{esc(label("contents", book.meta.lang))}</h1>', '<ol class="toc-list">']
    number = 0
    for part_index, part in enumerate(book.parts, 1):
        items = []
        for doc in part.chapters:
            number += 1
            items.append(f'<li class="toc-chapter"><a href="{esc(href(f"chapter-{number}"))}">'
                         f'{esc(doc.meta.title)}</a></li>')
        if part.title:
            out.append(f'<li class="toc-part"><a href="{esc(href(f"part-{part_index}"))}">{esc(part.title)}</a>'
                       f'<ol>{"".join(items)}</ol></li>')
        else:
            out.extend(items)
    out.append("</ol></nav>")
    return "\n".join(out)
