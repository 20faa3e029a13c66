"""Dates in the forms blog generators, WordPress exports and feeds write them, to ISO text.

One parser for every source: YAML/TOML date values, ISO 8601 with or without a zone (a ``T``
or a space, ``+08:00``, ``+0800`` or ``Z``, one-digit months and days), Hexo's
``2013/7/13 20:46:25`` and ``Apr 24 2014``, RFC 822 (RSS, Hugo's RFC1123 layouts), Unix time
in seconds or milliseconds (Hugo reads integer dates as epoch seconds). A date written
without a zone is wall-clock time in the site's zone when one is known (a generator's
``timezone`` setting, the ``timezone`` setting), else it stays without a zone; a date with a
zone keeps it (Hugo and Jekyll keep an explicit offset, and so does the Hexo that hexojs/
hexo-front-matter#146 intends).
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Posts are dated between these years; anything else is a typo or a hostile value (and would
# overflow time arithmetic and ZIP timestamps downstream).
YEARS = range(1900, 2101)

_ISO_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$")
_SLASH_RE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# "Apr 24 2014", "April 24, 2014", "24 Apr 2014" (Hexo through JavaScript's Date, cast's
# "02 Jan 2006"), with an optional time.
_NAMED_RE = re.compile(
    r"^(?:[A-Za-z]{3,9},?\s+)?(?:([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})|(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4}))"
    r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class DateError(ValueError):
    """A value that is no date, or one outside :data:`YEARS`."""


@cache
def zone(name: str) -> dt.tzinfo | None:
    """The time zone called ``name`` (IANA, ``UTC``, ``+08:00``); None when unknown."""
    name = (name or "").strip()
    if not name:
        return None
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", name)
    if match:
        minutes = int(match.group(2)) * 60 + int(match.group(3))
        return dt.timezone(dt.timedelta(minutes=minutes if match.group(1) == "+" else -minutes))
    if name.upper() in ("UTC", "GMT", "Z", "ETC/UTC"):
        return dt.timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def check_zone(name: str) -> str:
    """The ``timezone`` setting's check: an IANA name (``Asia/Shanghai``), ``UTC`` or an offset."""
    if name and zone(name) is None:
        raise ValueError("not a time zone (write an IANA name such as Asia/Shanghai, or UTC)")
    return name


def _offset(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    if text.upper() in ("Z", "UTC", "GMT"):
        return dt.timezone.utc
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
    return dt.timezone(sign * dt.timedelta(minutes=minutes))


def _from_parts(year, month, day, hour=None, minute=None, second=None, fraction=None,
                tz: dt.tzinfo | None = None) -> dt.date | dt.datetime:
    if hour is None:
        return dt.date(int(year), int(month), int(day))
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tzinfo=tz)


def parse_text(text: str) -> dt.date | dt.datetime | None:
    """A date or date-time from text in any of the module's forms; None when it is none."""
    text = " ".join(text.split())
    if not text:
        return None
    try:
        match = _ISO_RE.match(text)
        if match:
            *parts, offset = match.groups()
            if parts[3] is None and offset:
                return _from_parts(*parts[:3], 0, 0, 0, None, _offset(offset))
            return _from_parts(*parts, tz=_offset(offset))
        match = _SLASH_RE.match(text)
        if match:
            return _from_parts(*match.groups())
        match = _NAMED_RE.match(text)
        if match:
            g = match.groups()
            name, day, year = (g[0], g[1], g[2]) if g[0] else (g[4], g[3], g[5])
            month = _MONTHS.get(name[:3].lower())
            if month is None:
                return None
            return _from_parts(year, month, day, *g[6:9])
    except ValueError:
        return None
    try:  # RFC 822 / 2822 (RSS pubDate; weekday optional; GMT, EST... or +hhmm)
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed


def to_datetime(value: object) -> dt.date | dt.datetime:
    """``value`` (a YAML/TOML date, a date-time, text, or Unix time) as a date or date-time;
    raises :class:`DateError` for anything else."""
    if isinstance(value, bool):
        raise DateError(f"{value!r} is not a date")
    if isinstance(value, dt.datetime):
        parsed: dt.date | dt.datetime = value
    elif isinstance(value, dt.date):
        parsed = value
    elif isinstance(value, (int, float)):
        if value < 10_000:  # "date: 2020" is a year, not a Unix time
            raise DateError(f"{value!r} is not a full date")
        seconds = value / 1000 if value > 1e11 else value  # feeds write milliseconds
        try:
            parsed = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise DateError(f"{value!r} is out of range") from None
    elif isinstance(value, str):
        found = parse_text(value)
        if found is None:
            raise DateError(f"{value.strip()[:60]!r} is not a date")
        parsed = found
    else:
        raise DateError(f"a {type(value).__name__} is not a date")
    if parsed.year not in YEARS:
        raise DateError(f"{value!s:.60} is out of range")
    return parsed


def iso(value: object, tz: dt.tzinfo | None = None) -> str:
    """``value`` as ISO 8601 text: a date-time without a zone (or a date alone) is wall-clock
    time in ``tz`` when it is given; raises :class:`DateError`."""
    parsed = to_datetime(value)
    if isinstance(parsed, dt.datetime):
        if parsed.tzinfo is None and tz is not None:
            parsed = parsed.replace(tzinfo=tz)
            # ZoneInfo offsets are only known once attached; fixed offsets print the same.
            parsed = parsed.astimezone(dt.timezone(parsed.utcoffset()))
        return parsed.isoformat()
    if tz is not None:
        aware = dt.datetime(parsed.year, parsed.month, parsed.day, tzinfo=tz)
        return aware.astimezone(dt.timezone(aware.utcoffset())).isoformat()
    return parsed.isoformat()


def wall_clock(value: str, tz: dt.tzinfo | None) -> dt.datetime | None:
    """The wall-clock time of an ISO ``value`` in ``tz`` (a value without a zone is read as
    written); the date parts of a permalink come from it. None for ''."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is not None and tz is not None:
        parsed = parsed.astimezone(tz)
    return parsed
