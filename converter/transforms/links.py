"""Keep links and ids consistent inside a document.

A fragment link (``#x``) whose target id is not in the document is turned back into plain
text: a link that goes nowhere is a validation error in EPUB and a dead click elsewhere. Ids
are made unique (the first keeps its id), and a link nested in another link keeps only its
text (``<a>`` inside ``<a>`` is invalid).
"""

from __future__ import annotations

import dataclasses

from ..core.model import Div, Document, Heading, Link, Span
from ..core.tree import iter_tree, map_tree


def collect_ids(doc: Document) -> set[str]:
    """The ids of the headings, spans and divs of ``doc``."""
    return {node.attrs.id for node in iter_tree(doc.blocks)
            if isinstance(node, (Heading, Span, Div)) and node.attrs.id}


def _unnest(node):
    """Replace links inside ``node``'s content by their text."""
    def strip(n):
        if isinstance(n, Link):
            return Span(n.content)
        return n

    return dataclasses.replace(node, content=tuple(map_tree(c, strip) for c in node.content))


def fix_links(doc, ctx) -> Document:
    """Drop dangling fragment links, duplicate ids and nested links."""
    ids: list[str] = []
    fragments = nested = False
    for node in iter_tree(doc.blocks):
        if isinstance(node, (Heading, Span, Div)) and node.attrs.id:
            ids.append(node.attrs.id)
        elif isinstance(node, Link):
            fragments = fragments or node.url.startswith("#")
            nested = nested or any(isinstance(c, Link) for c in _descendants(node.content))
    if len(ids) == len(set(ids)) and not fragments and not nested:
        return doc
    seen: set[str] = set()

    def dedupe(node):
        if isinstance(node, (Heading, Span, Div)) and node.attrs.id:
            if node.attrs.id in seen:
                return dataclasses.replace(node, attrs=dataclasses.replace(node.attrs, id=""))
            seen.add(node.attrs.id)
        return node

    if len(ids) != len(set(ids)):
        doc = dataclasses.replace(doc, blocks=tuple(map_tree(b, dedupe) for b in doc.blocks))
    known = set(ids)

    def fix(node):
        if not isinstance(node, Link):
            return node
        if node.url.startswith("#") and node.url[1:] not in known:
            return Span(node.content)
        if any(isinstance(c, Link) for c in _descendants(node.content)):
            return _unnest(node)
        return node

    return dataclasses.replace(doc, blocks=tuple(map_tree(b, fix) for b in doc.blocks))


def _descendants(nodes):
    for node in nodes:
        yield node
        content = getattr(node, "content", None)
        if isinstance(content, tuple):
            yield from _descendants(content)
