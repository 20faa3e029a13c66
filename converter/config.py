"""The configuration file: ``converter.toml`` (or ``[tool.converter]`` in pyproject.toml).

It describes one or more books. Keys at the top level apply to every book; each
``[[book]]`` table describes one book and overrides them; without ``[[book]]`` the top level
is the one book. Paths are relative to the file's folder. Command-line flags override the
file (they arrive here as a :class:`BookConfig` of the values the user gave). Every key and
value is checked: an unknown key or a bad value is a :class:`ConfigError` naming both the key
and the file. See docs/config.md for the keys.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError, UsageError
from .langtag import canonical
from .options import (
    GROUPS, ORDERS, PAGE_SIZES, SPLIT_KEYS, BookOptions, BuildOptions, CleanupOptions, Filters, ReadOptions,
    Split, WriteOptions,
)
from .schema import from_table, merged
from .transforms.convert import CONVERSIONS
from .writers import WRITERS
from .writers.theme import chain, find_theme

CONFIG_NAME = "converter.toml"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|kb|m|mb)$", re.I)
_COVERS = ("auto", "generate", "none")


@dataclass(frozen=True, slots=True)
class FilterConfig:
    """``[book.filter]``: which posts go in (see :class:`~converter.options.Filters`)."""

    since: str | None = None
    until: str | None = None
    tags: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    lang: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class CleanupConfig:
    """``[cleanup]``: the cleanup rules of scraped posts. ``disable``: rule names switched off
    (``converter inspect --rules`` lists them); ``remove``/``unwrap``/``keep_images``: CSS
    selectors of more elements to drop, to unwrap, or to strip to their images;
    ``site_names``: names to strip from the end of titles (" - My Blog")."""

    disable: tuple[str, ...] | None = None
    remove: tuple[str, ...] | None = None
    unwrap: tuple[str, ...] | None = None
    keep_images: tuple[str, ...] | None = None
    site_names: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class BookConfig:
    """One book as the file (or the command line) describes it; None means "not set".

    ``name`` picks the book with ``--book``; ``output`` is the file name without extension
    (``{title}`` and ``{volume}`` are replaced); ``split`` is a key of
    :data:`~converter.options.SPLIT_KEYS`, a number of posts (``"50"``) or a text size
    (``"2MB"``); ``cover`` is ``auto``, ``generate``, ``none`` or an image path.
    """

    name: str | None = None
    inputs: tuple[str, ...] | None = None
    output_dir: str | None = None
    output: str | None = None
    formats: tuple[str, ...] | None = None
    title: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] | None = None
    publisher: str | None = None
    lang: str | None = None
    rights: str | None = None
    description: str | None = None
    filter: FilterConfig | None = None
    group: str | None = None
    order: str | None = None
    split: str | None = None
    per_post: bool | None = None
    drafts: bool | None = None
    cover: str | None = None
    theme: str | None = None
    page_size: str | None = None
    print: bool | None = None
    convert: str | None = None
    quotes: str | None = None
    cjk_spacing: bool | None = None
    embed_fonts: bool | None = None
    vertical: bool | None = None
    cleanup: CleanupConfig | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """A loaded configuration file: its path and its books (defaults already applied)."""

    path: Path
    books: tuple[BookConfig, ...]
    defaults: BookConfig


@dataclass(frozen=True, slots=True)
class BookSpec:
    """One book to build: its inputs and every option."""

    name: str
    inputs: tuple[str, ...]
    options: BuildOptions


def find_config(folder: Path) -> Path | None:
    """``converter.toml`` in ``folder``, else its ``pyproject.toml`` if that has
    ``[tool.converter]``; None when there is neither."""
    candidate = folder / CONFIG_NAME
    if candidate.is_file():
        return candidate
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        text = pyproject.read_bytes().decode("utf-8", errors="replace")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            # Broken TOML is ours to report only if it holds our table; load_config says why.
            return pyproject if "[tool.converter" in text else None
        if "converter" in data.get("tool", {}):
            return pyproject
    return None


def _absolute(value: str | None, base: Path) -> str | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else base / path)


def _paths_from(book: BookConfig, base: Path) -> BookConfig:
    """Paths of the file made absolute against its folder (a theme name stays a name)."""
    theme = book.theme
    if theme is not None and ("/" in theme or (base / theme).is_dir()):
        theme = _absolute(theme, base)
    cover = book.cover if book.cover in (None, *_COVERS) else _absolute(book.cover, base)
    inputs = None if book.inputs is None else tuple(_absolute(i, base) for i in book.inputs)
    return dataclasses.replace(book, inputs=inputs, cover=cover, theme=theme,
                               output_dir=_absolute(book.output_dir, base))


def load_config(path: Path) -> Config:
    """Read and check the configuration file at ``path``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=path) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=path) from exc
    where = ""
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("converter", {})
        where = "tool.converter."
    books_data = data.pop("book", None)
    if books_data is not None and not (isinstance(books_data, list) and all(isinstance(b, dict) for b in books_data)):
        raise ConfigError(f"'{where}book' must be an array of tables ([[book]])", path=path)
    base = path.resolve().parent
    defaults = check(_paths_from(from_table(BookConfig, data, where=where, path=path), base), path, where)
    books = []
    for i, table in enumerate(books_data or [], 1):
        prefix = f"{where}book[{i}]."
        book = check(_paths_from(from_table(BookConfig, table, where=prefix, path=path), base), path, prefix)
        books.append(merged(defaults, book))
    names = [book_name(b, i) for i, b in enumerate(books, 1)]
    if len(set(names)) != len(names):
        raise ConfigError("two books have the same name; give each a distinct 'name'", path=path)
    return Config(path, tuple(books) or (defaults,), defaults)


