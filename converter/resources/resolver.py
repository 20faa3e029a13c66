"""The one resource resolver: every image a post names becomes a resource, or a reason.

A post may name an image by a path relative to itself, a path from the site root, a
``data:`` URI or a remote URL. Local paths are read only inside the allowed roots
(``local.py``); remote URLs come from the cache or, when fetching is on, from the network
(``fetch.py``), all of a build's at once in parallel before anything is written. Every
image is sniffed (``images.py``), stored content-addressed in the cache and added to the
:class:`ResourceStore`; the variants the build's output formats need are made right away,
in the same worker threads. What cannot be had raises :class:`Unavailable`, which
:func:`resolve_images` turns into a warning naming the post and the reason, leaving the
image's ``src`` as it was so the writers draw a placeholder.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from itertools import chain, zip_longest
from pathlib import Path
from urllib.parse import urlsplit

from ..core import digests
from ..core.cachestore import content_key
from ..core.diagnostics import Diagnostics
from ..core.model import Document, Image
from ..core.options import ResourceOptions
from ..core.progress import Progress
from ..core.tree import iter_tree, map_tree
from .cache import Cache
from .fetch import Fetcher, split_url
from .images import TARGETS, Sniffed, Variants, resource_id, sniff
from .local import LocalFiles, decode_data_uri
from .once import OnceMap
from .store import Resource, ResourceStore, Unavailable, one_image_only

REMOTE_SCHEMES = ("http", "https")
# The note on a failure taken from the cache instead of tried again.
_REMEMBERED = "remembered from an earlier build; --retry-failed tries again"


@dataclass(frozen=True, slots=True)
class ImageRequest:
    """An image as one post names it: ``src``, the post's file, and the post's source URL
    (sent as the Referer: many image hosts refuse requests without one)."""

    src: str
    post_path: Path
    referer: str = ""


@dataclass(slots=True)
class ResolveStats:
    """What the resolver did: unique remote images ``fetched`` from the network, taken from
    the ``cached`` index, ``skipped`` (not fetched by choice: offline) or ``failed``; unique
    ``local`` and ``data:`` images; image occurrences left as ``placeholders``."""

    fetched: int = 0
    cached: int = 0
    skipped: int = 0
    failed: int = 0
    local: int = 0
    placeholders: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    @property
    def seen(self) -> bool:
        """Whether the build had any image at all."""
        return any((self.fetched, self.cached, self.skipped, self.failed, self.local, self.placeholders))

    def summary(self) -> str:
        skipped = f"{self.skipped} not fetched (offline), " if self.skipped else ""
        return (f"images: {self.fetched} fetched, {self.cached} from cache, {self.local} local, "
                f"{skipped}{self.failed} failed, {self.placeholders} placeholder(s)")


def remote_mode(options: ResourceOptions) -> str:
    """``fetch`` (cache, then network), ``cache`` (cache only: ``--offline``) or ``off``."""
    return "off" if not options.fetch_images else "cache" if options.offline else "fetch"


def _host_key(src: str) -> str:
    """``host:port`` of a remote ``src``; '' for anything else, malformed URLs included."""
    try:
        _scheme, host, port = split_url(src)
    except Unavailable:
        return ""
    return f"{host}:{port}"


def _by_host(requests: list[ImageRequest]) -> list[ImageRequest]:
    """Round-robin over hosts, so parallel workers are not all queued behind one host."""
    groups: dict[str, list[ImageRequest]] = defaultdict(list)
    for request in requests:
        groups[_host_key(request.src)].append(request)
    return [r for r in chain.from_iterable(zip_longest(*groups.values())) if r is not None]


class Resolver:
    """Resolves image references of posts into resources in ``store``.

    ``roots``: folders local paths may resolve into (the input folders). ``work_dir``: the
    cache folder when ``options.cache_dir`` is not set. ``targets``: the output formats of
    the build, whose image variants are made while resolving. ``progress``: told about
    :meth:`prefetch`. ``fetcher``: the downloader (tests may pass their own).
    """

    def __init__(self, roots: tuple[Path, ...], work_dir: Path, options: ResourceOptions = ResourceOptions(), *,
                 targets: tuple[str, ...] = (), progress: Progress | None = None,
                 fetcher: Fetcher | None = None, stats: ResolveStats | None = None) -> None:
        self.options = options
        self.local = LocalFiles(roots, options.site_roots)
        self.cache = Cache(options.cache_dir or work_dir, 0.0 if options.retry_failed else options.failure_ttl)
        self.store = ResourceStore(make_variant=Variants(options.images, self.cache))
        self.targets = tuple(t for t in dict.fromkeys(targets) if t in TARGETS)
        self.progress = progress
        self.fetcher = fetcher or Fetcher(options.fetch)
        self.stats = stats if stats is not None else ResolveStats()  # shared by a build's resolvers
        self._memo: OnceMap = OnceMap()
        self._problems: dict[str, dict[str, str]] = {}
        self._hosts_recorded: set[str] = set()
        self._lock = threading.Lock()

    def __enter__(self) -> Resolver:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.cache.close()

    # -- public
    def resolve(self, src: str, base_path: Path, referer: str = "") -> Resource:
        """Resolve ``src`` as named by the post at ``base_path``; raise :class:`Unavailable`.

        The same ``src`` (from the same folder, for relative paths) is resolved once.
        """
        def compute() -> Resource:
            with one_image_only("reading the image"):
                return self._resolve(src, base_path, referer)

        return self._memo.get(self._key(src, base_path), compute)

    def problems(self, key: str) -> list[tuple[str, str]]:
        """(target, reason) for each output format that cannot show resource ``key``."""
        with self._lock:
            return sorted(self._problems.get(key, {}).items())

    def prefetch(self, requests: Iterable[ImageRequest]) -> None:
        """Resolve every request in parallel (downloads a few at a time, a limit per host),
        so that :meth:`resolve` later answers at once. Failures are remembered, not raised."""
        chosen: dict[tuple[str, ...], ImageRequest] = {}
        for request in requests:
            key = self._key(request.src, request.post_path)
            if key not in chosen or (request.referer and not chosen[key].referer):
                chosen[key] = request  # an image many posts use is fetched once, with a Referer if any has one
        unique = list(chosen.values())
        if not unique:
            return
        if remote_mode(self.options) == "fetch":
            self.fetcher.warm(r.src for r in unique if self._needs_network(r.src))
        if self.progress is not None:
            self.progress.start("images", len(unique))
        try:
            with ThreadPoolExecutor(max_workers=max(1, self.options.fetch.parallel),
                                    thread_name_prefix="resolve") as pool:
                futures = [pool.submit(self._resolve_quietly, r) for r in _by_host(unique)]
                for future in as_completed(futures):
                    future.result()  # a bug surfaces here; Unavailable never arrives
                    if self.progress is not None:
                        self.progress.advance("images")
        finally:
            if self.progress is not None:
                self.progress.finish("images")

    # -- private
    @staticmethod
    def _key(src: str, base_path: Path) -> tuple[str, ...]:
        scheme = src.split(":", 1)[0].lower() if ":" in src else ""
        if scheme in REMOTE_SCHEMES or scheme == "data":
            return (src,)
        return (src, str(base_path.parent))

    def _resolve_quietly(self, request: ImageRequest) -> None:
        try:
            self.resolve(request.src, request.post_path, request.referer)
        except Unavailable:
            return  # remembered; resolve_images reports it once per post that uses it

    def _needs_network(self, url: str) -> bool:
        host_key = _host_key(url)
        return bool(host_key) and self.cache.url(url) is None and not self.cache.host_failure(host_key)

    def _resolve(self, src: str, post_path: Path, referer: str) -> Resource:
        if src.lower().startswith("data:"):
            resource = self._add(sniff(decode_data_uri(src), self.options.images.max_pixels), src)
            self.stats.count("local")
        else:
            try:
                parts = urlsplit(src)
            except ValueError as exc:
                raise Unavailable(f"malformed URL ({exc})") from exc
            scheme = parts.scheme.lower()
            if scheme in REMOTE_SCHEMES:
                resource = self._remote(src, referer)
            elif scheme and len(scheme) > 1:  # one letter: a Windows drive, read as a path
                raise Unavailable(f"'{scheme}:' URLs are not allowed")
            else:
                data, _real = self.local.read(parts.path, post_path)
                resource = self._add(sniff(data, self.options.images.max_pixels), src)
                self.stats.count("local")
        self._prepare(resource)
        return resource

    def _add(self, sniffed: Sniffed, src: str) -> Resource:
        digest, path = self.cache.put(sniffed.data, sniffed.ext)
        return self.store.add(Resource(resource_id(digest, sniffed.ext), path, sniffed.media_type,
                                       sniffed.width, sniffed.height, src))

    def _prepare(self, resource: Resource) -> None:
        for target in self.targets:
            try:
                self.store.variant(resource.id, target)
            except Unavailable as exc:
                with self._lock:
                    self._problems.setdefault(resource.id, {})[target] = str(exc)

    def _remote(self, url: str, referer: str) -> Resource:
        try:
            resource, how = self._remote_resource(url, referer)
        except Unavailable as exc:
            # Not fetching by choice (--offline, --no-fetch-images) is no failure.
            self.stats.count("skipped" if exc.kind == "offline" else "failed")
            raise
        self.stats.count(how)
        return resource

    def _remote_resource(self, url: str, referer: str) -> tuple[Resource, str]:
        """The resource for ``url`` and whether it was ``cached`` or ``fetched``."""
        mode = remote_mode(self.options)
        if mode == "off":
            raise Unavailable("remote images are not fetched (--no-fetch-images)", "offline")
        hit = self.cache.url(url)
        if hit is not None and hit.path is not None:
            return self.store.add(Resource(resource_id(hit.path.stem, hit.path.suffix[1:]), hit.path,
                                           hit.media_type, hit.width, hit.height, url)), "cached"
        if hit is not None:
            raise Unavailable(hit.reason, hit.kind, note=_REMEMBERED)
        if mode == "cache":
            raise Unavailable("offline, and not in the cache", "offline")
        host_key = _host_key(url)
        earlier = self.cache.host_failure(host_key)
        if earlier:
            raise Unavailable(earlier, "unreachable", note=_REMEMBERED)
        try:
            fetched = self.fetcher.fetch(url, referer)
            sniffed = self._sniff_download(fetched.data, fetched.headers.get("content-type", ""))
        except Unavailable as exc:
            if exc.host_level:
                self._remember_host_failure(host_key, str(exc))
            elif exc.kind != "refused":  # policy answers depend on options, not on the host
                self.cache.remember_failure(url, str(exc), exc.kind)
            raise
        resource = self._add(sniffed, url)
        self.cache.remember(url, resource.path.stem, sniffed.ext, sniffed.media_type,
                            (sniffed.width, sniffed.height), fetched.headers)
        return resource, "fetched"

    def _remember_host_failure(self, host_key: str, reason: str) -> None:
        with self._lock:  # every later URL of a dead host fails the same way: one row
            if host_key in self._hosts_recorded:
                return
            self._hosts_recorded.add(host_key)
        self.cache.remember_host_failure(host_key, reason)

    def _sniff_download(self, data: bytes, content_type: str) -> Sniffed:
        try:
            return sniff(data, self.options.images.max_pixels)
        except Unavailable as exc:
            if exc.kind == "not-image" and content_type:
                raise Unavailable(f"{exc} (served as {content_type.split(';')[0].strip()})", exc.kind) from exc
            raise


def _images(doc: Document) -> Iterator[Image]:
    # A walk, not map_tree: nothing is rebuilt, and every chapter of a book is walked.
    return (node for node in iter_tree(doc.blocks) if isinstance(node, Image))


def image_requests(docs: Iterable[Document]) -> Iterator[ImageRequest]:
    """Every image of ``docs`` as a request for :meth:`Resolver.prefetch`."""
    for doc in docs:
        post_path = Path(doc.meta.source_path or ".")
        for image in _images(doc):
            yield ImageRequest(image.src, post_path, doc.meta.source_url)


def resolve_images(doc: Document, resolver: Resolver, diag: Diagnostics) -> Document:
    """Point every image of ``doc`` at its resource id, or leave its ``src`` as it was (the
    writers then draw a placeholder) with a warning that says why. An image some output
    format cannot show is pointed at its resource, with a warning naming that format."""
    if next(_images(doc), None) is None:
        return doc  # (a walk that stops at the first image costs less than rebuilding the tree)
    post_path = Path(doc.meta.source_path or ".")
    changes: list[str] = []

    def fix(node):
        if not isinstance(node, Image):
            return node
        try:
            resource = resolver.resolve(node.src, post_path, doc.meta.source_url)
        except Unavailable as exc:
            diag.warn("image-unavailable", f"{node.src[:200]}: {exc}")
            resolver.stats.count("placeholders")
            resolver.store.refuse(node.src, exc.reason)
            return node
        for target, reason in resolver.problems(resource.id):
            diag.warn("image-unavailable", f"{node.src[:200]}: placeholder in {target.upper()}: {reason}")
        changes.append(f"{node.src}\n{resource.id}")
        return dataclasses.replace(node, src=resource.id)

    blocks = tuple(map_tree(b, fix) for b in doc.blocks)
    if not changes:
        return doc
    # The new document is the old one with these sources replaced, in this order: its digest
    # follows from theirs without hashing it again (the writers' cache keys).
    return digests.remember(dataclasses.replace(doc, blocks=blocks),
                            content_key("images", digests.digest(doc), *changes))
