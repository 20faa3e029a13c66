"""Kinds of setting values: how a value is written, checked and handed to the stages.

A :class:`ValueType` says what a setting accepts in the configuration file and on the command
line (text, a list of text, a number...), how a value is checked and put in canonical form
(``check``: a ValueError explains what is wrong), and what the options dataclass holds
(``option``: ``"2MB"`` becomes ``Split("size", 2000000)``). Checks that need a stage's
knowledge (the writer registry, the cleanup rules, the themes) are named by import path and
loaded on first use, so this module imports no stage.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .langtag import canonical

STYLES_DIR = Path(__file__).resolve().parent.parent.parent / "styles"
# Split by a key (one book per year...), or into volumes of at most N posts / N bytes of text.
SPLIT_KEYS = ("none", "year", "month", "category", "tag", "author")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|kb|m|mb)$", re.I)
KINDS = ("text", "bool", "int", "float", "list")


def _same(value: Any) -> Any:
    return value


def lazy(spec: str) -> Callable[[Any], Any]:
    """The function ``module:name``, imported on its first call."""
    module, name = spec.split(":")
    loaded: list[Callable[[Any], Any]] = []

    def call(value: Any) -> Any:
        if not loaded:
            loaded.append(getattr(importlib.import_module(module), name))
        return loaded[0](value)

    call.__qualname__ = call.__name__ = name
    return call


@dataclass(frozen=True, slots=True)
class ValueType:
    """A kind of setting value.

    ``kind``: how it is written: ``text``, ``bool``, ``int``, ``float`` or ``list`` (of text;
    one text is a list of one). ``describe``: the kind in words, for messages and the settings
    reference. ``check``: the value in canonical form, or ValueError. ``option``: the value as
    the options dataclass holds it. ``choices``: the allowed words, shown in help. ``low``/
    ``high``: bounds of a number. ``relative``: ``(value, folder)`` → the value with the
    relative paths it holds made absolute against ``folder`` (a configuration file's).
    """

    kind: str
    describe: str
    check: Callable[[Any], Any] = _same
    option: Callable[[Any], Any] = _same
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    relative: Callable[[Any, Path], Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")


def from_toml(kind: str, value: Any) -> Any:
    """A value as the configuration file wrote it, in the Python form of ``kind``; TypeError
    when it is of another kind. A TOML date is text; one text is a list of one."""
    if kind == "text":
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, str):
            return value
    elif kind == "bool":
        if isinstance(value, bool):
            return value
    elif kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif kind == "list":
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            return tuple(items)
    raise TypeError(kind)


def kind_words(kind: str) -> str:
    """How messages name a kind: 'must be a list of text'."""
    return {"text": "text", "bool": "true or false", "int": "a whole number", "float": "a number",
            "list": "a list of text"}[kind]


# -- checks that need nothing but the value


def one_of(*choices: str, fold_case: bool = False) -> Callable[[str], str]:
    def check(value: str) -> str:
        for choice in choices:
            if value == choice or (fold_case and value.strip().lower() == choice.lower()):
                return choice
        raise ValueError(f"choose one of {', '.join(choices)}")
    return check


def in_range(low: float, high: float) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not low <= value <= high:
            raise ValueError(f"give a value from {low:g} to {high:g}")
        return value
    return check


def lang_tag(value: str) -> str:
    """``value`` as a canonical BCP 47 tag; ValueError when it is none."""
    tag = canonical(value)
    if not tag:
        raise ValueError("not a BCP 47 language tag (zh-Hans, zh-Hant, ja, ko, en...)")
    return tag


def lang_tags(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(lang_tag(v) for v in values)


def web_url(value: str) -> str:
    """An ``http(s)`` address (or '')."""
    text = value.strip()
    if text and not re.match(r"^https?://[^/\s]+", text, re.I):
        raise ValueError("write an http:// or https:// address")
    return text


def iso_date(value: str) -> str:
    if not _DATE_RE.match(value):
        raise ValueError("write a date as YYYY-MM-DD")
    return value


@dataclass(frozen=True, slots=True)
class Split:
    """How posts are divided into books (volumes).

    ``by``: one of :data:`SPLIT_KEYS` (a book per year, month, category...), or ``count``
    (at most ``limit`` posts per volume) or ``size`` (at most ``limit`` bytes of UTF-8 text
    per volume; images are not counted).
    """

    by: str = "none"
    limit: int = 0


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


def split_text(value: str) -> str:
    parse_split(value)
    return value


def theme_folder(value: str | Path) -> Path:
    """A theme's folder: a built-in name (``styles/<name>``) or a path."""
    text = str(value)
    if "/" not in text and (STYLES_DIR / text).is_dir():
        return STYLES_DIR / text
    return Path(text).expanduser().resolve()


def absolute(value: str, base: Path) -> str:
    """A path of a configuration file made absolute against the file's folder (a URL, such
    as a feed's, stays as it is)."""
    if re.match(r"^https?://", value, re.I):
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else base / path)


