"""Resources that need no network: files inside the allowed roots, and ``data:`` URIs.

A post may name a file relative to itself (``img/a.png``, also looked up in the post's asset
folder: ``_posts/hello/`` for ``_posts/hello.md``) or from the site root (``/images/a.png``). Either resolves only inside the allowed roots: the input folders, the
configured site roots, and the site a ``_posts``/``content`` folder belongs to (Jekyll,
Hugo). Symlinks are resolved before the check, so a link cannot lead out; anything but a
regular file (a device, a FIFO) is refused without being opened for reading.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import stat
from pathlib import Path
from urllib.parse import unquote

from .store import Unavailable

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_DATA_URI_BYTES = 10 * 1024 * 1024
# Hugo serves static/ at the site root, Hexo source/; Jekyll serves the site folder itself.
SERVED_AT_ROOT = ("static", "source")
SITE_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml", "hugo.toml", "hugo.yaml", "hugo.json",
                "config.toml", "config.yaml", "config.json")
POST_FOLDERS = ("_posts", "_drafts", "content", "source/_posts", "source/_drafts")
SITE_SEARCH_DEPTH = 3
_DATA_URI_RE = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?((?:;[\w-]+=[^;,]*)*)(;base64)?,(.*)$", re.S | re.I)
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _site_of(folder: Path) -> Path | None:
    """The Jekyll/Hugo/Hexo site folder that ``folder`` belongs to: a folder with a site
    configuration file of which ``folder`` is a post folder (``_posts``, ``_drafts``,
    ``content``, ``source/_posts``), or ``folder`` itself. Only these conventions widen the
    allowed roots."""
    for candidate in (folder, *folder.parents[:SITE_SEARCH_DEPTH]):
        if not any((candidate / name).is_file() for name in SITE_CONFIGS):
            continue
        posts = [candidate / name for name in POST_FOLDERS]
        if folder == candidate or any(folder == p or p in folder.parents for p in posts):
            return candidate
    return None


def site_roots(input_roots: tuple[Path, ...], explicit: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """Folders a root-relative path is looked up in, in order: the explicit site roots, then
    for each input folder its site (if it is inside one), the folder itself, and what is
    served at the root (``static/``)."""
    out: list[Path] = [p.resolve() for p in explicit]
    # Every post names its input folder: a book of a thousand posts gives the same root a
    # thousand times, and each would cost a walk up the folders.
    for root in dict.fromkeys(r.resolve() for r in input_roots):
        site = _site_of(root)
        for base in ((site,) if site is not None and site != root else ()) + (root,):
            out.append(base)
            out.extend(base / name for name in SERVED_AT_ROOT if (base / name).is_dir())
    return tuple(dict.fromkeys(out))


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or root in path.parents for root in roots)


class LocalFiles:
    """Reads files that posts name, confined to allowed roots.

    ``roots``: the input folders; ``explicit_site_roots``: configured site roots. Every
    folder in :func:`site_roots` is an allowed root too.
    """

    def __init__(self, roots: tuple[Path, ...], explicit_site_roots: tuple[Path, ...] = (),
                 max_bytes: int = MAX_FILE_BYTES) -> None:
        self.lookup_roots = site_roots(roots, explicit_site_roots)
        self.allowed = tuple(dict.fromkeys((*(r.resolve() for r in roots), *self.lookup_roots)))
        self.max_bytes = max_bytes

    def read(self, url_path: str, post_path: Path) -> tuple[bytes, Path]:
        """Bytes and real path of the file ``url_path`` (percent-encoded, as in a URL) names,
        relative to the post at ``post_path``; raises :class:`Unavailable`."""
        name = unquote(url_path)
        if not name:
            raise Unavailable("empty path", "missing")
        if "\x00" in name:
            raise Unavailable("path holds a NUL character")
        if name.startswith("/"):
            candidates = [root / name.lstrip("/") for root in self.lookup_roots]
        else:
            # Beside the post, else in its asset folder (Hexo's post_asset_folder, Typora:
            # _posts/hello.md keeps its images in _posts/hello/).
            candidates = [post_path.parent / name, post_path.with_suffix("") / name]
        for candidate in candidates:
            try:
                real = candidate.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if not _inside(real, self.allowed):
                raise Unavailable("path is outside the allowed folders")
            return self._read(real), real
        where = "the site roots" if name.startswith("/") else "the post's folder"
        raise Unavailable(f"file not found (looked in {where})", "missing")

    def _read(self, real: Path) -> bytes:
        try:
            # A device may act on being opened (a tape rewinds): check before opening, and
            # again on the descriptor in case the path was swapped in between.
            if not stat.S_ISREG(os.stat(real).st_mode):
                raise Unavailable("not a regular file")
            fd = os.open(real, _OPEN_FLAGS)
        except OSError as exc:
            raise Unavailable(f"cannot open: {exc.strerror}", "missing") from exc
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise Unavailable("not a regular file")
            if info.st_size > self.max_bytes:
                raise Unavailable(f"file is larger than {self.max_bytes // 1024 // 1024} MB", "too-large")
            data = handle.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise Unavailable(f"file is larger than {self.max_bytes // 1024 // 1024} MB", "too-large")
        return data


def decode_data_uri(src: str, max_bytes: int = MAX_DATA_URI_BYTES) -> bytes:
    """The payload of a ``data:`` URI, at most ``max_bytes``; raises :class:`Unavailable`."""
    match = _DATA_URI_RE.match(src)
    if not match:
        raise Unavailable("malformed data: URI", "not-image")
    payload = match.group(4)
    # Checked before decoding: base64 is 4 characters for 3 bytes, percent-encoding 3 for 1.
    if len(payload) > max_bytes * 4 // 3 + 4 if match.group(3) else len(payload) > max_bytes * 3:
        raise Unavailable("data: URI is too large", "too-large")
    try:
        data = base64.b64decode(payload, validate=False) if match.group(3) else unquote(payload).encode("latin-1")
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise Unavailable("data: URI does not decode", "not-image") from exc
    if len(data) > max_bytes:
        raise Unavailable("data: URI is too large", "too-large")
    return data
