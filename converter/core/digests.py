"""Content digests of documents for the build cache's keys, remembered per document object.

A chapter's cache entry (its relinked document, its EPUB page, the DOCX piece it is in) is
keyed by the chapter's content. Serializing a thousand chapters to hash them costs as much as
rendering the few that changed, so a document carries the digest it was made under: a read
post the key of its read (which names everything the reading depends on), a relinked one the
key of its relinking. Only a document made some other way is hashed from its JSON, once.

Documents are frozen, so a digest stays true for the object's life; the table holds the
object itself, so that its ``id`` cannot be reused while the entry lives. ``forget`` empties
it at the end of a build.
"""

from __future__ import annotations

import hashlib

from .model import Document, to_json

_known: dict[int, tuple[Document, str]] = {}


def remember(doc: Document, digest: str) -> Document:
    """Record that ``doc`` is the content named by ``digest`` (a content key); ``doc``."""
    _known[id(doc)] = (doc, digest)
    return doc


def digest(doc: Document) -> str:
    """The digest ``doc`` was remembered with, else the SHA-256 of its JSON (remembered)."""
    entry = _known.get(id(doc))
    if entry is not None and entry[0] is doc:
        return entry[1]
    value = hashlib.sha256(to_json(doc).encode("utf-8")).hexdigest()
    remember(doc, value)
    return value


def forget() -> None:
    """Drop every remembered digest (the documents of a finished build)."""
    _known.clear()
