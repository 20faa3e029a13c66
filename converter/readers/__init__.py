"""Readers: a post's body → model blocks; one registry by body format.

A reader is an object with the :class:`Reader` shape: ``name`` (the body format a source
decided, ``RawPost.body_format``) and ``read(post, diag, options)``, which maps the body onto
model blocks. Adding a body format is one module with its reader and one registry line.
"""

from __future__ import annotations

from typing import Protocol

from ..core.diagnostics import Diagnostics
from ..core.model import Block, Document
from ..core.options import ReadOptions
from ..sources import RawPost
from .html import HtmlBodyReader
from .markdown import MarkdownBodyReader


class Reader(Protocol):
    """A body format."""

    name: str

    def read(self, post: RawPost, diag: Diagnostics, options: ReadOptions) -> tuple[Block, ...]:
        """The blocks of ``post``'s body; problems go to ``diag``, never raise for bad input."""


# The registry: body format → reader.
READERS: dict[str, Reader] = {reader.name: reader for reader in (
    HtmlBodyReader(),
    MarkdownBodyReader(),
)}


def read_post(post: RawPost, diag: Diagnostics, options: ReadOptions | None = None) -> Document:
    """Parse ``post``'s body with the reader of its format."""
    return Document(post.meta, READERS[post.body_format].read(post, diag, options or ReadOptions()))
