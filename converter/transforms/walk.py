"""Generic tree helpers for transforms: plain text of nodes, and bottom-up rewriting."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from ..model import (
    Block, BlockQuote, BulletList, Code, CodeBlock, Div, Figure, Heading, Image, Inline,
    LineBreak, Note, OrderedList, Paragraph, Ruby, Table, Text,
)


def inline_text(inlines: Iterable[Inline]) -> str:
    """Visible text of inlines (notes excluded, images by their alt text)."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, (Text, Code)):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append("\n")
        elif isinstance(node, Image):
            parts.append(node.alt)
        elif isinstance(node, Ruby):
            parts.append(inline_text(node.base))
        elif isinstance(node, Note):
            continue
        elif hasattr(node, "content"):
            parts.append(inline_text(node.content))
    return "".join(parts)


def block_texts(blocks: Iterable[Block], *, code: bool = False) -> Iterable[str]:
    """Text of each paragraph-like block, depth first (code blocks only when asked)."""
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            yield inline_text(block.content)
        elif isinstance(block, CodeBlock):
            if code:
                yield block.text
        elif isinstance(block, Figure):
            yield inline_text(block.caption)
        elif isinstance(block, (BlockQuote, Div)):
            yield from block_texts(block.blocks, code=code)
        elif isinstance(block, (BulletList, OrderedList)):
            for item in block.items:
                yield from block_texts(item, code=code)
        elif isinstance(block, Table):
            for row in block.head + block.body:
                for cell in row.cells:
                    yield from block_texts(cell.content, code=code)


def map_tree(node: Any, fn: Callable[[Any], Any]) -> Any:
    """Rebuild ``node`` bottom-up, applying ``fn`` to every model node after its children.

    Children are fields holding nodes or tuples of nodes; unchanged subtrees are reused.
    """
    if isinstance(node, tuple):
        new = tuple(map_tree(x, fn) for x in node)
        return node if all(a is b for a, b in zip(new, node)) else new
    if not dataclasses.is_dataclass(node):
        return node
    changes = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, tuple) or dataclasses.is_dataclass(value):
            new = map_tree(value, fn)
            if new is not value:
                changes[f.name] = new
    if changes:
        node = dataclasses.replace(node, **changes)
    return fn(node)
