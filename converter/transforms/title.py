"""Every chapter needs a title: take it from the first heading, else from the file name."""

from __future__ import annotations

import dataclasses

from ..model import Document, Heading
from .walk import inline_text


def fill_title(doc, ctx) -> Document:
    """Give an untitled post the text of its first heading (which then leaves the body, as
    it would repeat the title) or, failing that, its slug."""
    if doc.meta.title:
        return doc
    if doc.blocks and isinstance(doc.blocks[0], Heading):
        text = inline_text(doc.blocks[0].content).strip()
        if text:
            return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, title=text),
                                       blocks=doc.blocks[1:])
    title = doc.meta.slug.replace("-", " ").replace("_", " ").strip()
    if not title:
        ctx.diag.warn("no-title", "post has no title; using 'Untitled'")
        title = "Untitled"
    return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, title=title))
