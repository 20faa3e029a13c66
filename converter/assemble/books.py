"""Book assembly: many documents become books: selected, ordered, split, grouped, described.

Runs after every post has been read (a book needs all its chapters for its table of
contents, its language and its identifier). The steps, in order: filters, duplicates
dropped (with a warning), chapter order, split into volumes (a book per year, per
category..., or by post count or text size), parts by group, book metadata, and links
between posts turned into links between chapters.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence

from ..core.cachestore import CacheStore
from ..core.diagnostics import Diagnostics
from ..core.labels import label
from ..core.langtag import canonical
from ..core.model import Book, BookMeta, Document, Part
from ..core.options import BookOptions
from .crosslinks import link_chapters
from .grouping import chapter_order, chunks, date_key, group_by, ordered
from .selection import drop_duplicates, select
from .urlkey import url_key

def book_identifier(chapters: Sequence[Document]) -> str:
    """A URN derived from the chapters' identities (source URL, else title and date), so the
    same posts always make a book with the same identifier."""
    digest = hashlib.sha256()
    for doc in chapters:
        key = doc.meta.source_url or f"{doc.meta.title}\x1f{doc.meta.date}"
        digest.update(key.encode("utf-8") + b"\x1e")
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "converter:" + digest.hexdigest()))


def book_language(chapters: Sequence[Document], requested: str) -> str:
    """The requested language, else the language most chapters are in."""
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


def _source(chapters: Sequence[Document]) -> str:
    """The single post's URL, or the site all posts come from (``https://host/``)."""
    if len(chapters) == 1:
        return chapters[0].meta.source_url
    hosts = {url_key(d.meta.source_url).split("/")[0] for d in chapters}
    if len(hosts) == 1 and "" not in hosts:
        return f"https://{hosts.pop()}/"
    return ""


def make_book(parts: Sequence[Part], options: BookOptions, title: str,
              volume: str = "", series: str = "", series_index: int = 0, diag: Diagnostics | None = None,
              store: CacheStore | None = None) -> Book:
    """One book of ``parts`` (chapters already ordered) with metadata derived from them; a
    volume has its own language (a year of English posts in a Chinese blog is English).
    ``store``: the build cache's relinked chapters (see ``crosslinks.link_chapters``)."""
    chapters = [doc for part in parts for doc in part.chapters]
    dates = sorted((d.meta.date for d in chapters if d.meta.date), key=date_key)
    changed = [date_key(d.meta.updated or d.meta.date) for d in chapters if d.meta.updated or d.meta.date]
    newest = max(changed) if changed else None
    tags = Counter(t for d in chapters for t in d.meta.tags)
    coverage = ""
    if dates:
        first, last = dates[0][:10], dates[-1][:10]
        coverage = first if first == last else f"{first}/{last}"
    meta = BookMeta(
        title=title,
        subtitle=options.subtitle,
        authors=_authors(chapters, options.authors),
        lang=book_language(chapters, options.lang),
        date=dates[-1][:10] if dates else "",
        publisher=options.publisher,
        description=options.description,
        rights=options.rights,
        subjects=tuple(t for t, _ in tags.most_common(10)),
        source=_source(chapters),
        identifier=book_identifier(chapters),
        modified=newest.strftime("%Y-%m-%dT%H:%M:%SZ") if newest else "",
        coverage=coverage,
        series=series,
        volume=volume,
        series_index=series_index,
    )
    return link_chapters(Book(meta, tuple(parts)), options.site_url, diag, store)


def _parts(chapters: Sequence[Document], options: BookOptions, lang: str) -> tuple[Part, ...]:
    """One untitled part, or a titled part per group (a single group makes no part page)."""
    if options.group == "none":
        return (Part(tuple(chapters)),)
    groups = group_by(chapters, options.group, lang, newest_first=options.order == "-date")
    if len(groups) == 1:
        return (Part(groups[0].docs),)
    return tuple(Part(g.docs, g.label) for g in groups)


def _volumes(chapters: list[Document], options: BookOptions, lang: str) -> list[tuple[str, list[Document]]]:
    """(label, chapters) per book; the label is empty when there is one book only."""
    split = options.split
    if split.by == "none":
        return [("", chapters)]
    if split.by in ("count", "size"):
        runs = chunks(chapters, split.by, split.limit)
        if len(runs) == 1:
            return [("", chapters)]
        return [(label("volume", lang, n=i), list(run)) for i, run in enumerate(runs, 1)]
    return [(g.label, list(g.docs))
            for g in group_by(chapters, split.by, lang, newest_first=options.order == "-date")]


def assemble(docs: Sequence[Document], options: BookOptions, default_title: str,
             diag: Diagnostics | None = None, store: CacheStore | None = None) -> list[Book]:
    """Books for ``docs``: one per post with ``per_post`` (or a single post), else one, or
    one per volume when ``options.split`` asks for it; ``store`` as for :func:`make_book`."""
    diag = diag if diag is not None else Diagnostics()
    chosen = drop_duplicates(select(docs, options.filters, diag), chapter_order, diag)
    chapters = ordered(chosen, options.order)
    if not chapters:
        return []
    if options.per_post or len(chapters) == 1:
        single = len(chapters) == 1 and options.title
        return [make_book((Part((doc,)),), options, options.title if single else doc.meta.title, diag=diag,
                          store=store)
                for doc in chapters]
    lang = book_language(chapters, options.lang)  # of the whole series: labels agree across volumes
    title = options.title or default_title
    volumes = _volumes(chapters, options, lang)
    books = []
    for index, (volume, docs_in_volume) in enumerate(volumes, 1):
        books.append(make_book(
            _parts(docs_in_volume, options, lang), options,
            f"{title} · {volume}" if volume else title,
            volume=volume, series=title if volume else "", series_index=index if volume else 0, diag=diag,
            store=store))
    return books
