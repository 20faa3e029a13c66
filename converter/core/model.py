"""The intermediate document model: frozen dataclasses that readers build and writers consume.

This module is the hub of the package and imports nothing from it (the same rule as
pandoc-types' ``Definition.hs``). Every node is immutable and hashable-by-value, and the whole
tree serializes to JSON and back without loss (``to_json`` / ``from_json``), which `converter
inspect`, the document cache and the golden tests rely on.

Shape (see docs/architecture.md):

* ``Document(meta, blocks)`` is one post; ``Book(meta, parts)`` is what writers render, a
  ``Part`` being an optionally titled group of chapters (documents).
* Blocks: Paragraph, Heading, BlockQuote, BulletList, OrderedList, CodeBlock, Figure, Table,
  ThematicBreak, Embed, Div.
* Inlines: Text, Emph, Strong, Strike, Superscript, Subscript, Code, Link, Image, LineBreak,
  Note, Span, Ruby.
* One ``Attrs(id, classes, lang)`` where a node needs an identity, a class or a language.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Union

__all__ = [
    "Attrs", "Text", "Emph", "Strong", "Strike", "Superscript", "Subscript", "Code", "Link",
    "Image", "LineBreak", "Note", "Span", "Ruby", "Inline", "Paragraph", "Heading", "BlockQuote",
    "BulletList", "OrderedList", "CodeBlock", "Figure", "TableCell", "TableRow", "Table",
    "ThematicBreak", "Embed", "Div", "Block", "Meta", "Document", "BookMeta", "Part", "Book",
    "to_json", "from_json", "to_data", "from_data", "CHAPTER_SCHEME", "chapter_link", "chapter_target",
]

_FROZEN = dict(frozen=True, slots=True)


@dataclass(**_FROZEN)
class Attrs:
    """Identity, classes and language of a node; ``lang`` is a BCP 47 tag or empty (inherit)."""

    id: str = ""
    classes: tuple[str, ...] = ()
    lang: str = ""


NO_ATTRS = Attrs()


# ---------------------------------------------------------------------------------- inlines


@dataclass(**_FROZEN)
class Text:
    """A run of text. Whitespace in it is meaningful (already collapsed by the reader)."""

    text: str


@dataclass(**_FROZEN)
class Emph:
    """Emphasis (``<em>``, ``<i>``, ``*x*``)."""

    content: tuple[Inline, ...]


@dataclass(**_FROZEN)
class Strong:
    """Strong importance (``<strong>``, ``<b>``, ``**x**``)."""

    content: tuple[Inline, ...]


@dataclass(**_FROZEN)
class Strike:
    """Struck-out text (``<del>``, ``<s>``, ``~~x~~``)."""

    content: tuple[Inline, ...]


@dataclass(**_FROZEN)
class Superscript:
    """Superscript text."""

    content: tuple[Inline, ...]


@dataclass(**_FROZEN)
class Subscript:
    """Subscript text."""

    content: tuple[Inline, ...]


@dataclass(**_FROZEN)
class Code:
    """Inline code; its text is verbatim."""

    text: str


@dataclass(**_FROZEN)
class Link:
    """A hyperlink; ``url`` is absolute where the reader could make it so, or ``#id``.

    In an assembled book, a link to another chapter of the same book is
    ``chapter:<n>`` or ``chapter:<n>#<id>`` (see :data:`CHAPTER_SCHEME`); each writer turns
    it into its own kind of internal link.
    """

    content: tuple[Inline, ...]
    url: str
    title: str = ""


@dataclass(**_FROZEN)
class Image:
    """An image reference. ``src`` is the URL or path as the post names it (made absolute
    against the post's source URL where possible); resources are resolved outside the model."""

    src: str
    alt: str = ""
    title: str = ""


@dataclass(**_FROZEN)
class LineBreak:
    """A hard line break inside a paragraph (a single ``<br>``)."""


@dataclass(**_FROZEN)
class Note:
    """A footnote; its content is blocks, placed where the note is referenced."""

    blocks: tuple[Block, ...]


@dataclass(**_FROZEN)
class Span:
    """A generic inline container, used for language switches and styling classes."""

    content: tuple[Inline, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(**_FROZEN)
class Ruby:
    """Ruby annotation: ``text`` is set above (or beside) ``base``."""

    base: tuple[Inline, ...]
    text: str


# Readers never produce this scheme (they keep only web and mail URLs), so it cannot clash.
CHAPTER_SCHEME = "chapter:"


def chapter_link(number: int, fragment: str = "") -> str:
    """The URL of a link to chapter ``number`` (1-based, in reading order) of the book."""
    return f"{CHAPTER_SCHEME}{number}" + (f"#{fragment}" if fragment else "")


def chapter_target(url: str) -> tuple[int, str] | None:
    """``(number, fragment)`` of a chapter link, or None for any other URL."""
    if not url.startswith(CHAPTER_SCHEME):
        return None
    number, _, fragment = url[len(CHAPTER_SCHEME):].partition("#")
    return (int(number), fragment) if number.isdigit() else None


Inline = Union[Text, Emph, Strong, Strike, Superscript, Subscript, Code, Link, Image, LineBreak,
               Note, Span, Ruby]


# ----------------------------------------------------------------------------------- blocks


@dataclass(**_FROZEN)
class Paragraph:
    """A paragraph of inline content."""

    content: tuple[Inline, ...]


@dataclass(**_FROZEN)
class Heading:
    """A section heading; level 1 is the highest level inside a chapter (the chapter title
    itself lives in ``Meta.title``)."""

    level: int
    content: tuple[Inline, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(**_FROZEN)
class BlockQuote:
    """A quotation of one or more blocks."""

    blocks: tuple[Block, ...]


@dataclass(**_FROZEN)
class BulletList:
    """An unordered list; each item is a sequence of blocks."""

    items: tuple[tuple[Block, ...], ...]


@dataclass(**_FROZEN)
class OrderedList:
    """A numbered list starting at ``start``."""

    items: tuple[tuple[Block, ...], ...]
    start: int = 1


@dataclass(**_FROZEN)
class CodeBlock:
    """Preformatted text (``<pre>``, fenced code); ``language`` is a highlighting hint."""

    text: str
    language: str = ""


@dataclass(**_FROZEN)
class Figure:
    """An image shown as a block, with an optional caption (credits included)."""

    image: Image
    caption: tuple[Inline, ...] = ()


@dataclass(**_FROZEN)
class TableCell:
    """One cell; ``header`` marks ``<th>``; ``align`` is '', 'left', 'center' or 'right'."""

    content: tuple[Block, ...]
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    align: str = ""


@dataclass(**_FROZEN)
class TableRow:
    """One row of cells."""

    cells: tuple[TableCell, ...]


@dataclass(**_FROZEN)
class Table:
    """A table with header rows, body rows and an optional caption."""

    head: tuple[TableRow, ...]
    body: tuple[TableRow, ...]
    caption: tuple[Inline, ...] = ()


@dataclass(**_FROZEN)
class ThematicBreak:
    """A scene break (``<hr>``, ``---``)."""


@dataclass(**_FROZEN)
class Embed:
    """Interactive or media content (video, audio, iframe, tweet) that a book cannot play;
    every writer shows it as a captioned link so that nothing vanishes silently."""

    url: str
    kind: str = "iframe"
    title: str = ""


@dataclass(**_FROZEN)
class Div:
    """A generic block container, used only where blocks must carry a language or a class."""

    blocks: tuple[Block, ...]
    attrs: Attrs = NO_ATTRS


Block = Union[Paragraph, Heading, BlockQuote, BulletList, OrderedList, CodeBlock, Figure, Table,
              ThematicBreak, Embed, Div]


# --------------------------------------------------------------------------- documents, books


@dataclass(**_FROZEN)
class Meta:
    """Normalized metadata of one post.

    ``date`` is ISO 8601 text (``2021-01-06T20:27:10+00:00`` or ``2020-05-16``) or empty;
    ``updated`` the date it was last changed, ``expires`` the date its site stops publishing
    it (Hugo ``expiryDate``), both ISO or empty. ``source_url`` is where the post was taken
    from (its relative links and images resolve against it); ``url`` its address on its own
    site (from its permalink, the generator's pattern and the site's base URL: absolute, or a
    site path such as ``/2018/06/10/hello/`` when the site's address is unknown);
    ``aliases`` other addresses it answers to (Hugo ``aliases``, WordPress ``?p=ID``).
    ``categories`` are names, a category below another written as its path
    (``Linux / Kernel``). ``source_path`` is the file, or ``file#item`` for a post of an
    export or a feed. ``extra`` keeps the front-matter fields that have no slot here, as
    (key, JSON text) pairs.
    """

    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    lang: str = ""
    source_url: str = ""
    source_path: str = ""
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    slug: str = ""
    draft: bool = False
    extra: tuple[tuple[str, str], ...] = ()
    updated: str = ""
    expires: str = ""
    url: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(**_FROZEN)
class Document:
    """One post: metadata and body blocks."""

    meta: Meta
    blocks: tuple[Block, ...] = ()


@dataclass(**_FROZEN)
class BookMeta:
    """Metadata of an assembled book.

    ``date``: publication date (the newest post's day); ``coverage``: the dates the posts
    span as an ISO interval (``2019-01-03/2019-12-30``, or one date). ``series`` and
    ``volume``: the collection a split book belongs to and its label in it (``2019``,
    ``3``); ``series_index`` its 1-based position. ``cover``: resource id of the cover image
    (empty: no cover).
    """

    title: str
    authors: tuple[str, ...] = ()
    lang: str = ""
    subtitle: str = ""
    date: str = ""
    publisher: str = ""
    description: str = ""
    rights: str = ""
    subjects: tuple[str, ...] = ()
    source: str = ""
    identifier: str = ""
    modified: str = ""
    coverage: str = ""
    series: str = ""
    volume: str = ""
    series_index: int = 0
    cover: str = ""


@dataclass(**_FROZEN)
class Part:
    """A group of chapters; an empty title means the chapters stand directly in the book."""

    chapters: tuple[Document, ...]
    title: str = ""


@dataclass(**_FROZEN)
class Book:
    """What writers render: metadata and parts of chapters."""

    meta: BookMeta
    parts: tuple[Part, ...] = field(default=())

    @property
    def chapters(self) -> tuple[Document, ...]:
        """All chapters in reading order."""
        return tuple(ch for part in self.parts for ch in part.chapters)


# ----------------------------------------------------------------------------- JSON codec
#
# Nodes encode as objects tagged with their class name ("t"); fields equal to their default are
# left out so that the JSON stays readable. Decoding is driven by the type hints, so a tuple
# comes back as a tuple and a union is resolved by its tag.

_NODE_TYPES: dict[str, type] = {
    name: obj for name, obj in list(globals().items())
    if isinstance(obj, type) and dataclasses.is_dataclass(obj)
}


@cache
def _fields(cls: type) -> tuple[tuple[str, Any, Any], ...]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING  # type: ignore[misc]
            else dataclasses.MISSING)
        out.append((f.name, hints[f.name], default))
    return tuple(out)


def to_data(node: Any) -> Any:
    """Turn a model value into plain JSON-able data (dicts, lists, strings, numbers)."""
    if isinstance(node, (str, int, bool)) or node is None:
        return node
    if isinstance(node, tuple):
        return [to_data(x) for x in node]
    cls = type(node)
    if cls.__name__ not in _NODE_TYPES:
        raise TypeError(f"not a model value: {node!r}")
    data: dict[str, Any] = {"t": cls.__name__}
    for name, _hint, default in _fields(cls):
        value = getattr(node, name)
        if value == default:
            continue
        data[name] = to_data(value)
    return data


@cache
def _decoder(hint: Any) -> Callable[[Any], Any]:
    """A function decoding plain data of type ``hint`` (made once per type: decoding runs
    for every post the build cache hands back)."""
    origin = typing.get_origin(hint)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])

            def decode_items(data: Any) -> tuple:
                if type(data) is not list:
                    raise ValueError(f"expected a list for {hint}, got {type(data).__name__}")
                return tuple([item(x) for x in data])
            return decode_items
        items = [_decoder(a) for a in args]

        def decode_fixed(data: Any) -> tuple:
            if type(data) is not list:
                raise ValueError(f"expected a list for {hint}, got {type(data).__name__}")
            if len(items) != len(data):
                raise ValueError(f"expected {len(items)} items for {hint}")
            return tuple([f(x) for f, x in zip(items, data)])
        return decode_fixed
    if origin is Union or origin is types.UnionType:
        allowed = typing.get_args(hint)
        return lambda data: _decode_node(data, allowed)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return lambda data: _decode_node(data, (hint,))
    if hint in (str, int, bool):
        def decode_scalar(data: Any) -> Any:
            if type(data) is not hint:
                raise ValueError(f"expected {hint.__name__}, got {data!r}")
            return data
        return decode_scalar
    raise TypeError(f"unsupported type hint {hint!r}")


