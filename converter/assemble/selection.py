"""Which posts go into a book: filters (dates, tags, categories, language) and duplicates."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from ..core.diagnostics import Diagnostics
from ..core.langtag import canonical
from ..core.model import Document
from ..core.options import Filters
from ..core.tree import block_texts
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
    if filters.categories and not _casefolded(filters.categories) & _casefolded(meta.categories):
        return False
    return not filters.langs or lang_matches(meta.lang, filters.langs)


def select(docs: Sequence[Document], filters: Filters) -> list[Document]:
    """The documents that pass ``filters``, in their order."""
    return [d for d in docs if passes(d, filters)]


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
