"""The feed-post envelope: ``<!--timestamp-->``, ``[title](url)``, ``------``, then the body.

Feed exporters write this header above an HTML body (the seed post and 737 posts of the
measured corpus have it). It is metadata, not content: a Markdown renderer would turn it
into a heading that repeats the title.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_HEADER_RE = re.compile(
    r"\A\s*(?:<!--\s*(?P<stamp>\d{9,14}|NaN)\s*-->[ \t]*\n)?"
    r"[ \t]*\[(?P<title>[^\n]*)\]\((?P<url>[^\s)]+)(?:\s+\"[^\"\n]*\")?\)[ \t]*\n"
    r"[ \t]*-{3,}[ \t]*(?:\n|\Z)"
)
_MD_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass(frozen=True, slots=True)
class FeedHeader:
    """What a feed header says: the title, the source URL and the timestamp (ISO, or '')."""

    title: str
    url: str
    date: str


def split_feed_header(body: str) -> tuple[FeedHeader | None, str]:
    """Return the header found at the start of ``body`` (or None) and the rest of the body."""
    match = _HEADER_RE.match(body)
    if not match:
        return None, body
    stamp = match["stamp"]
    date = ""
    if stamp and stamp != "NaN":
        seconds = int(stamp) / (1000 if len(stamp) > 11 else 1)
        try:
            date = dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            date = ""
    title = _MD_ESCAPE_RE.sub(r"\1", match["title"]).strip()
    return FeedHeader(title, match["url"], date), body[match.end():]
