"""Links resolved the way the site resolves them: to a chapter, to the web, or to plain text.

A book-level step (``Book -> Book``), run by assembly once the chapters are in their final
order. Every link of every chapter ends up as one of three things a book can hold:

* a link to another chapter (``chapter:<n>``, see :func:`~converter.core.model.chapter_link`),
  when it names a post of the book: by its source URL, its address on its site
  (``Meta.url``: permalink, generator pattern), one of its aliases (Hugo ``aliases``,
  WordPress ``?p=ID``), its file (``2024-03-15-hello.md``, ``../other/index.md``,
  ``{% post_url 2024-03-15-hello %}``), or, when only the date folders differ (a post moved
  by a day by a time zone), the last part of its address if no other post has it;
* an absolute web address: a link written relative to the post's own address (its
  ``Meta.url``) or to the site (``site_url``) is made absolute the way a browser would;
* plain text, with a warning, when it can be neither (a relative link in a post whose
  address is unknown): a book must not hold references to files it does not contain.

A fragment is kept only when the target chapter has that id.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..core import digests
from ..core.cachestore import CacheStore, code_fingerprint, content_key
from ..core.diagnostics import Diagnostics
from ..core.model import Book, Document, Link, Span, chapter_link, chapter_target, from_data, to_data
from ..core.tree import map_tree
from ..core.urls import SCHEME_RE, is_web_url
from ..transforms.links import collect_ids
from .urlkey import path_key, url_key

_POST_SUFFIXES = (".md", ".markdown", ".html", ".htm")
_DATE_PART_RE = re.compile(r"^\d{1,4}$")


def _permalink(doc: Document) -> str:
    """A ``permalink`` of front matter kept among the extra fields (older readings)."""
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


def _last_part(url: str) -> str:
    """The last path segment of an address, without ``index.html``/``.html``."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return ""
    parts = [p for p in path.split("/") if p and p not in ("index.html", "index.htm")]
    last = parts[-1] if parts else ""
    return re.sub(r"\.html?$", "", last).casefold()


