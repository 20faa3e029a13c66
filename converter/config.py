"""The configuration file (``converter.toml`` or ``[tool.converter]`` in pyproject.toml), and
the options of each book from the settings table.

The file describes one or more books. Keys at the top level apply to every book; each
``[[book]]`` table describes one book and overrides them; without ``[[book]]`` the top level
is the one book. Paths are relative to the file's folder. Command-line flags override the
file (they arrive here as a :class:`BookConfig` of the values the user gave). The schema is
the settings table (``core/settings.py``): every key and value is checked, and an unknown key
or a bad value is a :class:`ConfigError` naming both the key and the file.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .core import settings as table
from .core.errors import ConfigError, UsageError
from .core.options import BuildOptions
from .core.settings import Setting
from .core.values import Split, from_toml, kind_words

CONFIG_NAME = "converter.toml"


class BookConfig(Mapping[str, Any]):
    """The settings given for one book, by the file or by the command line: setting name →
    value (checked and canonical once :func:`check` has seen them). A setting nobody gave is
    absent; ``BookConfig(title="x", page_size="A4")`` names settings as the table does."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any] | None = None, /, **given: Any) -> None:
        data = {**(values or {}), **given}
        unknown = [name for name in data if name not in table.BY_NAME or not per_book(table.BY_NAME[name])]
        if unknown:
            raise TypeError(f"not book settings: {', '.join(unknown)}")
        self._values = MappingProxyType({k: v for k, v in data.items() if v is not None})

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"BookConfig({dict(self._values)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BookConfig) and dict(self._values) == dict(other._values)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values.items(), key=lambda kv: kv[0])))


def per_book(setting: Setting) -> bool:
    """Whether a setting belongs to a book (the file has it, or it reaches the options), as
    opposed to the command line's own flags (``--quiet``, ``-j``)."""
    return bool(setting.key or setting.targets)


def merged(base: BookConfig, top: BookConfig) -> BookConfig:
    """``base`` with every setting ``top`` gives taken from ``top``."""
    return BookConfig({**base, **top})


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


def _unknown(key: str, known: list[str], where: str, path: Path) -> ConfigError:
    close = difflib.get_close_matches(key, known, n=1)
    return ConfigError(f"unknown key '{where}{key}'", path=path,
                       hint=f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}")


def from_table(data: dict[str, Any], *, where: str = "", path: Path) -> BookConfig:
    """The settings of one TOML table (the top level or a ``[[book]]``), kinds checked;
    ``where`` prefixes key names in messages (``book[2].``)."""
    values: dict[str, Any] = {}

    def walk(entries: dict[str, Any], section: str) -> None:
        prefix = f"{section}." if section else ""
        known = sorted({k[len(prefix):].split(".")[0] for k in table.BY_KEY if k.startswith(prefix)})
        for key, value in entries.items():
            full = prefix + key
            if not section and key in table.sections():
                if not isinstance(value, dict):
                    raise ConfigError(f"'{where}{full}' must be a table", path=path)
                walk(value, key)
                continue
            setting = table.BY_KEY.get(full)
            if setting is None:
                raise _unknown(key, known, where + prefix, path)
            try:
                values[setting.name] = from_toml(setting.type.kind, value)
            except TypeError:
                raise ConfigError(f"'{where}{full}' must be {kind_words(setting.type.kind)}, not {value!r:.60}",
                                  path=path) from None

    walk(data, "")
    return BookConfig(values)


def _paths_from(book: BookConfig, base: Path) -> BookConfig:
    """Relative paths of the file made absolute against its folder (a theme name stays a name)."""
    def relative(name: str, value: Any) -> Any:
        to_absolute = table.BY_NAME[name].type.relative
        return to_absolute(value, base) if to_absolute else value

    return BookConfig({name: relative(name, value) for name, value in book.items()})


