"""Ordering posts, and dividing them by a key (year, month, category, tag, author) or by size.

Used twice by book assembly: to split posts into books (volumes) and to group a book's
chapters into parts. A post belongs to one group only: its first category, tag or author
(a chapter printed twice in one book would be a worse surprise than a post filed once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.labels import label, month_label
from ..core.model import Document
from ..core.tree import block_texts

_LAST = (1, "")  # sort key of the "undated" / "uncategorized" group: after every other


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
    try:
        return parsed.astimezone(dt.timezone.utc)
    except OverflowError:  # year 1 with a positive offset, say: no place in the order
        return dt.datetime.max.replace(tzinfo=dt.timezone.utc)


def chapter_order(doc: Document) -> tuple:
    """Sort key: date, then title, then path (stable for equal dates)."""
    return (date_key(doc.meta.date), doc.meta.title, doc.meta.source_path)


def ordered(docs: Sequence[Document], order: str) -> list[Document]:
    """``docs`` in chapter order: ``date``, ``-date`` (undated posts still last), ``title``,
    or ``input`` (as given)."""
    if order == "input":
        return list(docs)
    if order == "title":
        return sorted(docs, key=lambda d: (d.meta.title.casefold(), chapter_order(d)))
    by_date = sorted(docs, key=chapter_order)
    if order == "-date":
        dated = [d for d in by_date if d.meta.date]
        return dated[::-1] + [d for d in by_date if not d.meta.date]
    return by_date


@dataclass(frozen=True, slots=True)
class Group:
    """Posts that share a key; ``label`` is what a reader sees (``2019``, ``2019年3月``)."""

    key: tuple
    label: str
    docs: tuple[Document, ...]


def _key(doc: Document, by: str, lang: str) -> tuple[tuple, str]:
    meta = doc.meta
    if by in ("year", "month"):
        day = meta.date[:10]
        if len(day) < 7:
            return _LAST, label("undated", lang)
        year, month = int(day[:4]), int(day[5:7])
        return ((0, year) if by == "year" else (0, year, month),
                str(year) if by == "year" else month_label(year, month, lang))
    values, missing = {"category": (meta.categories, "uncategorized"), "tag": (meta.tags, "untagged"),
                       "author": (meta.authors, "anonymous")}[by]
    if not values:
        return _LAST, label(missing, lang)
    return (0, values[0].casefold()), values[0]


def group_by(docs: Sequence[Document], by: str, lang: str, newest_first: bool = False) -> list[Group]:
    """``docs`` (already ordered) divided by ``by``. Year and month groups run in time order
    (newest first when ``newest_first``); other groups in the order their first post
    appears; the group of posts without the key comes last. Order inside a group is kept."""
    groups: dict[tuple, list[Document]] = {}
    labels: dict[tuple, str] = {}
    for doc in docs:
        key, text = _key(doc, by, lang)
        groups.setdefault(key, []).append(doc)
        labels.setdefault(key, text)
    keys = list(groups)
    if by in ("year", "month"):
        keys.sort(reverse=newest_first)
    keys.sort(key=lambda k: k == _LAST)  # stable: only moves the keyless group to the end
    return [Group(k, labels[k], tuple(groups[k])) for k in keys]


def text_size(doc: Document) -> int:
    """Bytes of UTF-8 text in a post (title and body, code included; images not counted)."""
    return len(doc.meta.title.encode("utf-8")) + sum(
        len(t.encode("utf-8")) for t in block_texts(doc.blocks, code=True))


def chunks(docs: Sequence[Document], by: str, limit: int) -> list[tuple[Document, ...]]:
    """``docs`` cut, in order, into runs of at most ``limit`` posts (``count``) or bytes of
    text (``size``; a single post larger than the limit is a volume of its own)."""
    out: list[list[Document]] = []
    used = limit  # forces a new run for the first post
    for doc in docs:
        cost = 1 if by == "count" else text_size(doc)
        if used + cost > limit and (not out or out[-1]):
            out.append([])
            used = 0
        out[-1].append(doc)
        used += cost
    return [tuple(run) for run in out]
