"""Find posts: files, folders (recursive), glob patterns, and files or URLs that hold many.

A folder inside (or at the root of) a Jekyll, Hugo or Hexo site is walked the way its
generator reads it: at a site's root only its post folders (``_posts``, ``content``,
``source/_posts``...); a Hugo leaf bundle (a folder with ``index.md``) is one post whose
other files are its resources; a Hexo post's asset folder (``_posts/hello/`` beside
``_posts/hello.md``) holds no posts; ``_index.md`` is section metadata, not a post. A
WordPress export or an RSS/Atom feed named as a file or a URL becomes one
:class:`Discovered` per post in it (``items.py``), each carrying its own bytes, so that
reading it is a function of them.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ConverterError, SourceError
from ..core.urls import is_web_url
from .site import Site, find_site

POST_SUFFIXES = (".md", ".markdown", ".html", ".htm")
# Files of many posts (WordPress exports, feeds): read when named, never picked from a folder
# (a site's own feed.xml and sitemap.xml repeat its posts).
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")
# Nothing on this machine belongs to a post from the network: its local root is this device,
# in which no file can be found.
REMOTE_ROOT = Path(os.devnull)

Fetch = Callable[[str], tuple[str, bytes]]
"""Downloads a URL: (the final URL after redirects, the body); raises ConverterError."""


@dataclass(frozen=True, slots=True)
class Discovered:
    """A post to read: its file and the root it was found under (the folder given on the
    command line, or the post's own folder for a file: local resources may resolve inside
    that root), and the site it belongs to.

    A post held in a file of many (an export, a feed) also has ``item``, its stable id in
    that file (``post-41``), and ``payload``, its own bytes (what ``items.py`` made of it);
    ``origin`` is the URL when the file came from the network. Reading a post depends on
    these fields, its file's bytes (``payload`` for an item) and the read options only.
    """

    path: Path
    root: Path
    site: Site | None = None
    item: str = ""
    payload: bytes = b""
    origin: str = ""

    @property
    def name(self) -> str:
        """How messages name the post: the file, or ``file#item``."""
        where = self.origin or str(self.path)
        return f"{where}#{self.item}" if self.item else where


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _posts_in(folder: Path, site: Site | None) -> list[Path]:
    """The post files under ``folder`` by the rules of the module docstring."""
    roots = [folder]
    if site is not None and site.root is not None and site.root == folder.resolve() and site.post_folders():
        roots = list(site.post_folders())
    files = sorted(dict.fromkeys(
        p for r in roots for p in r.rglob("*")
        if p.suffix.lower() in POST_SUFFIXES and p.is_file() and not _is_hidden(p, r)
        and p.stem != "_index"))
    generator = site.generator if site is not None else ""
    if generator == "hugo":
        bundles = {p.parent for p in files if p.stem == "index"}

        def in_bundle(p: Path) -> bool:
            own = p.parent if p.stem == "index" else None
            return any(b in p.parents and b != own for b in bundles)

        files = [p for p in files if not in_bundle(p)]
    if generator == "hexo" and site is not None and site.post_asset_folder:
        assets = {p.with_suffix("") for p in files}
        files = [p for p in files if not any(a in p.parents for a in assets)]
    return files


def discover(inputs: list[str] | tuple[str, ...], fetch: Fetch | None = None) -> tuple[list[Discovered], list[ConverterError]]:
    """Expand inputs into posts, in a stable order, without duplicates.

    A file is taken whatever its suffix (an export or a feed gives its posts); a folder
    contributes its ``.md``, ``.markdown``, ``.html`` and ``.htm`` files (hidden folders
    skipped; sites walked as their generator does); an ``http(s)`` URL is a feed read
    through ``fetch`` (None: the network is off); anything else is tried as a glob pattern.
    Inputs that match nothing, and sources that cannot be read, are returned as errors, not
    raised, so the rest of the batch still builds.
    """
    from .items import expand, is_feed_file  # noqa: PLC0415 - items imports this module

    found: list[Discovered] = []
    errors: list[ConverterError] = []
    seen: set[object] = set()
    sites: dict[Path, Site | None] = {}

    def add(path: Path, root: Path) -> None:
        key = path.resolve()
        if key in seen:
            return
        seen.add(key)
        site = find_site(path.parent, sites)
        if site is not None and site.problem and site.root not in seen:
            seen.add(site.root)
            errors.append(SourceError(site.problem + "; its posts are read without it", path=site.root))
        found.append(Discovered(path, root, site))

    def add_items(data: bytes, path: Path, root: Path, origin: str = "") -> None:
        key = origin or path.resolve()
        if key in seen:
            return
        seen.add(key)
        try:
            found.extend(expand(data, path, root, origin))
        except ConverterError as exc:
            errors.append(exc)

    for item in inputs:
        if is_web_url(item):
            if fetch is None:
                errors.append(SourceError("not read: the network is off (--offline)", path=item,
                                          hint="download the feed and name the file instead"))
                continue
            try:
                final, data = fetch(item)
            except ConverterError as exc:
                exc.path = exc.path or item
                errors.append(exc)
                continue
            add_items(data, Path(final.rsplit("/", 1)[-1] or "feed.xml"), REMOTE_ROOT, final)
            continue
        path = Path(item)
        if path.is_dir():
            files = _posts_in(path, find_site(path, sites))
            if not files:
                errors.append(SourceError("folder holds no .md, .markdown or .html posts", path=path))
            for f in files:
                add(f, path)
        elif path.is_file():
            if is_feed_file(path):
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    errors.append(SourceError(f"cannot read file: {exc.strerror or exc}", path=path))
                    continue
                add_items(data, path, path.parent)
            else:
                add(path, path.parent)
        elif path.exists():
            errors.append(SourceError("not a regular file or folder", path=path))
        else:
            matches = sorted(glob.glob(item, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                errors.append(SourceError("no such file, folder or matching pattern", path=path))
            for f in files:
                add(f, f.parent)
    return found, errors
