"""Chapter titles: site suffixes off, the body's repeat of the title out, none left empty.

Scraped pages repeat the post's title as their first heading (or first line), often with the
punctuation or emoji that the front matter lost; feed titles carry " - Site Name". Titles are
compared ignoring punctuation, spacing, symbols and a trailing site name.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from urllib.parse import urlsplit

from ..core.model import Div, Document, Figure, Heading, Paragraph
from ..core.tree import inline_text

_SEPARATORS = r"\s+[-–—|·]\s+|\s*[｜丨]\s*"
# How many leading blocks may precede the repeated title (lead image, dek, byline).
_LOOKAHEAD = 6


def comparable(text: str) -> str:
    """``text`` with only letters, digits and ideographs, case-folded."""
    return "".join(ch for ch in text.casefold() if unicodedata.category(ch)[0] in "LN")


def site_names(doc: Document, configured: tuple[str, ...]) -> set[str]:
    """Names a title may end with: configured ones, the source host's name (``iyouport``
    for www.iyouport.org), and the post's feed-like tags and categories."""
    names = {comparable(n) for n in configured}
    host = (urlsplit(doc.meta.source_url).hostname or "").lower()
    labels = [l for l in host.split(".") if l not in ("www", "m", "blog")]
    if labels:
        names.add(comparable(labels[0]))
    names.update(comparable(t) for t in doc.meta.tags + doc.meta.categories)
    names.discard("")
    return names


def strip_site_suffix(title: str, names: set[str]) -> str:
    """``'X - iYouPort'`` → ``'X'`` when the last segment is a site name."""
    parts = re.split(f"({_SEPARATORS})", title)
    if len(parts) >= 3 and comparable(parts[-1]) in names:
        stripped = "".join(parts[:-2]).strip()
        if stripped:
            return stripped
    return title


def _richer(candidate: str, title: str) -> bool:
    """The body's heading keeps what the front matter dropped (quotes, emoji, dashes)."""
    return candidate != title and len(candidate) > len(title)


def _first_leaf(block):
    """``block``, or the first block inside the Divs that wrap it (a language or class
    wrapper around a post's start)."""
    while isinstance(block, Div) and block.blocks:
        block = block.blocks[0]
    return block


def _without_first_leaf(block):
    """``block`` without :func:`_first_leaf`; None when nothing is left."""
    if not isinstance(block, Div) or not block.blocks:
        return None
    first = _without_first_leaf(block.blocks[0])
    kept = ((first,) if first is not None else ()) + block.blocks[1:]
    return dataclasses.replace(block, blocks=kept) if kept else None


def clean_title(doc, ctx) -> Document:
    """Strip the site suffix, drop the leading block that repeats the title (adopting its
    text when it is richer), and give an untitled post its first heading or slug."""
    meta = doc.meta
    names = site_names(doc, ctx.options.cleanup.site_names)
    title = strip_site_suffix(meta.title, names)
    key = comparable(title)
    blocks = list(doc.blocks)
    for index, outer in enumerate(blocks[:_LOOKAHEAD]):
        block = _first_leaf(outer)
        if isinstance(block, Figure):
            continue
        if not isinstance(block, (Heading, Paragraph)):
            break
        text = " ".join(inline_text(block.content).split())
        candidate = strip_site_suffix(text, names)
        if key and comparable(candidate) == key:
            if _richer(candidate, title):
                title = candidate
            rest = _without_first_leaf(outer)
            if rest is None:
                del blocks[index]
            else:
                blocks[index] = rest
            break
        if isinstance(block, Paragraph) and len(comparable(text)) > 2 * max(len(key), 20):
            break  # the article has begun
    if not title:
        if blocks and isinstance(_first_leaf(blocks[0]), Heading):
            title = " ".join(inline_text(_first_leaf(blocks[0]).content).split())
            rest = _without_first_leaf(blocks[0])
            blocks = ([rest] if rest is not None else []) + blocks[1:]
        else:
            title = meta.slug.replace("-", " ").replace("_", " ").strip()
    if not title:
        ctx.diag.warn("no-title", "post has no title; using 'Untitled'")
        title = "Untitled"
    if title == meta.title and len(blocks) == len(doc.blocks) and all(a is b for a, b in zip(blocks, doc.blocks)):
        return doc
    return dataclasses.replace(doc, meta=dataclasses.replace(meta, title=title), blocks=tuple(blocks))