def absolute_all(values: tuple[str, ...], base: Path) -> tuple[str, ...]:
    return tuple(absolute(v, base) for v in values)


def _theme_path(value: str, base: Path) -> str:
    # A theme name stays a name; a path (or a folder beside the file) becomes absolute.
    return absolute(value, base) if "/" in value or (base / value).is_dir() else value


COVER_CHOICES = ("auto", "generate", "none")


def _cover_path(value: str, base: Path) -> str:
    return value if value in COVER_CHOICES else absolute(value, base)


def existing_folder(value: str) -> str:
    if not Path(value).expanduser().is_dir():
        raise ValueError("no such folder")
    return value


def existing_folders(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(existing_folder(v) for v in values)


def resolved_paths(values: tuple[str, ...]) -> tuple[Path, ...]:
    return tuple(Path(v).expanduser().resolve() for v in values)


def optional_path(value: str) -> Path | None:
    return Path(value).expanduser().resolve() if value else None


# -- the kinds settings use

TEXT = ValueType("text", "text")
TEXTS = ValueType("list", "list of text")
BOOL = ValueType("bool", "true or false")
# true, false, or not set (the stage decides: ``embed_fonts`` is on for CJK books).
AUTO_BOOL = ValueType("bool", "true or false (not set: the tool decides)")
LANG = ValueType("text", "BCP 47 language tag", check=lang_tag)
LANGS = ValueType("list", "list of BCP 47 language ranges", check=lang_tags)
DATE = ValueType("text", "date (YYYY-MM-DD)", check=iso_date)
SPLIT = ValueType("text", "year, month, category, tag, author, a number of posts or a text size",
                  check=split_text, option=parse_split)
PATHS = ValueType("list", "list of files, folders, glob patterns or feed URLs", relative=absolute_all)
FOLDER = ValueType("text", "folder", option=Path, relative=absolute)
OPTIONAL_FOLDER = ValueType("text", "folder", option=optional_path, relative=absolute)
EXISTING_FOLDERS = ValueType("list", "list of folders", check=existing_folders, option=resolved_paths,
                             relative=absolute_all)
WEB_URL = ValueType("text", "http(s) address", check=web_url)
TIMEZONE = ValueType("text", "time zone (IANA name such as Asia/Shanghai, or UTC)",
                     check=lazy("converter.sources.dates:check_zone"))
FORMATS = ValueType("list", "list of formats", check=lazy("converter.writers:check_formats"))
THEME = ValueType("text", "theme name or folder", check=lazy("converter.writers.theme:check_theme"),
                  option=theme_folder, relative=_theme_path)
COVER = ValueType("text", "auto, generate, none or an image file",
                  check=lazy("converter.assemble.cover:check_cover"), relative=_cover_path)
RULES = ValueType("list", "list of cleanup rule names", check=lazy("converter.cleanup:check_rule_names"),
                  option=frozenset)
SELECTORS = ValueType("list", "list of CSS selectors", check=lazy("converter.cleanup:check_selectors"))


def choice(*choices: str, fold_case: bool = False) -> ValueType:
    return ValueType("text", "one of " + ", ".join(choices), check=one_of(*choices, fold_case=fold_case),
                     choices=choices)


def number(kind: str, low: float, high: float) -> ValueType:
    return ValueType(kind, f"{'whole ' if kind == 'int' else ''}number from {low:g} to {high:g}",
                     check=in_range(low, high), low=low, high=high)
