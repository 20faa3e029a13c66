"""Give each document a BCP 47 language tag: its front matter's, else a detected one."""

from __future__ import annotations

import dataclasses

from ..langdetect import detect
from ..model import Document
from .walk import block_texts


def tag_document(doc, ctx) -> Document:
    """Fill ``meta.lang`` from the text when the post did not declare it; '' stays for text
    that says nothing (the book's language applies then)."""
    if doc.meta.lang:
        return doc
    text = doc.meta.title + "\n" + "\n".join(block_texts(doc.blocks))
    lang = detect(text) or ctx.options.lang
    if not lang:
        return doc
    return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, lang=lang))
