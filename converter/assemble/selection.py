"""Which posts go into a book: filters (dates, tags, categories, language) and duplicates."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence

from ..core.diagnostics import Diagnostics
from ..core.langtag import canonical
from ..core.model import Document
from ..core.options import Filters
from ..core.tree import block_texts
from ..sources.generators import CATEGORY_SEPARATOR
from .grouping import date_key
from .urlkey import url_key


def lang_matches(tag: str, ranges: Sequence[str]) -> bool:
    """RFC 4647 basic filtering: ``zh`` matches ``zh-Hans`` and ``zh-Hant-TW``, ``*`` all."""
    tag = canonical(tag).lower()
    for wanted in ranges:
        wanted = canonical(wanted).lower() if wanted != "*" else "*"
        if wanted == "*" or tag == wanted or tag.startswith(wanted + "-"):
            return True
    return False


def _casefolded(values: Sequence[str]) -> set[str]:
    return {v.casefold() for v in values}


def passes(doc: Document, filters: Filters) -> bool:
    """True when ``doc`` passes every filter that is set."""
    meta = doc.meta
    day = meta.date[:10]
    if (filters.since or filters.until) and not day:
        return False
    if filters.since and day < filters.since:
        return False
    if filters.until and day > filters.until:
        return False
    if filters.tags and not _casefolded(filters.tags) & _casefolded(meta.tags):
        return False
    if filters.categories and not _category_matches(meta.categories, filters.categories):
        return False
    return not filters.langs or lang_matches(meta.lang, filters.langs)


def _category_matches(categories: Sequence[str], wanted: Sequence[str]) -> bool:
    """A category, or one below it (``Linux`` matches ``Linux / Kernel``), case-insensitively."""
    names = _casefolded(wanted)
    for path in categories:
        parts = [p.strip() for p in path.casefold().split(CATEGORY_SEPARATOR.strip())]
        if any(" / ".join(parts[:n]) in names for n in range(1, len(parts) + 1)) or path.casefold() in names:
            return True
    return False


def expired(doc: Document, today: dt.date) -> bool:
    """Whether ``doc``'s site no longer publishes it (its ``expires`` date has come)."""
    return bool(doc.meta.expires) and date_key(doc.meta.expires).date() <= today


def select(docs: Sequence[Document], filters: Filters, diag: Diagnostics | None = None,
           today: dt.date | None = None) -> list[Document]:
    """The documents that pass ``filters``, in their order; expired posts are left out with
    a warning unless ``filters.expired``."""
    today = today or dt.date.today()
    kept = []
    for doc in docs:
        if not passes(doc, filters):
            continue
        if not filters.expired and expired(doc, today):
            if diag is not None:
                diag.warn("expired", f"expired on {doc.meta.expires[:10]} (its site no longer publishes it); "
                                     "left out (--expired keeps it)", path=doc.meta.source_path)
            continue
        kept.append(doc)
    return kept


def _body_key(doc: Document) -> str:
    """The title and the text a reader sees (markup aside: a post captured twice may differ
    in it)."""
    text = doc.meta.title + "\x1f" + "\x1e".join(block_texts(doc.blocks, code=True))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def drop_duplicates(docs: Sequence[Document], order: Callable[[Document], tuple], diag: Diagnostics) -> list[Document]:
    """Each post once: a post with the same source URL as another, or the same title and
    body, is dropped with a warning naming the one kept (the first in ``order``)."""
    kept: list[Document] = []
    by_url: dict[str, Document] = {}
    by_body: dict[str, Document] = {}
    for doc in sorted(docs, key=order):
        url = url_key(doc.meta.source_url)
        body = _body_key(doc)
        same = by_url.get(url) if url else None
        reason = "source URL"
        if same is None:
            same, reason = by_body.get(body), "title and text"
        if same is not None:
            diag.warn("duplicate-post", f"same {reason} as {same.meta.source_path}; kept once",
                      path=doc.meta.source_path)
            continue
        if url:
            by_url[url] = doc
        by_body[body] = doc
        kept.append(doc)
    order_of = {id(d): i for i, d in enumerate(docs)}
    return sorted(kept, key=lambda d: order_of[id(d)])
