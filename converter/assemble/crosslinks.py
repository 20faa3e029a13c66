"""Links between posts of one book become links between its chapters.

A book-level step (``Book -> Book``), run by assembly once the chapters are in their final
order. A link names another post of the book when it matches that post's source URL (as
:func:`~converter.assemble.urlkey.url_key` compares them), its ``permalink`` front-matter field
(absolute, or a site path compared with links of the same site or relative links), or its
file (a relative link such as ``2024-03-15-hello.md``). Such links become ``chapter:<n>``
URLs (see :func:`~converter.core.model.chapter_link`), keeping a fragment only when the target
chapter has that id. A relative link that names no post of the book leads nowhere in a book
(an EPUB checker fails the book for it): it becomes its text. Every other link stays as it was.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..core.model import Book, Document, Link, Span, chapter_link
from ..core.tree import map_tree
from ..transforms.links import collect_ids
from .urlkey import path_key, url_key


def _permalink(doc: Document) -> str:
    for key, value in doc.meta.extra:
        if key in ("permalink", "url"):
            try:
                text = json.loads(value)
            except ValueError:
                return ""
            return text.strip() if isinstance(text, str) else ""
    return ""


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""


@dataclasses.dataclass(slots=True)
class _Index:
    """Where each way of naming a post leads: chapter numbers by URL key, path, file."""

    urls: dict[str, int] = dataclasses.field(default_factory=dict)
    paths: dict[str, int] = dataclasses.field(default_factory=dict)
    files: dict[Path, int] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, chapters: tuple[Document, ...]) -> _Index:
        index = cls()
        for number, doc in enumerate(chapters, 1):
            for url in (doc.meta.source_url, _permalink(doc)):
                if key := url_key(url):
                    index.urls.setdefault(key, number)
            permalink = _permalink(doc)
            if permalink.startswith("/"):
                index.paths.setdefault(path_key(permalink), number)
            if doc.meta.source_path:
                index.files.setdefault(Path(doc.meta.source_path).resolve(), number)
        return index

    def find(self, url: str, doc: Document) -> int | None:
        """The chapter ``url`` (a link in ``doc``) names, if any."""
        if key := url_key(url):
            if key in self.urls:
                return self.urls[key]
            # A site path permalink, linked with the full address of the same site.
            if _host(url) and _host(url) == _host(doc.meta.source_url):
                return self.paths.get(path_key(urlsplit(url).path))
            return None
        if not url or url.startswith("#") or ":" in url.split("/")[0]:
            return None
        if url.startswith("/"):
            return self.paths.get(path_key(url))
        if doc.meta.source_path:
            target = (Path(doc.meta.source_path).parent / unquote(url.split("#")[0].split("?")[0])).resolve()
            return self.files.get(target)
        return None


def _relative(url: str) -> bool:
    """Whether ``url`` is a relative reference (a path, not ``#fragment`` nor ``scheme:``)."""
    return bool(url) and not url.startswith("#") and ":" not in url.split("/")[0].split("?")[0].split("#")[0]


def link_chapters(book: Book) -> Book:
    """``book`` with links between its posts turned into chapter links."""
    chapters = book.chapters
    index = _Index.of(chapters)
    ids = [collect_ids(doc) for doc in chapters]

    def relink(doc: Document) -> Document:
        def fix(node):
            if not isinstance(node, Link):
                return node
            number = index.find(node.url, doc)
            if number is None:
                return Span(node.content) if _relative(node.url) else node
            fragment = node.url.partition("#")[2]
            return dataclasses.replace(
                node, url=chapter_link(number, fragment if fragment in ids[number - 1] else ""))

        blocks = tuple(map_tree(b, fix) for b in doc.blocks)
        unchanged = all(a is b for a, b in zip(blocks, doc.blocks))  # map_tree reuses untouched nodes
        return doc if unchanged else dataclasses.replace(doc, blocks=blocks)

    parts = tuple(dataclasses.replace(part, chapters=tuple(relink(d) for d in part.chapters))
                  for part in book.parts)
    return dataclasses.replace(book, parts=parts)
