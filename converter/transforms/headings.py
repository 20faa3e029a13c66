"""Heading levels relative to the chapter: the highest level used in a body becomes 1.

The chapter title is rendered above level 1, so a post whose sections start at ``<h2>`` or
``<h3>`` gets the same outline as one that starts at ``<h1>``; gaps are closed so that a
level never jumps by more than one (EPUB navigation and Word's outline both need this).
"""

from __future__ import annotations

import dataclasses

from ..core.model import Document, Heading
from ..core.tree import iter_blocks, map_tree


def normalize_levels(doc, ctx) -> Document:
    """Renumber heading levels to 1, 2, 3... in the order they nest."""
    # Headings inside wrappers (a language Div, a quote) count too: they are renumbered with
    # the rest, so their levels must be part of the mapping.
    levels = sorted({b.level for b in iter_blocks(doc.blocks) if isinstance(b, Heading)})
    if not levels:
        return doc
    mapping = {level: min(i + 1, 6) for i, level in enumerate(levels)}
    if all(k == v for k, v in mapping.items()):
        return doc

    def fix(node):
        if isinstance(node, Heading) and node.level in mapping:
            return dataclasses.replace(node, level=mapping[node.level])
        return node

    return dataclasses.replace(doc, blocks=tuple(map_tree(b, fix) for b in doc.blocks))
