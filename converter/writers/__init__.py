"""Writers: one module per output format, one registry line each.

A writer module exposes ``EXTENSION`` (with the dot), ``TRANSFORMS`` (the output typography
steps it wants, see ``converter.transforms.OUTPUT_STEPS``) and ``write(book, target, ctx)``,
which renders ``book`` into the file ``target`` (a temporary path: the pipeline renames it into
place only when the writer succeeded). Modules are imported on first use, so a build that
makes only an EPUB never loads WeasyPrint.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from ..diagnostics import Diagnostics
from ..errors import UsageError
from ..options import WriteOptions
from ..resources import ResourceLookup

WRITERS: dict[str, str] = {
    "pdf": "converter.writers.pdf",
    "epub": "converter.writers.epub",
    "docx": "converter.writers.docx",
    "html": "converter.writers.standalone_html",
    "txt": "converter.writers.plaintext",
}


@dataclass(frozen=True, slots=True)
class WriteContext:
    """What every writer gets besides the book: resolved resources, options, warnings.

    ``resources`` hands out each image as the variant made for the writer's format."""

    resources: ResourceLookup
    options: WriteOptions
    diag: Diagnostics


def get_writer(name: str) -> ModuleType:
    """The writer module for format ``name``."""
    try:
        return importlib.import_module(WRITERS[name])
    except KeyError:
        raise UsageError(f"unknown output format {name!r}; choose from {', '.join(WRITERS)}") from None