def book_name(book: BookConfig, index: int) -> str:
    """What ``--book`` matches: the ``name``, else the title, else ``book<index>``."""
    return book.name or book.title or f"book{index}"


def parse_split(value: str) -> Split:
    """``year`` (etc.), ``50`` (posts per volume) or ``2MB`` (text per volume)."""
    text = value.strip().lower()
    if text in SPLIT_KEYS:
        return Split(text)
    if text.isdigit() and int(text) > 0:
        return Split("count", int(text))
    match = _SIZE_RE.match(text)
    if match and float(match.group(1)) > 0:
        factor = 1000 if match.group(2).startswith("k") else 1000_000
        return Split("size", int(float(match.group(1)) * factor))
    raise ValueError(f"choose one of {', '.join(SPLIT_KEYS)}, a number of posts (50) or a size (2MB)")


def _page_size(value: str) -> str:
    for size in PAGE_SIZES:
        if value.strip().lower() == size.lower():
            return size
    raise ValueError(f"choose one of {', '.join(PAGE_SIZES)}")


def _one_of(choices: tuple[str, ...]):
    def check_value(value: str) -> str:
        if value not in choices:
            raise ValueError(f"choose one of {', '.join(choices)}")
        return value
    return check_value


def _split(value: str) -> str:
    parse_split(value)
    return value


def _date(value: str) -> str:
    if not _DATE_RE.match(value):
        raise ValueError("write a date as YYYY-MM-DD")
    return value


def lang_tag(value: str) -> str:
    """``value`` as a canonical BCP 47 tag; ValueError when it is none."""
    if not canonical(value):
        raise ValueError("not a BCP 47 language tag (zh-Hans, zh-Hant, ja, ko, en...)")
    return canonical(value)


