"""Typed, frozen options for each stage, with documented defaults.

The CLI and the configuration file build these; stages receive only the part they need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import UsageError

FORMATS_DEFAULT = ("pdf", "epub", "docx")
GROUPS = ("none", "year", "month", "category", "tag", "author")
ORDERS = ("date", "-date", "title", "input")
# Split by a key (one book per year...), or into volumes of at most N posts / N bytes of text.
SPLIT_KEYS = ("none", "year", "month", "category", "tag", "author")
PAGE_SIZES = ("A4", "A5", "B5", "Letter", "6x9in")
STYLES_DIR = Path(__file__).resolve().parent.parent / "styles"


@dataclass(frozen=True, slots=True)
class CleanupOptions:
    """The cleanup stage's rules (see ``converter/cleanup/rules.py``).

    ``disabled``: rule names switched off. ``extra``: more selector rules as
    (name, CSS selector, action) with action 'remove', 'unwrap' or 'keep-images'.
    ``site_names``: names stripped from the end of titles (" - Site Name"), besides the
    name derived from the post's source host.
    """

    disabled: frozenset[str] = frozenset()
    extra: tuple[tuple[str, str, str], ...] = ()
    site_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How posts are read and normalized.

    ``drafts``: include posts marked as drafts (``draft: true`` or ``published: false``).
    ``lang``: language tag used when a post names none and detection is inconclusive.
    ``convert``: OpenCC conversion of Chinese text ('s2t', 's2tw', 's2twp', 's2hk', 't2s',
    'tw2sp'; '' for none). ``quotes``: quotation marks of Chinese text, 'corner' (「」) or
    'curly' (“”), '' to keep them.
    """

    drafts: bool = False
    lang: str = ""
    cleanup: CleanupOptions = CleanupOptions()
    convert: str = ""
    quotes: str = ""


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How remote images are downloaded (see ``resources/fetch.py``).

    ``connect_timeout``: seconds for the DNS lookup and for the TCP/TLS connection.
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
    timeout: float = 20.0
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 0.5
    parallel: int = 8
    per_host: int = 2
    allow_hosts: tuple[str, ...] = ()
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

    max_side: int = 1600
    quality: int = 85
    grayscale: bool = False
    keep_webp: bool = False
    max_pixels: int = 80_000_000


REMOTE_MODES = ("fetch", "cache", "off")


@dataclass(frozen=True, slots=True)
class ResourceOptions:
    """Where resources (images) may come from, and what is done with them.

    Local paths may resolve only into the input folders and ``site_roots``; nothing outside
    them is ever read.
    ``site_roots``: folders that root-relative paths (``/images/a.png``) resolve against,
    before the input folders and their ``static/`` folders; they are allowed roots too.
    ``remote``: ``fetch`` (cache, then network), ``cache`` (cache only: ``--offline``) or
    ``off`` (remote images are placeholders).
    ``cache_dir``: the download and image cache; ``None``: ``.converter-cache`` beside the
    output folder.
    ``failure_ttl``: seconds a failed download (or an unreachable host) is remembered and
    not tried again.
    """

    site_roots: tuple[Path, ...] = ()
    remote: str = "fetch"
    cache_dir: Path | None = None
    failure_ttl: float = 6 * 3600.0
    fetch: FetchOptions = FetchOptions()
    images: ImageOptions = ImageOptions()

    def __post_init__(self) -> None:
        if self.remote not in REMOTE_MODES:
            raise UsageError(f"remote must be one of {', '.join(REMOTE_MODES)}, not {self.remote!r}")


@dataclass(frozen=True, slots=True)
class Filters:
    """Which posts go into a book; an empty field does not filter.

    ``since``/``until``: ISO dates, inclusive (undated posts are left out when either is set).
    ``tags``/``categories``: a post needs at least one of them. ``langs``: BCP 47 ranges
    (``zh`` matches ``zh-Hans`` and ``zh-Hant``; RFC 4647 basic filtering).
    """

    since: str = ""
    until: str = ""
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Split:
    """How posts are divided into books (volumes).

    ``by``: one of :data:`SPLIT_KEYS` (a book per year, month, category...), or ``count``
    (at most ``limit`` posts per volume) or ``size`` (at most ``limit`` bytes of UTF-8 text
    per volume; images are not counted).
    """

    by: str = "none"
    limit: int = 0


@dataclass(frozen=True, slots=True)
class BookOptions:
    """How posts become books.

    ``group``: parts by :data:`GROUPS`; ``order``: chapter order (:data:`ORDERS`; ``input`` is
    the order the inputs were given in). ``cover``: ``auto`` (generated for books of several
    posts), ``generate``, ``none``, or the path of an image. ``per_post``: one book per post.
    """

    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    lang: str = ""
    publisher: str = ""
    rights: str = ""
    description: str = ""
    per_post: bool = False
    group: str = "none"
    order: str = "date"
    split: Split = Split()
    filters: Filters = Filters()
    cover: str = "auto"


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """What the writers produce.

    ``theme``: folder holding ``common.css``, ``print.css``, ``epub.css``, ``reference.docx``
    and optionally ``theme.toml`` (files it lacks come from the default theme).
    ``page_size``: one of :data:`PAGE_SIZES` (PDF). ``print_mode``: PDF for printing: binding
    margins, chapters on right-hand pages, link URLs as footnotes. ``embed_fonts``: EPUB
    font subsets (None: for books in Chinese, Japanese or Korean). ``vertical``: EPUB in
    vertical writing with a right-to-left spine (Traditional Chinese and Japanese books).
    ``cache_dir``: where font subsets are kept between builds (None: not kept).
    """

    theme: Path = field(default_factory=lambda: STYLES_DIR / "default")
    page_size: str = "A5"
    print_mode: bool = False
    embed_fonts: bool | None = None
    vertical: bool = False
    cache_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything a build needs.

    ``output_name``: file name (without extension) of the book; ``{title}`` and ``{volume}``
    are replaced; empty means the book's title. ``skip_transforms``: output typography steps
    switched off (names of ``converter.transforms.OUTPUT_STEPS``, e.g. 'cjk-spacing').
    """

    output_dir: Path = Path("output")
    formats: tuple[str, ...] = FORMATS_DEFAULT
    read: ReadOptions = ReadOptions()
    resources: ResourceOptions = ResourceOptions()
    book: BookOptions = BookOptions()
    write: WriteOptions = WriteOptions()
    skip_transforms: frozenset[str] = frozenset()
    output_name: str = ""
