"""Normalize front-matter fields into :class:`~converter.core.model.Meta` through one table.

Each model field lists the front-matter keys that feed it (first present wins) and the
function that normalizes the value, in the manner of Pelican's METADATA_PROCESSORS. A value
of the wrong kind is a :class:`FrontMatterError` naming the key; a value that can be
repaired (an unparseable date) becomes a warning.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostics
from ..core.errors import FrontMatterError
from ..core.langtag import canonical
from ..core.urls import is_web_url

_FILENAME_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-?(.*)$")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")


class _Skip(Exception):
    """Raised by a field processor when the value is unusable and a warning was recorded."""


def _text(value: Any, key: str, path: Path) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        raise FrontMatterError(f"field '{key}' must be text, not a {type(value).__name__}", path=path)
    # Scraped titles and authors carry HTML entities ("A &#38; B"); spacing is tidied
    # because titles become file names and running heads.
    return _SPACES_RE.sub(" ", html.unescape(str(value))).strip()


def _text_list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items = [v for v in re.split(r"\s*[,，、]\s*", value)] if key in ("tags", "categories", "keywords") else [value]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = [value]
    out = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") or item.get("title") or ""
        text = _text(item, key, path)
        if text and text not in out:
            out.append(text)
    return tuple(out)


# Posts are dated between these years; anything else is a typo or a hostile value (and would
# overflow time arithmetic and ZIP timestamps downstream).
_YEARS = range(1900, 2101)


def _date(value: Any, key: str, path: Path, diag: Diagnostics) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        if value.year not in _YEARS:
            diag.warn("bad-date", f"field '{key}' is out of range: {value}")
            raise _Skip
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 10_000:  # "date: 2020" is a year, not a Unix time
            diag.warn("bad-date", f"field '{key}' is not a full date: {value!r}")
            raise _Skip
        # Unix time in seconds or milliseconds (feeds).
        seconds = value / 1000 if value > 1e11 else value
        try:
            parsed = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            parsed = None
        if parsed is None or parsed.year not in _YEARS:
            diag.warn("bad-date", f"field '{key}' is out of range: {value!r}")
            raise _Skip
        return parsed.isoformat()
    text = str(value).strip()
    candidate = re.sub(r"\s+([+-]\d{2}):?(\d{2})$", r"\1:\2", text)  # Jekyll "… +0800"
    candidate = re.sub(r"^(\d{4}-\d{2}-\d{2}) (\d)", r"\1T\2", candidate)
    try:
        parsed = dt.datetime.fromisoformat(candidate)
    except ValueError:
        diag.warn("bad-date", f"field '{key}' is not a date: {text!r}")
        raise _Skip from None
    if parsed.year not in _YEARS:
        diag.warn("bad-date", f"field '{key}' is out of range: {text!r}")
        raise _Skip
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate):
        return parsed.date().isoformat()
    return parsed.isoformat()


def _bool(value: Any, key: str, path: Path) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    raise FrontMatterError(f"field '{key}' must be true or false, not {value!r}", path=path)


def _lang(value: Any, key: str, path: Path, diag: Diagnostics) -> str:
    text = _text(value, key, path)
    tag = canonical(text)
    if text and not tag:
        diag.warn("bad-lang", f"field '{key}' is not a language tag: {text!r}")
    return tag


def _url(value: Any, key: str, path: Path) -> str:
    text = _text(value, key, path)
    return text if is_web_url(text) else ""


# model field -> (front-matter keys in priority order, processor)
Processor = Callable[..., Any]
FIELDS: dict[str, tuple[tuple[str, ...], Processor]] = {
    "title": (("title",), _text),
    "subtitle": (("subtitle",), _text),
    "authors": (("authors", "author"), _text_list),
    "date": (("date", "pubdate", "published", "publishdate", "publishDate", "created"), _date),
    "lang": (("lang", "language", "locale"), _lang),
    "source_url": (("from", "source", "original_url", "canonical_url", "canonicalURL"), _url),
    "tags": (("tags", "tag", "keywords"), _text_list),
    "categories": (("categories", "category"), _text_list),
    "slug": (("slug",), _text),
}
_NEEDS_DIAG = {_date, _lang}
_CONSUMED = {k for keys, _ in FIELDS.values() for k in keys} | {"draft"}


def normalize(raw: dict[str, Any], path: Path, diag: Diagnostics) -> dict[str, Any]:
    """Map front-matter ``raw`` to keyword arguments of :class:`Meta`."""
    out: dict[str, Any] = {}
    for field_name, (keys, proc) in FIELDS.items():
        for key in keys:
            value = raw.get(key)
            if value is None:
                continue
            # Jekyll's "published: false" is a switch, not a date.
            if key == "published" and isinstance(value, bool):
                continue
            try:
                result = proc(value, key, path, diag) if proc in _NEEDS_DIAG else proc(value, key, path)
            except _Skip:
                continue
            if result:
                out[field_name] = result
                break
    draft = False
    if "draft" in raw:
        draft = _bool(raw["draft"], "draft", path)
    if isinstance(raw.get("published"), bool) and not raw["published"]:
        draft = True
    out["draft"] = draft

    extra = []
    for key, value in raw.items():
        if key in _CONSUMED:
            continue
        extra.append((str(key), json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)))
    out["extra"] = tuple(extra)
    return out


_PATH_DATE_RE = re.compile(r"(?:^|/)(\d{4})[-/](\d{2})[-/](\d{2})(?:[-/]|$)")


def from_file_name(path: Path, diag: Diagnostics) -> dict[str, str]:
    """Date and slug from a Jekyll-style ``YYYY-MM-DD-slug`` file name; for a Hugo page
    bundle (``…/2020-05-16-slug/index.md``) from its folder; else a ``YYYY/MM/DD`` or
    ``YYYY-MM-DD`` segment of the path gives the date and the stem the slug."""
    stem = path.stem
    if stem in ("index", "_index", "README") and path.parent.name:
        stem = path.parent.name
    match = _FILENAME_DATE_RE.match(stem)
    if not match:
        out = {"slug": stem}
        segment = _PATH_DATE_RE.search(path.parent.as_posix())
        if segment:
            try:
                out["date"] = dt.date(*map(int, segment.groups())).isoformat()
            except ValueError:
                pass
        return out
    year, month, day, rest = match.groups()
    out = {"slug": rest.strip()}
    try:
        if int(year) not in _YEARS:
            raise ValueError(year)
        out["date"] = dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        diag.warn("bad-date", f"file name date {year}-{month}-{day} is not a date")
    return out
