"""Book assembly: many documents become books, ordered, with book-level metadata.

Runs after every post has been read (a book needs all its chapters for its table of
contents, its language and its identifier). Today: one book for all posts ordered by date,
or one book per post.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence

from .langtag import canonical
from .model import Book, BookMeta, Document, Part
from .options import BookOptions

def date_key(value: str) -> dt.datetime:
    """A comparable UTC time for an ISO date or date-time ('' sorts last)."""
    if not value:
        return dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def chapter_order(doc: Document) -> tuple:
    """Sort key: date, then title, then path (stable for equal dates)."""
    return (date_key(doc.meta.date), doc.meta.title, doc.meta.source_path)


def book_identifier(chapters: Sequence[Document]) -> str:
    """A URN derived from the chapters' identities (source URL, else title and date), so the
    same posts always make a book with the same identifier."""
    digest = hashlib.sha256()
    for doc in chapters:
        key = doc.meta.source_url or f"{doc.meta.title}\x1f{doc.meta.date}"
        digest.update(key.encode("utf-8") + b"\x1e")
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "converter:" + digest.hexdigest()))


def book_language(chapters: Sequence[Document], requested: str) -> str:
    """The requested language, else the language most chapters are in (by text weight)."""
    if requested:
        return canonical(requested)
    weights: Counter[str] = Counter()
    for doc in chapters:
        if doc.meta.lang:
            weights[doc.meta.lang] += 1
    return weights.most_common(1)[0][0] if weights else "en"


def _authors(chapters: Sequence[Document], requested: tuple[str, ...]) -> tuple[str, ...]:
    if requested:
        return requested
    counts: Counter[str] = Counter(a for doc in chapters for a in doc.meta.authors)
    # A handful of authors are all credited; a collection of many is credited to nobody
    # in particular rather than to whoever wrote one more post.
    if not counts or len(counts) > 3:
        return ()
    return tuple(a for a, _ in counts.most_common())


def make_book(chapters: Sequence[Document], options: BookOptions, title: str) -> Book:
    """One book of ``chapters`` (already ordered) with metadata derived from them."""
    dates = sorted((d.meta.date for d in chapters if d.meta.date), key=date_key)
    newest = date_key(dates[-1]) if dates else None
    tags = Counter(t for d in chapters for t in d.meta.tags)
    meta = BookMeta(
        title=title,
        authors=_authors(chapters, options.authors),
        lang=book_language(chapters, options.lang),
        date=dates[-1][:10] if dates else "",
        subjects=tuple(t for t, _ in tags.most_common(10)),
        source=chapters[0].meta.source_url if len(chapters) == 1 else "",
        identifier=book_identifier(chapters),
        modified=newest.strftime("%Y-%m-%dT%H:%M:%SZ") if newest else "",
    )
    return Book(meta, (Part(tuple(chapters)),))


def assemble(docs: Sequence[Document], options: BookOptions, default_title: str) -> list[Book]:
    """Books for ``docs``: one per post with ``per_post`` (or a single post), else one."""
    ordered = sorted(docs, key=chapter_order)
    if options.per_post or len(ordered) == 1:
        return [make_book([doc], options, options.title if len(ordered) == 1 and options.title else doc.meta.title)
                for doc in ordered]
    return [make_book(ordered, options, options.title or default_title)] if ordered else []
