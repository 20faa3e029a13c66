"""Readers: a post's body (Markdown or HTML) → model blocks; one registry by body format."""

from __future__ import annotations

from collections.abc import Callable

from ..diagnostics import Diagnostics
from ..model import Block, Document
from ..sources import RawPost
from .html import read_html
from .markdown import read_markdown

Reader = Callable[..., tuple[Block, ...]]

READERS: dict[str, Reader] = {
    "html": read_html,
    "markdown": read_markdown,
}


def read_post(post: RawPost, diag: Diagnostics) -> Document:
    """Parse ``post``'s body with the reader for its format."""
    reader = READERS[post.body_format]
    blocks = reader(post.body, base_url=post.meta.source_url, diag=diag)
    return Document(post.meta, blocks)