@dataclasses.dataclass(slots=True)
class _Index:
    """Where each way of naming a post leads: chapter numbers by URL key, site path, file."""

    urls: dict[str, int] = dataclasses.field(default_factory=dict)
    paths: dict[tuple[str, str], int] = dataclasses.field(default_factory=dict)
    files: dict[Path, int] = dataclasses.field(default_factory=dict)
    names: dict[str, int | None] = dataclasses.field(default_factory=dict)
    lasts: dict[tuple[str, str], int | None] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, chapters: tuple[Document, ...]) -> _Index:
        index = cls()

        def unique(table: dict, key, number: int) -> None:
            table[key] = number if table.get(key, number) == number else None

        for number, doc in enumerate(chapters, 1):
            meta = doc.meta
            addresses = [meta.source_url, meta.url, *meta.aliases, _permalink(doc)]
            for address in addresses:
                if not address:
                    continue
                if key := url_key(address):
                    index.urls.setdefault(key, number)
                    index.paths.setdefault((_host(address), path_key(urlsplit(address).path)), number)
                elif address.startswith("/"):
                    index.paths.setdefault(("", path_key(address)), number)
            for address in (meta.url, *meta.aliases):
                if last := _last_part(address):
                    unique(index.lasts, (_host(address), last), number)
            source = meta.source_path.partition("#")[0] if "#" in meta.source_path else meta.source_path
            if source and "#" not in meta.source_path:
                path = Path(source)
                index.files.setdefault(path.resolve(), number)
                stem = path.parent.name if path.stem == "index" else path.stem
                for name in (stem, f"{path.parent.name}/{path.stem}"):
                    unique(index.names, name.casefold(), number)
        return index

    def fingerprint(self) -> str:
        """A digest of everything the index maps: links resolve alike under equal ones."""
        tables = (sorted(self.urls.items()), sorted(self.paths.items()),
                  sorted((str(k), v) for k, v in self.files.items()), sorted(self.names.items()),
                  sorted(self.lasts.items()))
        return content_key(repr(tables))

    def by_address(self, url: str, doc: Document) -> int | None:
        """The chapter an absolute address or a site path names."""
        if key := url_key(url):
            if key in self.urls:
                return self.urls[key]
            host = _host(url)
            path = path_key(urlsplit(url).path)
            found = self.paths.get((host, path))
            if found is None and host and host in (_host(doc.meta.url), _host(doc.meta.source_url)):
                found = self.paths.get(("", path))  # a post known by its site path only
            return found
        if url.startswith("/"):
            return self.paths.get(("", path_key(url)))
        return None

    def by_file(self, url: str, doc: Document) -> int | None:
        """The chapter a link written as a file path names (relative to the post's file)."""
        if "#" in doc.meta.source_path or not doc.meta.source_path or url.startswith("/"):
            return None  # (a path from the site's root is an address, not a file)
        name = unquote(url.split("#")[0].split("?")[0]).strip()
        if not name:
            return None
        target = (Path(doc.meta.source_path).parent / name)
        if target.resolve() in self.files:
            return self.files[target.resolve()]
        for suffix in _POST_SUFFIXES:
            found = self.files.get((target.parent / (target.name + suffix)).resolve()) or \
                self.files.get((target / ("index" + suffix)).resolve())
            if found:
                return found
        # {% post_url 2018-06-10-hello %}, {{< ref "posts/hello" >}}: a file named by its stem.
        stem = name.rstrip("/")
        for suffix in _POST_SUFFIXES:
            stem = stem.removesuffix(suffix)
        parts = [p for p in stem.split("/") if p not in ("", ".", "..")]
        for key in ("/".join(parts[-2:]), parts[-1] if parts else ""):
            if key and self.names.get(key.casefold()):
                return self.names[key.casefold()]
        return None

    def by_last_part(self, url: str, doc: Document) -> int | None:
        """A post of the same site whose address ends the same way, when only the date
        folders before it differ and no other post shares that ending."""
        if not (url.startswith("/") or _host(url) in (_host(doc.meta.url), _host(doc.meta.source_url))):
            return None
        last = _last_part(url)
        if not last or _DATE_PART_RE.match(last):
            return None
        host = _host(url) if is_web_url(url) else _host(doc.meta.url)
        return self.lasts.get((host, last)) or self.lasts.get(("", last))


def _resolve(url: str, doc: Document, index: _Index | None, site_url: str) -> tuple[str, int | None, str]:
    """(the link's new URL, the chapter it names, a warning): '' as the URL means plain text."""
    if not url or url.startswith("#") or chapter_target(url) is not None:
        return url, None, ""
    scheme = SCHEME_RE.match(url)
    if scheme and not is_web_url(url):
        return url, None, ""  # mailto:, tel:, ftp:
    if is_web_url(url):
        if index is None:
            return url, None, ""
        found = index.by_address(url, doc)
        if found is None and (found := index.by_last_part(url, doc)):
            return url, found, f"link to {url} matched a chapter by the last part of its address"
        return url, found, ""
    # Relative: a file of the site, or an address relative to the post's own (or the site's).
    if index is not None and (found := index.by_file(url, doc) or index.by_address(url, doc)):
        return url, found, ""
    # A link from the site's root needs the site's address; one relative to the post, the
    # post's own.
    base = doc.meta.url or doc.meta.source_url or (site_url if url.startswith("/") else "")
    absolute = urljoin(base, url) if base else ""
    if index is not None and absolute:
        if found := index.by_address(absolute, doc):
            return absolute, found, ""
        if found := index.by_last_part(absolute, doc):
            return absolute, found, f"link to {url} matched a chapter by the last part of its address"
    if is_web_url(absolute):
        return absolute, None, ""
    why = ("it names no post of the book" if base else "the site's address is unknown (set site_url)"
           if url.startswith("/") else "the post's own address is unknown")
    return "", None, f"link to {url[:80]!r} cannot be resolved ({why}); kept as text"


