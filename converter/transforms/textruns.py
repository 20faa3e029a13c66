"""Text runs: the Text leaves of a paragraph read as one stream across inline boundaries.

Typographic transforms look at neighbouring characters ("中文<em>English</em>" has Han next
to Latin across the ``<em>``). These helpers list the Text leaves of some inlines in reading
order, with ``None`` where a run breaks (code, an image, a line break, a note, ruby), and put
new texts back into an otherwise unchanged tree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from ..core.model import (
    Block, Code, Figure, Heading, Image, Inline, LineBreak, Note, Paragraph, Ruby, Span, Table, Text,
)
from ..core.tree import map_tree

Leaf = Text | None


def leaves(inlines: tuple[Inline, ...], skip: Callable[[Inline], bool] = lambda n: False) -> list[Leaf]:
    """Text leaves in reading order; ``None`` marks a break between runs. Inlines for which
    ``skip`` is true (e.g. a span in another language) are a break too."""
    out: list[Leaf] = []

    def walk(nodes: tuple[Inline, ...]) -> None:
        for node in nodes:
            if isinstance(node, Text):
                out.append(node)
            elif isinstance(node, (Code, Image, LineBreak, Note, Ruby)) or skip(node):
                out.append(None)
            else:
                walk(getattr(node, "content", ()))

    walk(inlines)
    return out


def replace(inlines: tuple[Inline, ...], texts: list[str | None],
            skip: Callable[[Inline], bool] = lambda n: False) -> tuple[Inline, ...]:
    """``inlines`` with the Text leaves (in :func:`leaves` order) given the new ``texts``."""
    it: Iterator[str | None] = iter(texts)

    def walk(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out = []
        for node in nodes:
            if isinstance(node, Text):
                text = next(it)
                out.append(node if text == node.text else Text(text))
            elif isinstance(node, (Code, Image, LineBreak, Note, Ruby)) or skip(node):
                next(it)
                out.append(node)
            else:
                content = getattr(node, "content", None)
                out.append(dataclasses.replace(node, content=walk(content)) if content else node)
        return tuple(out)

    return walk(inlines)


def map_inline_runs(blocks: tuple[Block, ...], fn: Callable[[tuple[Inline, ...]], tuple[Inline, ...]],
                    keep: Callable[[object], bool] | None = None) -> tuple[Block, ...]:
    """Apply ``fn`` to the inline content of every paragraph, heading, caption and note,
    except inside subtrees that ``keep`` accepts."""
    def visit(node):
        if isinstance(node, (Paragraph, Heading)):
            new = fn(node.content)
            return node if new == node.content else dataclasses.replace(node, content=new)
        if isinstance(node, Figure) and node.caption:
            new = fn(node.caption)
            return node if new == node.caption else dataclasses.replace(node, caption=new)
        if isinstance(node, Table) and node.caption:
            new = fn(node.caption)
            return node if new == node.caption else dataclasses.replace(node, caption=new)
        return node

    return tuple(map_tree(b, visit, keep) for b in blocks)


def wrap_matches(inlines: tuple[Inline, ...], pattern, attrs, stop: Callable[[Inline], bool]) -> tuple[Inline, ...]:
    """Wrap every match of ``pattern`` in Text leaves in ``Span(attrs)``, descending into
    inline containers except those for which ``stop`` is true (already wrapped, other
    language). Returns ``inlines`` itself when nothing matched."""
    out: list[Inline] = []
    changed = False
    for node in inlines:
        if isinstance(node, Text) and pattern.search(node.text):
            pos = 0
            for m in pattern.finditer(node.text):
                if m.start() > pos:
                    out.append(Text(node.text[pos:m.start()]))
                out.append(Span((Text(m.group()),), attrs))
                pos = m.end()
            if pos < len(node.text):
                out.append(Text(node.text[pos:]))
            changed = True
            continue
        content = getattr(node, "content", None)
        if content and not stop(node):
            new = wrap_matches(content, pattern, attrs, stop)
            if new is not content:
                node = dataclasses.replace(node, content=new)
                changed = True
        out.append(node)
    return tuple(out) if changed else inlines


def span_lang(node: Inline) -> str:
    """The language a span declares ('' for none)."""
    return node.attrs.lang if isinstance(node, Span) else ""
