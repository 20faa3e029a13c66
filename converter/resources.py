"""The one resource resolver: the only code that reads images named by posts.

A post may name an image by a path relative to itself, a path from the site root, a
``data:`` URI or a remote URL. Local paths resolve only inside the allowed roots (the input
folders and any configured site roots): no ``..`` escapes, no symlinks out, no ``file:``
URLs, no device files. Remote URLs are not fetched (this build has no fetcher yet), so they
become placeholders with a warning. Every resolved file is sniffed with Pillow: what is not
really an image is refused. Writers get only :class:`Resource` objects from a
:class:`ResourceStore`; an image whose ``src`` is not in the store is drawn as a placeholder.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import io
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from .diagnostics import Diagnostics
from .model import Document, Image
from .transforms.walk import map_tree

MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_DATA_URI_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 80_000_000

_MEDIA_TYPES = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
_DATA_URI_RE = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?((?:;[\w-]+=[^;,]*)*)(;base64)?,(.*)$", re.S | re.I)


@dataclass(frozen=True, slots=True)
class Resource:
    """A resolved image: a local file the writers may embed.

    ``id`` is content-addressed (``img-<sha256 prefix>.<ext>``), so an image used by many
    posts is one resource.
    """

    id: str
    path: Path
    media_type: str
    width: int
    height: int


@dataclass(slots=True)
class ResourceStore:
    """Resources of one build, by id."""

    items: dict[str, Resource] = field(default_factory=dict)

    def add(self, resource: Resource) -> None:
        self.items.setdefault(resource.id, resource)

    def get(self, key: str) -> Resource | None:
        return self.items.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.items

    def __iter__(self):
        return iter(self.items.values())


class Unavailable(Exception):
    """An image that cannot be had; the message is the reason shown to the user."""


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or root in path.parents for root in roots)


class Resolver:
    """Resolves image references of posts into resources in ``store``.

    ``roots``: folders local paths may resolve into. ``work_dir``: where decoded ``data:``
    images are written for the renderers.
    """

    def __init__(self, roots: tuple[Path, ...], work_dir: Path) -> None:
        self.roots = tuple(dict.fromkeys(r.resolve() for r in roots))
        self.work_dir = work_dir
        self.store = ResourceStore()
        self._memo: dict[tuple[str, str], str] = {}

    # -- public
    def resolve(self, src: str, post_path: Path) -> Resource:
        """Resolve ``src`` as named by the post at ``post_path``; raise :class:`Unavailable`."""
        key = (src, str(post_path.parent))
        if key in self._memo:
            found = self.store.get(self._memo[key])
            if found is not None:
                return found
        resource = self._resolve(src, post_path)
        self.store.add(resource)
        self._memo[key] = resource.id
        return resource

    # -- private
    def _resolve(self, src: str, post_path: Path) -> Resource:
        if src.lower().startswith("data:"):
            return self._data_uri(src)
        parts = urlsplit(src)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            raise Unavailable("remote images are not fetched in this build")
        if scheme and len(scheme) > 1:
            raise Unavailable(f"'{scheme}:' URLs are not allowed")
        return self._local(unquote(parts.path), post_path)

    def _local(self, name: str, post_path: Path) -> Resource:
        if not name:
            raise Unavailable("empty path")
        if name.startswith("/"):
            candidates = [root / name.lstrip("/") for root in self.roots]
        else:
            candidates = [post_path.parent / name]
        for candidate in candidates:
            try:
                real = candidate.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if not _inside(real, self.roots):
                raise Unavailable("path is outside the allowed folders")
            try:
                info = real.stat()
            except OSError as exc:
                raise Unavailable(f"cannot read: {exc.strerror}") from exc
            if not stat.S_ISREG(info.st_mode):
                raise Unavailable("not a regular file")
            if info.st_size > MAX_IMAGE_BYTES:
                raise Unavailable(f"file is larger than {MAX_IMAGE_BYTES // 1024 // 1024} MB")
            return self._sniffed(real.read_bytes(), real)
        raise Unavailable("file not found")

    def _data_uri(self, src: str) -> Resource:
        match = _DATA_URI_RE.match(src)
        if not match:
            raise Unavailable("malformed data: URI")
        payload = match.group(4)
        if len(payload) > MAX_DATA_URI_BYTES * 4 // 3 + 4:
            raise Unavailable("data: URI is too large")
        try:
            data = base64.b64decode(payload, validate=False) if match.group(3) else unquote(payload).encode("latin-1")
        except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
            raise Unavailable("data: URI does not decode") from exc
        return self._sniffed(data, None)

    def _sniffed(self, data: bytes, path: Path | None) -> Resource:
        PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", PILImage.DecompressionBombWarning)
                with PILImage.open(io.BytesIO(data)) as im:
                    fmt = im.format or ""
                    width, height = im.size
        except (UnidentifiedImageError, PILImage.DecompressionBombError,
                PILImage.DecompressionBombWarning) as exc:
            raise Unavailable("not an image, or too many pixels") from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise Unavailable(f"unreadable image: {exc}") from exc
        if fmt not in _MEDIA_TYPES:
            raise Unavailable(f"image format {fmt or 'unknown'} is not supported")
        media_type, ext = _MEDIA_TYPES[fmt]
        digest = hashlib.sha256(data).hexdigest()[:20]
        rid = f"img-{digest}.{ext}"
        if path is None:
            self.work_dir.mkdir(parents=True, exist_ok=True)
            path = self.work_dir / rid
            if not path.exists():
                tmp = path.with_suffix(".part")
                tmp.write_bytes(data)
                os.replace(tmp, path)
        return Resource(rid, path, media_type, width, height)


def resolve_images(doc: Document, resolver: Resolver, diag: Diagnostics) -> Document:
    """Point every image of ``doc`` at its resource id, or leave its ``src`` as it was (the
    writers then draw a placeholder) with a warning that says why."""
    post_path = Path(doc.meta.source_path or ".")

    def fix(node):
        if not isinstance(node, Image):
            return node
        try:
            resource = resolver.resolve(node.src, post_path)
        except Unavailable as exc:
            diag.warn("image-unavailable", f"{node.src[:200]}: {exc}")
            return node
        return dataclasses.replace(node, src=resource.id)

    return dataclasses.replace(doc, blocks=tuple(map_tree(b, fix) for b in doc.blocks))

