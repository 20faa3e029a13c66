"""A tiny output format for the "adding a format" recipe (docs/architecture.md): this file
and one registry line are all a new format needs."""

from __future__ import annotations

from pathlib import Path

from converter.core.model import Book
from converter.writers import WriteContext
from converter.writers.plaintext import document_text


class MarkdownWriter:
    """Chapters as Markdown: a heading per chapter, its text below."""

    name = "md"
    extension = ".md"
    transforms: tuple[str, ...] = ()

    def write(self, book: Book, target: Path, ctx: WriteContext) -> None:
        chapters = [f"# {doc.meta.title}\n\n{document_text(ctx.prepare(doc))}\n" for doc in book.chapters]
        target.write_text(f"% {book.meta.title}\n\n" + "\n".join(chapters), encoding="utf-8")
