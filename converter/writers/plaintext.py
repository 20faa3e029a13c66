"""Plain-text writer: the body as text, one paragraph per line, no markup, no URLs.

Used by ``converter inspect --format text`` and by the fidelity benchmark, and available
as the ``txt`` output format.
"""

from __future__ import annotations

from pathlib import Path

from ..core.model import (
    Block, BlockQuote, Book, BulletList, CodeBlock, Div, Document, Embed, Figure, Heading, Note,
    OrderedList, Paragraph, Table, ThematicBreak,
)
from ..core.tree import inline_text, iter_tree

def _lines(block: Block) -> list[str]:
    if isinstance(block, (Paragraph, Heading)):
        # A hard line break stays a line break: a space there would put a word space
        # between two Chinese characters.
        return inline_text(block.content).split("\n")
    if isinstance(block, CodeBlock):
        return [block.text]  # one piece: its blank lines are part of the listing
    if isinstance(block, Figure):
        return inline_text(block.caption).split("\n")
    if isinstance(block, (BlockQuote, Div)):
        return [line for b in block.blocks for line in _lines(b)]
    if isinstance(block, (BulletList, OrderedList)):
        return [line for item in block.items for b in item for line in _lines(b)]
    if isinstance(block, Table):
        # Cells are separated by tabs, rows by lines (tab-separated values).
        return ["\t".join(inline_text(c.content[0].content) if len(c.content) == 1 and isinstance(c.content[0], Paragraph)
                         else " ".join(line for b in c.content for line in _lines(b)) for c in row.cells)
                for row in block.head + block.body]
    if isinstance(block, Embed):
        return [block.title] if block.title else []
    if isinstance(block, ThematicBreak):
        return []
    return []


def document_text(doc: Document) -> str:
    """The body of ``doc`` as plain text, one paragraph per line; notes follow the body,
    numbered in the order they are cited."""
    lines = [line for b in doc.blocks for line in _lines(b) if line.strip()]
    notes = [n for n in iter_tree(doc.blocks) if isinstance(n, Note)]
    for number, note in enumerate(notes, 1):
        text = " ".join(line for b in note.blocks for line in _lines(b) if line.strip())
        lines.append(f"[{number}] {text}")
    return "\n".join(lines)


def book_text(book: Book) -> str:
    """Every chapter's title and text."""
    parts = []
    for doc in book.chapters:
        parts.append(doc.meta.title)
        parts.append(document_text(doc))
        parts.append("")
    return "\n".join(parts)


class TextWriter:
    """Plain text."""

    name = "txt"
    extension = ".txt"
    # Plain text stays as written.
    transforms: tuple[str, ...] = ()

    def write(self, book: Book, target: Path, ctx) -> None:
        """Write every chapter's title and text."""
        from . import prepared

        target.write_text(book_text(prepared(book, ctx)), encoding="utf-8")
