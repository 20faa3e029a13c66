"""Typed, frozen options for each stage, with documented defaults.

The CLI and the configuration file build these; stages receive only the part they need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FORMATS_DEFAULT = ("pdf", "epub", "docx")


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
class ResourceOptions:
    """Where resources (images) may come from.

    ``roots``: folders that local paths may resolve into (the input folders by default);
    nothing outside them is ever read.
    """

    roots: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class BookOptions:
    """How posts become books: one book for all posts, or one per post."""

    title: str = ""
    authors: tuple[str, ...] = ()
    lang: str = ""
    per_post: bool = False


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """What the writers produce.

    ``theme``: folder holding ``print.css``, ``epub.css`` and ``reference.docx``.
    """

    theme: Path = field(default_factory=lambda: Path(__file__).resolve().parent.parent / "styles" / "default")


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything a build needs. ``skip_transforms``: output typography steps switched off
    (names of ``converter.transforms.OUTPUT_STEPS``, e.g. 'cjk-spacing')."""

    output_dir: Path = Path("output")
    formats: tuple[str, ...] = FORMATS_DEFAULT
    read: ReadOptions = ReadOptions()
    resources: ResourceOptions = ResourceOptions()
    book: BookOptions = BookOptions()
    write: WriteOptions = WriteOptions()
    strict: bool = False
    skip_transforms: frozenset[str] = frozenset()
