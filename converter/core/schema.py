"""TOML tables → typed, frozen dataclasses, with errors that name the key and the file.

The schema is the dataclass itself: its fields are the allowed keys and their type hints
the allowed values (``str``, ``bool``, ``int``, ``tuple[str, ...]``, a nested dataclass for a
sub-table, each possibly ``| None`` for "not set"). A TOML date is accepted where text is
expected (``since = 2019-01-01``); a single string where a list is expected. Unknown keys and
values of the wrong kind raise :class:`~converter.core.errors.ConfigError` with a suggestion for
misspelt keys, in the manner of MkDocs' config schema.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import types
import typing
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ConfigError


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _strip_none(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _kind(hint: Any) -> str:
    if hint is str:
        return "text"
    if hint is bool:
        return "true or false"
    if hint is int:
        return "a whole number"
    if typing.get_origin(hint) is tuple:
        return "a list of text"
    return "a table"


def _convert(hint: Any, value: Any, where: str, path: Path | None) -> Any:
    hint = _strip_none(hint)
    if hint is str:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, str):
            return value
    elif hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif typing.get_origin(hint) is tuple:
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            return tuple(items)
    elif dataclasses.is_dataclass(hint):
        if isinstance(value, dict):
            return from_table(hint, value, where=where + ".", path=path)
    else:  # a schema bug, not the user's
        raise TypeError(f"unsupported schema type {hint!r}")
    raise ConfigError(f"'{where}' must be {_kind(hint)}, not {value!r:.60}", path=path)


def from_table(cls: type, data: dict[str, Any], *, where: str = "", path: Path | None = None) -> Any:
    """An instance of the dataclass ``cls`` from the TOML table ``data``.

    ``where`` prefixes key names in messages (``book[2].``); ``path`` is the file named in them.
    """
    hints = _hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    values = {}
    for key, value in data.items():
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            raise ConfigError(f"unknown key '{where}{key}'", path=path,
                              hint=f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(names)}")
        values[key] = _convert(hints[key], value, where + key, path)
    return cls(**values)


def merged(base: Any, top: Any) -> Any:
    """``base`` with every field that ``top`` sets (not None) taken from ``top``; nested
    dataclasses are merged field by field."""
    changes = {}
    for f in dataclasses.fields(top):
        value = getattr(top, f.name)
        if value is None:
            continue
        current = getattr(base, f.name)
        if dataclasses.is_dataclass(value) and current is not None:
            value = merged(current, value)
        changes[f.name] = value
    return dataclasses.replace(base, **changes)