def check(book: BookConfig, path: Path | None, where: str = "") -> BookConfig:
    """``book`` with its values checked and put in canonical form; a bad value is a
    :class:`ConfigError` naming the key (``where`` + key) and ``path``, or the command-line
    flag when there is no file."""
    values = {}
    for name, value in book.items():
        setting = table.BY_NAME[name]
        try:
            values[name] = setting.type.check(value)
        except ValueError as exc:
            label = f"'{where}{setting.key}'" if path else setting.flag or name
            raise ConfigError(f"{label} = {value!r:.80}: {exc}", path=path) from None
    return BookConfig(values)


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
    defaults = check(_paths_from(from_table(data, where=where, path=path), base), path, where)
    books = []
    for i, book_table in enumerate(books_data or [], 1):
        prefix = f"{where}book[{i}]."
        book = check(_paths_from(from_table(book_table, where=prefix, path=path), base), path, prefix)
        books.append(merged(defaults, book))
    names = [book_name(b, i) for i, b in enumerate(books, 1)]
    if len(set(names)) != len(names):
        raise ConfigError("two books have the same name; give each a distinct 'name'", path=path)
    return Config(path, tuple(books) or (defaults,), defaults)


def book_name(book: BookConfig, index: int) -> str:
    """What ``--book`` matches: the ``name``, else the title, else ``book<index>``."""
    return book.get("name") or book.get("title") or f"book{index}"


def _assign(options: Any, target: str, value: Any) -> Any:
    """``options`` with the attribute at the dotted path ``target`` set to ``value``."""
    head, _, rest = target.partition(".")
    if rest:
        value = _assign(getattr(options, head), rest, value)
    return dataclasses.replace(options, **{head: value})


def build_options(book: BookConfig) -> BuildOptions:
    """The options of one book: every setting with targets, given or default, converted to
    what its targets hold (values already checked)."""
    options = BuildOptions()
    for setting in table.BY_NAME.values():
        if not setting.targets or setting.name not in book:
            continue  # the options' defaults are the table's
        value = setting.type.option(book[setting.name])
        for target in setting.targets:
            options = _assign(options, target, value)
    return options


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
        return [BookSpec(book_name(overrides, 1), inputs, build_options(overrides))]
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
        if not book.get("inputs"):
            raise ConfigError(f"book '{name}' has no 'inputs'", path=config.path)
        specs.append(BookSpec(name, book["inputs"], build_options(book)))
    return specs


def ignored_settings(options: BuildOptions) -> list[str]:
    """Settings of one build that cannot take effect together, said so instead of dropped
    silently: a file per post has no parts and no volumes."""
    book = options.book
    if not book.per_post:
        return []
    ignored = [name for name, given in (("group", book.group != "none"), ("split", book.split != Split())) if given]
    return [f"{' and '.join(ignored)} ignored: --per-post makes one file per post"] if ignored else []


def shown_default(setting: Setting) -> str:
    """A setting's default as help and the reference show it."""
    if setting.shown_default:
        return setting.shown_default
    value = setting.default
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return str(value) if value not in ("", None) else "none"


def settings_reference() -> str:
    """The settings reference of docs/config.md, as a Markdown table, from the table."""
    rows = ["| key | command line | value | default | used by | what it does |", "|---|---|---|---|---|---|"]
    for s in table.BY_NAME.values():
        if not s.key and "build" not in s.commands:
            continue
        key = f"`{s.key}`" if s.key else "—"
        flags = " ".join(f"`{f}`" for f in s.flags) if s.flags else ("`POSTS...`" if s.name == "inputs" else "—")
        value = s.type.describe.replace("|", "\\|")
        rows.append(f"| {key} | {flags} | {value} | {shown_default(s)} | {s.stage} | {s.help} |")
    stages = "\n".join(f"- `{name}`: {what}" for name, what in table.STAGES.items())
    return "\n".join(rows) + "\n\nUsed by:\n\n" + stages + "\n"
