"""Readers: a post's body (Markdown or HTML) → model blocks; one registry by body format."""

from __future__ import annotations

from collections.abc import Callable

from ..diagnostics import Diagnostics
from ..model import Block, Document
from ..options import ReadOptions
from ..sources import RawPost
from .html import read_html
from .markdown import read_markdown

Reader = Callable[..., tuple[Block, ...]]

READERS: dict[str, Reader] = {
    "html": read_html,
    "markdown": read_markdown,
}


def read_post(post: RawPost, diag: Diagnostics, options: ReadOptions | None = None) -> Document:
    """Parse ``post``'s body with the reader for its format. HTML bodies (scraped pages) go
    through the cleanup stage; Markdown bodies are the author's own and are kept whole."""
    options = options or ReadOptions()
    if post.body_format == "html":
        blocks = read_html(post.body, base_url=post.meta.source_url, diag=diag, title=post.meta.title,
                           cleanup=options.cleanup)
    else:
        blocks = READERS[post.body_format](post.body, base_url=post.meta.source_url, diag=diag)
    return Document(post.meta, blocks)
