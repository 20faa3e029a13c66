"""Blocks nested deeper than a page can show, lifted to a depth it can.

Every quotation, list and container indents its content; ten levels leave an A5 line a few
characters wide, and a long text set that narrow is thousands of one-word lines (a post of
quotes nested 18 deep took five minutes to lay out as PDF). Containers nested deeper than
:data:`MAX_NESTING` give their content to the container at that depth: nothing is lost,
only the indentation past that depth, and the post gets a warning.
"""

from __future__ import annotations

import dataclasses
from itertools import chain

from ..core.model import Block, BlockQuote, BulletList, Div, Document, OrderedList, Table, TableRow

MAX_NESTING = 8


def _lift(blocks: tuple[Block, ...], depth: int, lifted: list[int]) -> tuple[Block, ...]:
    """``blocks`` at nesting ``depth`` (the containers around them), with the containers
    past :data:`MAX_NESTING` replaced by their content; ``lifted`` counts them."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, (BlockQuote, Div)):
            inner = _lift(block.blocks, depth + 1, lifted)
            if depth >= MAX_NESTING:
                lifted[0] += 1
                out.extend(inner)
            else:
                out.append(block if inner is block.blocks else dataclasses.replace(block, blocks=inner))
        elif isinstance(block, (BulletList, OrderedList)):
            items = tuple(_lift(item, depth + 1, lifted) for item in block.items)
            if depth >= MAX_NESTING:
                lifted[0] += 1
                out.extend(chain.from_iterable(items))
            else:
                out.append(dataclasses.replace(block, items=items))
        elif isinstance(block, Table):
            def rows(section: tuple[TableRow, ...]) -> tuple[TableRow, ...]:
                return tuple(TableRow(tuple(dataclasses.replace(cell, content=_lift(cell.content, depth + 1, lifted))
                                            for cell in row.cells)) for row in section)
            out.append(dataclasses.replace(block, head=rows(block.head), body=rows(block.body)))
        else:
            out.append(block)
    return tuple(out)


def _deepest(blocks: tuple[Block, ...], depth: int = 0) -> int:
    deepest = depth
    for block in blocks:
        if isinstance(block, (BlockQuote, Div)):
            deepest = max(deepest, _deepest(block.blocks, depth + 1))
        elif isinstance(block, (BulletList, OrderedList)):
            deepest = max([deepest, *(_deepest(item, depth + 1) for item in block.items)])
        elif isinstance(block, Table):
            for row in block.head + block.body:
                for cell in row.cells:
                    deepest = max(deepest, _deepest(cell.content, depth + 1))
    return deepest


def bound_nesting(doc: Document, ctx) -> Document:
    """Lift what is nested deeper than :data:`MAX_NESTING` (see the module docstring)."""
    if _deepest(doc.blocks) <= MAX_NESTING:
        return doc
    lifted = [0]
    blocks = _lift(doc.blocks, 0, lifted)
    ctx.diag.warn("too-deep", f"blocks nested deeper than {MAX_NESTING} levels: {lifted[0]} quotation(s), list(s) "
                              "or container(s) past that depth set at that depth")
    return dataclasses.replace(doc, blocks=blocks)
