"""Typed, frozen options for each stage, with documented defaults.

The defaults of the settings come from the settings table (``settings.py``): each field
that a setting sets reads its default there, so a default is written once. The other
fields are limits and internal choices with their defaults here. The CLI and the
configuration file build these through ``converter.config``; stages receive only the part
they need.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from .settings import default
from .values import SPLIT_KEYS, STYLES_DIR, Split

__all__ = ["SPLIT_KEYS", "STYLES_DIR", "Split", "CleanupOptions", "ReadOptions", "FetchOptions", "ImageOptions",
           "ResourceOptions", "Filters", "BookOptions", "WriteOptions", "BuildOptions"]


@dataclass(frozen=True, slots=True)
class CleanupOptions:
    """The cleanup stage's rules (see ``converter/cleanup/rules.py``).

    ``disabled``: rule names switched off. ``remove``, ``unwrap``, ``keep_images``: CSS
    selectors of more elements to drop, to unwrap, or to strip to their images. ``site_names``: names stripped from the end of titles
    (" - Site Name"), besides the name derived from the post's source host.
    """

    disabled: frozenset[str] = default("cleanup_disable")
    remove: tuple[str, ...] = default("cleanup_remove")
    unwrap: tuple[str, ...] = default("cleanup_unwrap")
    keep_images: tuple[str, ...] = default("cleanup_keep_images")
    site_names: tuple[str, ...] = default("cleanup_site_names")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How posts are read and normalized.

    ``drafts``: include posts marked as drafts (``draft: true`` or ``published: false``).
    ``lang``: language tag used when a post names none and detection is inconclusive.
    ``convert``: OpenCC conversion of Chinese text ('s2t', 's2tw', 's2twp', 's2hk', 't2s',
    'tw2sp'; '' for none). ``quotes``: quotation marks of Chinese text, 'corner' (「」) or
    'curly' (“”), '' to keep them. ``time_limit``: seconds reading one post may take (0: no
    limit). ``memory_limit``: megabytes a process reading posts may grow by (0: no limit).
    ``site_url``: the address of the site the posts belong to (over its generator's
    configuration): posts' addresses are computed under it. ``timezone``: the zone of dates
    written without one (over the site's configuration; '' for none). ``private``: read
    private and password-protected posts of a WordPress export. ``wordpress_types``: the
    post types of a WordPress export that are read.
    """

    drafts: bool = default("drafts")
    lang: str = default("lang")
    cleanup: CleanupOptions = CleanupOptions()
    convert: str = default("convert")
    quotes: str = default("quotes")
    time_limit: float = default("post_timeout")
    memory_limit: int = default("worker_memory")
    site_url: str = default("site_url")
    timezone: str = default("timezone")
    private: bool = default("private")
    wordpress_types: tuple[str, ...] = default("wordpress_types")


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How remote images are downloaded (see ``resources/fetch.py``).

    ``connect_timeout``: seconds for the DNS lookup and for the TCP/TLS connection (at most
    ``timeout``).
    ``timeout``: seconds for a whole download, from the request to the last byte.
    ``max_bytes``: largest download; a longer body is cut off and refused.
    ``max_redirects``: redirects followed before giving up.
    ``retries``: extra attempts after an HTTP 5xx answer, waiting ``backoff`` × 2^n seconds.
    ``parallel``: downloads at the same time; ``per_host``: of those, to one host.
    ``allow_hosts``: ``host`` or ``host:port`` entries that may be fetched although they are
    loopback or private addresses (refused otherwise, also as redirect targets).
    ``user_agent``: the User-Agent header sent.
    """

    connect_timeout: float = 5.0
    timeout: float = default("fetch_timeout")
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 0.5
    parallel: int = 8
    per_host: int = 2
    allow_hosts: tuple[str, ...] = default("allow_hosts")
    user_agent: str = f"Mozilla/5.0 (compatible; converter/{__version__})"


@dataclass(frozen=True, slots=True)
class ImageOptions:
    """How images are prepared for each output (see ``resources/images.py``).

    ``max_side``: images longer than this many pixels on their long side are scaled down.
    ``quality``: JPEG quality (1–95) of re-encoded images.
    ``grayscale``: convert every image to grayscale (for e-ink readers).
    ``keep_webp``: leave WebP images as they are in EPUB (EPUB 3.3 readers); otherwise they
    become JPEG or PNG there as everywhere else.
    ``max_pixels``: images with more pixels are refused unread (decompression bombs).
    """

    max_side: int = default("max_image_px")
    quality: int = default("image_quality")
    grayscale: bool = default("grayscale")
    keep_webp: bool = default("keep_webp")
    max_pixels: int = 80_000_000


@dataclass(frozen=True, slots=True)
class ResourceOptions:
    """Where resources (images) may come from, and what is done with them.

    Local paths may resolve only into the input folders and ``site_roots``; nothing outside
    them is ever read.
    ``site_roots``: folders that root-relative paths (``/images/a.png``) resolve against,
    before the input folders and their ``static/`` folders; they are allowed roots too.
    ``fetch_images``: download remote images (else they are placeholders); ``offline``: take
    them from the cache only.
    ``cache_dir``: the download and image cache; ``None``: ``.converter-cache`` beside the
    output folder.
    ``failure_ttl``: seconds a failed download (or an unreachable host) is remembered and
    not tried again; ``retry_failed`` forgets them.
    """

    site_roots: tuple[Path, ...] = default("site_roots")
    fetch_images: bool = default("fetch_images")
    offline: bool = default("offline")
    cache_dir: Path | None = default("cache_dir")
    retry_failed: bool = default("retry_failed")
    failure_ttl: float = 6 * 3600.0
    fetch: FetchOptions = FetchOptions()
    images: ImageOptions = ImageOptions()


@dataclass(frozen=True, slots=True)
class Filters:
    """Which posts go into a book; an empty field does not filter.

    ``since``/``until``: ISO dates, inclusive (undated posts are left out when either is set).
    ``tags``/``categories``: a post needs at least one of them (a category matches the
    categories below it: ``Linux`` matches ``Linux / Kernel``). ``langs``: BCP 47 ranges
    (``zh`` matches ``zh-Hans`` and ``zh-Hant``; RFC 4647 basic filtering). ``expired``:
    keep posts their site no longer publishes (past their ``expires`` date).
    """

    since: str = default("filter_since")
    until: str = default("filter_until")
    tags: tuple[str, ...] = default("filter_tags")
    categories: tuple[str, ...] = default("filter_categories")
    langs: tuple[str, ...] = default("filter_lang")
    expired: bool = default("expired")


@dataclass(frozen=True, slots=True)
class BookOptions:
    """How posts become books.

    ``group``: parts by :data:`GROUPS`; ``order``: chapter order (:data:`ORDERS`; ``input`` is
    the order the inputs were given in). ``cover``: ``auto`` (generated for books of several
    posts), ``generate``, ``none``, or the path of an image. ``per_post``: one book per post.
    ``site_url``: the address relative links of posts without an address of their own
    resolve against.
    """

    title: str = default("title")
    subtitle: str = default("subtitle")
    authors: tuple[str, ...] = default("authors")
    lang: str = default("lang")
    publisher: str = default("publisher")
    rights: str = default("rights")
    description: str = default("description")
    per_post: bool = default("per_post")
    group: str = default("group")
    order: str = default("order")
    split: Split = default("split")
    filters: Filters = Filters()
    cover: str = default("cover")
    site_url: str = default("site_url")


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """What the writers produce.

    ``theme``: folder holding ``common.css``, ``print.css``, ``epub.css``, ``reference.docx``
    and optionally ``theme.toml`` (files it lacks come from the default theme).
    ``page_size``: one of :data:`PAGE_SIZES` (PDF). ``print_mode``: PDF for printing: binding
    margins, chapters on right-hand pages, link URLs as footnotes. ``embed_fonts``: EPUB
    font subsets (None: for books in Chinese, Japanese or Korean). ``vertical``: EPUB in
    vertical writing with a right-to-left spine (Traditional Chinese and Japanese books).
    ``cjk_spacing``: the quarter-em space between CJK and Latin text (the ``cjk-spacing``
    output step) in the formats that ask for it.
    ``pdf_tags``: a tagged PDF (structure tree, artifacts, languages; ``writers/pdf_tags.py``).
    ``keep_html``: a folder where the PDF writer also writes the HTML and CSS it lays out.
    ``cache_dir``: where font subsets are kept between builds (None: not kept).
    """

    theme: Path = default("theme")
    page_size: str = default("page_size")
    print_mode: bool = default("print")
    embed_fonts: bool | None = default("embed_fonts")
    vertical: bool = default("vertical")
    pdf_tags: bool = default("pdf_tags")
    cjk_spacing: bool = default("cjk_spacing")
    keep_html: Path | None = default("keep_html")
    cache_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything a build needs.

    ``output_name``: file name (without extension) of the book; ``{title}`` and ``{volume}``
    are replaced; empty means the book's title. ``build_cache``: reuse (and keep) read
    posts and laid-out parts in the cache folder.
    """

    output_dir: Path = default("output_dir")
    formats: tuple[str, ...] = default("formats")
    read: ReadOptions = ReadOptions()
    resources: ResourceOptions = ResourceOptions()
    book: BookOptions = BookOptions()
    write: WriteOptions = WriteOptions()
    output_name: str = default("output")
    build_cache: bool = default("build_cache")