@dataclasses.dataclass(frozen=True, slots=True)
class _Relinked:
    """One chapter with its links resolved, and what that depended on besides the chapter
    and the index: whether each target chapter had the fragment asked for."""

    doc: Document
    warnings: tuple[tuple[str, str], ...]  # (code, message), in the order they were met
    fragments: tuple[tuple[int, str, bool], ...]  # (chapter, fragment, found)


def _relink(doc: Document, index: _Index | None, site_url: str, ids_of) -> _Relinked:
    """``doc`` with every link resolved."""
    warnings: list[tuple[str, str]] = []
    fragments: list[tuple[int, str, bool]] = []

    def fix(node):
        if not isinstance(node, Link):
            return node
        url, number, warning = _resolve(node.url, doc, index, site_url)
        if warning:
            warnings.append(("link-unresolved" if not url else "link-guessed", warning))
        if not url:
            return Span(node.content)
        if number is None:
            return node if url == node.url else dataclasses.replace(node, url=url)
        fragment = node.url.partition("#")[2]
        found = fragment in ids_of(number)
        fragments.append((number, fragment, found))
        return dataclasses.replace(node, url=chapter_link(number, fragment if found else ""))

    blocks = tuple(map_tree(b, fix) for b in doc.blocks)
    unchanged = all(a is b for a, b in zip(blocks, doc.blocks))  # map_tree reuses untouched nodes
    return _Relinked(doc if unchanged else dataclasses.replace(doc, blocks=blocks), tuple(warnings),
                     tuple(fragments))


def _encode(relinked: _Relinked, doc: Document) -> bytes:
    return json.dumps({"doc": None if relinked.doc is doc else to_data(relinked.doc),
                       "warnings": relinked.warnings, "fragments": relinked.fragments},
                      ensure_ascii=False).encode("utf-8")


def _decode(data: bytes, doc: Document, ids_of) -> _Relinked | None:
    """The cached relinking of ``doc``, or None when it is of another shape or a target
    chapter's ids no longer give the fragments it found (or did not)."""
    try:
        entry = json.loads(data)
        fragments = tuple((int(n), str(f), bool(found)) for n, f, found in entry["fragments"])
        if any((f in ids_of(n)) != found for n, f, found in fragments):
            return None
        new = doc if entry["doc"] is None else from_data(entry["doc"])
        return _Relinked(new, tuple((str(c), str(m)) for c, m in entry["warnings"]), fragments)
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def link_chapters(book: Book, site_url: str = "", diag: Diagnostics | None = None,
                  store: CacheStore | None = None) -> Book:
    """``book`` with every link resolved (see the module docstring).

    With a ``store`` (the build cache), a chapter relinked before against the same index of
    the book's posts and the same ``site_url`` is taken from it: its key is the chapter's
    digest and the index's, and the entry says which fragments of which chapters it found,
    which are checked again (an edited target may have lost or gained the id)."""
    chapters = book.chapters
    index = _Index.of(chapters) if len(chapters) > 1 else None
    ids: dict[int, frozenset[str]] = {}

    def ids_of(number: int) -> frozenset[str]:
        if number not in ids:
            ids[number] = frozenset(collect_ids(chapters[number - 1]))
        return ids[number]

    context = content_key("links", code_fingerprint(), site_url, index.fingerprint() if index else "")

    def relink(doc: Document) -> Document:
        key = content_key(context, digests.digest(doc)) if store is not None else ""
        data = store.get(key) if store is not None else None
        relinked = _decode(data, doc, ids_of) if data is not None else None
        if relinked is None:
            relinked = _relink(doc, index, site_url, ids_of)
            if store is not None:
                store.put(key, _encode(relinked, doc))
        if diag is not None:
            for code, message in relinked.warnings:
                diag.warn(code, message, path=doc.meta.source_path)
        if relinked.doc is doc or not key:
            return relinked.doc
        # Named by the key and the fragments found: what the new document follows from.
        return digests.remember(relinked.doc, content_key(key, json.dumps(relinked.fragments)))

    parts = tuple(dataclasses.replace(part, chapters=tuple(relink(d) for d in part.chapters))
                  for part in book.parts)
    return dataclasses.replace(book, parts=parts)