def _formats(values: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(v.strip().lower() for value in values for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in WRITERS]
    if unknown or not names:
        raise ValueError(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(WRITERS)}")
    return names


def _cover(value: str) -> str:
    if value not in _COVERS and not Path(value).is_file():
        raise ValueError(f"no such image file (or say one of {', '.join(_COVERS)})")
    return value


def _theme(value: str) -> str:
    try:
        folder = find_theme(value)
    except UsageError as exc:
        raise ValueError(f"{exc.message} ({exc.hint})") from None
    chain(folder)  # reads (and checks) the theme's theme.toml and its parents' now, not mid-build
    return str(folder)


def _rule_names(names: tuple[str, ...]) -> tuple[str, ...]:
    from .cleanup import all_rule_names

    unknown = [n for n in names if n not in all_rule_names()]
    if unknown:
        raise ValueError(f"unknown rule(s) {', '.join(unknown)} (`converter inspect --rules` lists them)")
    return names


def _selectors(selectors: tuple[str, ...]) -> tuple[str, ...]:
    from selectolax.lexbor import LexborHTMLParser

    probe = LexborHTMLParser("<p></p>")
    for selector in selectors:
        try:
            probe.css(selector)
        except Exception as exc:  # noqa: BLE001 - lexbor reports a bad selector with various types
            raise ValueError(f"not a CSS selector: {selector!r} ({exc})") from None
    return selectors


_CHECKS = {
    "group": _one_of(GROUPS), "order": _one_of(ORDERS), "split": _split,
    "page_size": _page_size, "lang": lang_tag, "formats": _formats, "cover": _cover, "theme": _theme,
    "convert": _one_of(tuple(CONVERSIONS)), "quotes": _one_of(("corner", "curly")),
}
_CLEANUP_CHECKS = {"disable": _rule_names, "remove": _selectors, "unwrap": _selectors, "keep_images": _selectors}
_FILTER_CHECKS = {"since": _date, "until": _date, "lang": lambda langs: tuple(lang_tag(v) for v in langs)}


def check(book: BookConfig, path: Path | None, where: str = "") -> BookConfig:
    """``book`` with its values checked and put in canonical form; a bad value is a
    :class:`ConfigError` naming the key (``where`` + key) and ``path``, or the command-line
    flag when there is no file."""
    def run(target, checks, prefix):
        changes = {}
        for key, fn in checks.items():
            value = getattr(target, key)
            if value is None:
                continue
            try:
                changes[key] = fn(value)
            except ValueError as exc:
                name = f"'{prefix}{key}'" if path else "--" + key.replace("_", "-")
                raise ConfigError(f"{name} = {value!r:.80}: {exc}", path=path) from None
        return dataclasses.replace(target, **changes)

    book = run(book, _CHECKS, where)
    if book.filter is not None:
        book = dataclasses.replace(book, filter=run(book.filter, _FILTER_CHECKS, where + "filter."))
    if book.cleanup is not None:
        book = dataclasses.replace(book, cleanup=run(book.cleanup, _CLEANUP_CHECKS, where + "cleanup."))
    return book


def cleanup_options(config: CleanupConfig | None) -> CleanupOptions:
    """The cleanup stage's options from ``[cleanup]``."""
    c = config or CleanupConfig()
    extra = tuple((f"config.{action.replace('-', '_')}.{i}", selector, action)
                  for action, selectors in (("remove", c.remove), ("unwrap", c.unwrap), ("keep-images", c.keep_images))
                  for i, selector in enumerate(selectors or (), 1))
    return CleanupOptions(disabled=frozenset(c.disable or ()), extra=extra, site_names=c.site_names or ())


def build_options(book: BookConfig) -> BuildOptions:
    """The options of one book (values already checked)."""
    f = book.filter or FilterConfig()
    lang = book.lang or ""
    write = WriteOptions(page_size=book.page_size or "A5", print_mode=bool(book.print),
                         embed_fonts=book.embed_fonts, vertical=bool(book.vertical))
    if book.theme:
        write = dataclasses.replace(write, theme=Path(book.theme))
    return BuildOptions(
        output_dir=Path(book.output_dir or "output"),
        formats=book.formats or BuildOptions().formats,
        read=ReadOptions(drafts=bool(book.drafts), lang=lang, cleanup=cleanup_options(book.cleanup),
                         convert=book.convert or "", quotes=book.quotes or ""),
        book=BookOptions(
            title=book.title or "", subtitle=book.subtitle or "", authors=book.authors or (), lang=lang,
            publisher=book.publisher or "", rights=book.rights or "", description=book.description or "",
            per_post=bool(book.per_post), group=book.group or "none", order=book.order or "date",
            split=parse_split(book.split) if book.split else Split(),
            filters=Filters(since=f.since or "", until=f.until or "", tags=f.tags or (),
                            categories=f.categories or (), langs=f.lang or ()),
            cover=book.cover or "auto",
        ),
        write=write,
        output_name=book.output or "",
        skip_transforms=frozenset() if book.cjk_spacing in (None, True) else frozenset({"cjk-spacing"}),
    )


def plan(inputs: tuple[str, ...], config: Config | None, overrides: BookConfig,
         picked: tuple[str, ...]) -> list[BookSpec]:
    """The books one ``converter build`` makes.

    With inputs on the command line: one book of them, with the settings of the picked
    config book (``--book``) or the file's top level. Without: every book of the file (or
    the picked ones). Command-line values override the file's either way.
    """
    overrides = check(overrides, None)
    if config is None:
        if not inputs:
            raise UsageError("no inputs given and no converter.toml here",
                             hint="name posts or folders, or pass --config FILE")
        if picked:
            raise UsageError("--book needs a configuration file", hint="pass --config FILE")
        book = merged(BookConfig(), overrides)
        return [BookSpec(book_name(book, 1), inputs, build_options(book))]
    named = {book_name(b, i): b for i, b in enumerate(config.books, 1)}
    unknown = [p for p in picked if p not in named]
    if unknown:
        raise UsageError(f"no book named {', '.join(unknown)} in the configuration",
                         path=config.path, hint=f"books: {', '.join(named)}")
    if inputs:
        if len(picked) > 1:
            raise UsageError("with posts on the command line, give at most one --book (whose settings apply)")
        base = named[picked[0]] if picked else config.defaults
        book = merged(merged(base, overrides), BookConfig(inputs=inputs))
        return [BookSpec(book_name(book, 1), inputs, build_options(book))]
    specs = []
    for name, book in named.items():
        if picked and name not in picked:
            continue
        book = merged(book, overrides)
        if not book.inputs:
            raise ConfigError(f"book '{name}' has no 'inputs'", path=config.path)
        specs.append(BookSpec(name, book.inputs, build_options(book)))
    return specs


def ignored_settings(options: BuildOptions) -> list[str]:
    """Settings of one build that cannot take effect together, said so instead of dropped
    silently: a file per post has no parts and no volumes."""
    book = options.book
    if not book.per_post:
        return []
    ignored = [name for name, given in (("group", book.group != "none"), ("split", book.split != Split())) if given]
    return [f"{' and '.join(ignored)} ignored: --per-post makes one file per post"] if ignored else []
