"""Generic helpers over the document tree: plain text of nodes, walking and bottom-up rewriting."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from .model import (
    Attrs, Block, BlockQuote, BulletList, Code, CodeBlock, Div, Figure, Heading, Image, Inline,
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


def iter_blocks(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block under ``blocks``, nested ones too (quotes, Divs, list items, table
    cells), depth first; inline content (notes) is not entered."""
    for block in blocks:
        yield block
        if isinstance(block, (BlockQuote, Div)):
            yield from iter_blocks(block.blocks)
        elif isinstance(block, (BulletList, OrderedList)):
            for item in block.items:
                yield from iter_blocks(item)
        elif isinstance(block, Table):
            for row in block.head + block.body:
                for cell in row.cells:
                    yield from iter_blocks(cell.content)


def block_texts(blocks: Iterable[Block], *, code: bool = False) -> Iterable[str]:
    """Text of each paragraph-like block, depth first (code blocks only when asked)."""
    for block in iter_blocks(blocks):
        if isinstance(block, (Paragraph, Heading)):
            yield inline_text(block.content)
        elif isinstance(block, CodeBlock):
            if code:
                yield block.text
        elif isinstance(block, Figure):
            yield inline_text(block.caption)


@cache
def _child_fields(cls: type) -> tuple[str, ...]:
    """Fields of a node class that can hold other nodes (attributes and strings cannot)."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if hint in (str, int, bool, Attrs):
            continue
        if typing.get_origin(hint) is tuple and all(a in (str, Ellipsis) for a in typing.get_args(hint)):
            continue
        out.append(f.name)
    return tuple(out)


def map_tree(node: Any, fn: Callable[[Any], Any], keep: Callable[[Any], bool] | None = None) -> Any:
    """Rebuild ``node`` bottom-up, applying ``fn`` to every model node after its children.

    Children are fields holding nodes or tuples of nodes; unchanged subtrees are reused.
    Subtrees whose root ``keep`` accepts are left as they are (``fn`` sees none of them).
    """
    if type(node) is tuple:
        new = tuple([map_tree(x, fn, keep) for x in node])
        for a, b in zip(new, node):
            if a is not b:
                return new
        return node
    if keep is not None and keep(node):
        return node
    names = _child_fields(type(node))
    if names:
        changes = None
        for name in names:
            value = getattr(node, name)
            new = map_tree(value, fn, keep)
            if new is not value:
                if changes is None:
                    changes = {}
                changes[name] = new
        if changes:
            node = dataclasses.replace(node, **changes)
    return fn(node)


def iter_tree(node: Any) -> Iterator[Any]:
    """Every model node under ``node`` (itself included), depth first, without rebuilding."""
    if type(node) is tuple:
        for x in node:
            yield from iter_tree(x)
        return
    yield node
    for name in _child_fields(type(node)):
        yield from iter_tree(getattr(node, name))


def text_alternative(image: Image, caption: tuple[Inline, ...] = ()) -> str:
    """What a reader who cannot see ``image`` hears: its alt text, else its title, else the
    caption of its figure; '' for an image with no words at all (taken as decorative)."""
    return (image.alt.strip() or image.title.strip() or " ".join(inline_text(caption).split()))
