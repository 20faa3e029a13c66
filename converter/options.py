"""Typed, frozen options for each stage, with documented defaults.

The CLI and the configuration file build these; stages receive only the part they need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FORMATS_DEFAULT = ("pdf", "epub", "docx")
GROUPS = ("none", "year", "month", "category", "tag", "author")
ORDERS = ("date", "-date", "title", "input")
# Split by a key (one book per year...), or into volumes of at most N posts / N bytes of text.
SPLIT_KEYS = ("none", "year", "month", "category", "tag", "author")
PAGE_SIZES = ("A4", "A5", "B5", "Letter", "6x9in")
STYLES_DIR = Path(__file__).resolve().parent.parent / "styles"


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How posts are read and normalized.

    ``drafts``: include posts marked as drafts (``draft: true`` or ``published: false``).
    ``lang``: language tag used when a post names none and detection is inconclusive.
    """

    drafts: bool = False
    lang: str = ""


@dataclass(frozen=True, slots=True)
class ResourceOptions:
    """Where resources (images) may come from.

    ``roots``: folders that local paths may resolve into (the input folders by default);
    nothing outside them is ever read.
    """

    roots: tuple[Path, ...] = ()


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
    margins, chapters on right-hand pages, link URLs as footnotes.
    """

    theme: Path = field(default_factory=lambda: STYLES_DIR / "default")
    page_size: str = "A5"
    print_mode: bool = False


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything a build needs.

    ``output_name``: file name (without extension) of the book; ``{title}`` and ``{volume}``
    are replaced; empty means the book's title.
    """

    output_dir: Path = Path("output")
    formats: tuple[str, ...] = FORMATS_DEFAULT
    read: ReadOptions = ReadOptions()
    resources: ResourceOptions = ResourceOptions()
    book: BookOptions = BookOptions()
    write: WriteOptions = WriteOptions()
    strict: bool = False
    output_name: str = ""
