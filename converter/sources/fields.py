"""Normalize front-matter fields into :class:`~converter.core.model.Meta` through one table.

Each model field lists the front-matter keys that feed it (first present wins) and the
function that normalizes the value, in the manner of Pelican's METADATA_PROCESSORS. A value
of an unexpected kind (a list for a title, ``draft: maybe``) or that cannot be used (a date
that is no date) is a warning, and the next key, the file name or nothing takes its place:
a post is never refused for a field. Generator-specific keys and meanings are turned into
these keys first (``generators.py``).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostics
from ..core.langtag import canonical
from ..core.urls import web_url
from .dates import YEARS as _YEARS
from .dates import DateError, iso
from .generators import CATEGORY_SEPARATOR

_FILENAME_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-?(.*)$")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_ADDRESS_RE = re.compile(r"^[^\s<>\"'`\x00-\x1f]{1,2000}$")


class _Skip(Exception):
    """Raised by a field processor when the value is unusable and a warning was recorded."""


@dataclass(frozen=True, slots=True)
class _Field:
    """What a processor knows: the key, the post's diagnostics and the zone of its dates."""

    key: str
    diag: Diagnostics
    tz: dt.tzinfo | None = None

    def skip(self, code: str, message: str) -> _Skip:
        self.diag.warn(code, message)
        return _Skip()


def _scalar_text(value: Any, f: _Field) -> str:
    if isinstance(value, (list, tuple, dict)):
        kind = "list" if isinstance(value, (list, tuple)) else "mapping"
        raise f.skip("bad-field", f"field '{f.key}' should be text, not a {kind}; ignored")
    if isinstance(value, bool):
        return "true" if value else "false"
    # Scraped titles and authors carry HTML entities ("A &#38; B"); spacing is tidied
    # because titles become file names and running heads.
    return _SPACES_RE.sub(" ", html.unescape(str(value))).strip()


def _text(value: Any, f: _Field) -> str:
    return "" if value is None else _scalar_text(value, f)


def _text_list(value: Any, f: _Field) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = re.split(r"\s*[,，、]\s*", value) if f.key in ("tags", "categories", "keywords") else [value]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    elif isinstance(value, dict):
        items = [value]
    else:
        items = [value]
    out = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") or item.get("title") or ""
        if isinstance(item, (list, tuple)):
            # A list in a list is a path (Hexo's hierarchical categories): "Linux / Kernel".
            parts = [_SPACES_RE.sub(" ", html.unescape(str(p))).strip() for p in item
                     if p is not None and not isinstance(p, (list, tuple, dict))]
            text = CATEGORY_SEPARATOR.join(p for p in parts if p)
        else:
            try:
                text = _text(item, f)
            except _Skip:
                continue
        if text and text not in out:
            out.append(text)
    return tuple(out)


def _date(value: Any, f: _Field) -> str:
    if value is None or value == "":
        return ""
    try:
        return iso(value, f.tz)
    except DateError as exc:
        raise f.skip("bad-date", f"field '{f.key}': {exc}") from None


def _bool(value: Any, f: _Field) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    raise f.skip("bad-field", f"field '{f.key}' should be true or false, not {value!r:.40}; read as false")


def _lang(value: Any, f: _Field) -> str:
    text = _text(value, f)
    tag = canonical(text)
    if text and not tag:
        f.diag.warn("bad-lang", f"field '{f.key}' is not a language tag: {text!r}")
    return tag


def _url(value: Any, f: _Field) -> str:
    return web_url(_text(value, f))


def _address(value: Any, f: _Field) -> str:
    """A post's own address as front matter writes it: a URL or a path of its site."""
    text = _text(value, f)
    return text if _ADDRESS_RE.match(text) and not re.match(r"^[a-z][\w+.-]*:(?!//)", text, re.I) else ""


def _addresses(value: Any, f: _Field) -> tuple[str, ...]:
    return tuple(a for a in (_address(v, f) for v in _text_list(value, f)) if a)


# model field -> (front-matter keys in priority order, processor)
Processor = Callable[[Any, _Field], Any]
FIELDS: dict[str, tuple[tuple[str, ...], Processor]] = {
    "title": (("title",), _text),
    "subtitle": (("subtitle",), _text),
    "authors": (("authors", "author"), _text_list),
    "date": (("date", "pubdate", "published", "publishdate", "publishDate", "created"), _date),
    "updated": (("updated", "lastmod", "lastMod", "modified", "last_modified_at"), _date),
    "expires": (("expires", "expirydate", "expiryDate", "unpublishdate"), _date),
    "lang": (("lang", "language", "locale"), _lang),
    "source_url": (("from", "source", "original_url", "canonical_url", "canonicalURL"), _url),
    "tags": (("tags", "tag", "keywords"), _text_list),
    "categories": (("categories", "category"), _text_list),
    "slug": (("slug",), _text),
    "url": (("permalink", "url"), _address),
    "aliases": (("aliases", "redirect_from"), _addresses),
}
_CONSUMED = {k for keys, _ in FIELDS.values() for k in keys} | {"draft"}


def normalize(raw: dict[str, Any], path: Path, diag: Diagnostics, tz: dt.tzinfo | None = None) -> dict[str, Any]:
    """Map front-matter ``raw`` to keyword arguments of :class:`Meta`; dates without a zone
    are wall-clock time in ``tz`` when it is given."""
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
                result = proc(value, _Field(key, diag, tz))
            except _Skip:
                continue
            if result:
                out[field_name] = result
                break
    draft = False
    if "draft" in raw:
        try:
            draft = _bool(raw["draft"], _Field("draft", diag))
        except _Skip:
            draft = False
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