@cache
def _node_decoder(cls: type) -> Callable[[dict], Any]:
    fields = [(name, _decoder(hint), default) for name, hint, default in _fields(cls)]
    known = {name for name, _, _ in fields} | {"t"}

    def decode(data: dict) -> Any:
        kwargs = {}
        for name, field_decoder, default in fields:
            if name in data:
                kwargs[name] = field_decoder(data[name])
            elif default is dataclasses.MISSING:
                raise ValueError(f"{cls.__name__} is missing field {name!r}")
        if len(data) != len(kwargs) + 1:
            unknown = set(data) - known
            if unknown:
                raise ValueError(f"{cls.__name__} has unknown fields {sorted(unknown)}")
        return cls(**kwargs)
    return decode


def _decode_node(data: Any, allowed: tuple[type, ...]) -> Any:
    if type(data) is not dict or "t" not in data:
        raise ValueError(f"expected a tagged node object, got {data!r:.80}")
    cls = _NODE_TYPES.get(data["t"])
    if cls is None or cls not in allowed:
        raise ValueError(f"unexpected node type {data['t']!r}")
    return _node_decoder(cls)(data)


def from_data(data: Any, cls: type = Document) -> Any:
    """Rebuild a model value of type ``cls`` from plain data made by :func:`to_data`."""
    return _decode_node(data, allowed=(cls,))


def to_json(node: Any, *, indent: int | None = None) -> str:
    """Serialize a model value to JSON text (UTF-8 characters kept as they are)."""
    return json.dumps(to_data(node), ensure_ascii=False, indent=indent)


def from_json(text: str, cls: type = Document) -> Any:
    """Parse JSON text made by :func:`to_json` back into a model value of type ``cls``."""
    return from_data(json.loads(text), cls)
