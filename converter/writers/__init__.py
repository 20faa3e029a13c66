"""Writers: one module per output format, one registry line each.

A writer is an object with the :class:`Writer` shape: a ``name`` (the format, as ``-f``
takes it), an ``extension`` (with the dot), the output typography ``transforms`` it wants
(names of ``converter.transforms.OUTPUT_STEPS``) and ``write(book, target, ctx)``, which
renders the book into the file ``target`` (a temporary path: the pipeline renames it into
place only when the writer succeeded). Writer modules keep their heavy imports (WeasyPrint,
ebooklib, pandoc) inside ``write``, so that loading the registry is cheap and a build that
makes only an EPUB never loads WeasyPrint.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..core.cachestore import CacheStore
from ..core.diagnostics import Diagnostics
from ..core.errors import UsageError
from ..core.model import Book, Document
from ..core.options import WriteOptions
from ..core.progress import NoProgress, Progress
from ..resources import ResourceLookup


@dataclass(frozen=True, slots=True)
class WriteContext:
    """What every writer gets besides the book: resolved resources, options, warnings.

    ``resources`` hands out each image as the variant made for the writer's format.
    ``prepare`` applies the output typography steps the writer asked for (its
    ``transforms``) to one chapter: a writer calls it on every chapter it renders (or
    :func:`prepared` on the whole book), and may skip it for a chapter it takes from its
    cache. ``progress`` is told about long stages (``laying out``); ``cache`` is the
    writer's part of the build cache (None: build cold, keep nothing); ``jobs`` the worker
    processes it may use (0: one per core). ``shared``: what a writer of the book leaves for
    the writers after it (the PDF's page map, for the EPUB's page list); one per book."""

    resources: ResourceLookup
    options: WriteOptions
    diag: Diagnostics
    prepare: Callable[[Document], Document] = lambda doc: doc
    progress: Progress = NoProgress()
    cache: CacheStore | None = None
    jobs: int = 0
    shared: dict = dataclasses.field(default_factory=dict)


def stage(name: str) -> str:
    """The progress stage of writing format ``name`` (writers set its total and advance it)."""
    return f"writing {name}"


def prepared(book: Book, ctx: WriteContext) -> Book:
    """``book`` with ``ctx.prepare`` applied to every chapter."""
    parts = [dataclasses.replace(part, chapters=tuple(ctx.prepare(doc) for doc in part.chapters))
             for part in book.parts]
    return dataclasses.replace(book, parts=tuple(parts))


class Writer(Protocol):
    """An output format."""

    name: str
    extension: str
    transforms: tuple[str, ...]

    def write(self, book: Book, target: Path, ctx: WriteContext) -> None:
        """Render ``book`` into the file ``target``; raise RenderError when it cannot. The
        book comes as assembled: ``ctx.prepare`` gives each chapter its typography steps.
        A writer may name the formats whose products it uses (``after``, a tuple): it then
        runs after them in a build of several formats."""


def load(spec: str) -> Writer:
    """The writer ``module:Class`` names, instantiated."""
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)()


# The registry: format name → writer.
WRITERS: dict[str, Writer] = {writer.name: writer for writer in map(load, (
    "converter.writers.pdf:PdfWriter",
    "converter.writers.epub:EpubWriter",
    "converter.writers.docx:DocxWriter",
    "converter.writers.standalone_html:HtmlWriter",
    "converter.writers.plaintext:TextWriter",
))}


def writing_order(formats: tuple[str, ...]) -> list[str]:
    """``formats`` in the order their writers run: a writer that uses another's product
    (its ``after``: the EPUB's page list uses the PDF's pages) runs after it."""
    return sorted(formats, key=lambda name: any(other in getattr(get_writer(name), "after", ()) for other in formats))


def check_formats(values: tuple[str, ...]) -> tuple[str, ...]:
    """The ``formats`` setting's check: names of registered writers, comma-separated or not."""
    names = tuple(dict.fromkeys(v.strip().lower() for value in values for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in WRITERS]
    if unknown or not names:
        raise ValueError(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(WRITERS)}")
    return names


def get_writer(name: str) -> Writer:
    """The writer of format ``name``."""
    try:
        return WRITERS[name]
    except KeyError:
        raise UsageError(f"unknown output format {name!r}; choose from {', '.join(WRITERS)}") from None
