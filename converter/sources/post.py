"""Load one post file: decode, split front matter, normalize fields, tell Markdown from HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.diagnostics import Diagnostics
from ..core.model import Meta
from ..core.options import ReadOptions
from .decode import TruncatedText, read_text, strip_xml_invalid
from .discover import Discovered
from .feedheader import split_feed_header
from .fields import from_file_name, normalize
from .frontmatter import split

# An HTML body starts with an element (after comments and whitespace) and ends with a tag. Anything else is Markdown, which may still
# contain raw HTML. (A comment cannot run past its "-->": with ".*?" there, 50 comments in a
# row could be split 2^50 ways before the match failed.)
_HTML_START_RE = re.compile(
    r"^(?:\s|<!--(?:[^-]|-(?!->))*-->)*<(?:!doctype|html|head|body|article|section|div|main|header|p|table|ul|ol|"
    r"h[1-6]|blockquote|figure|pre|center|aside|nav|font|span|dl|hr|br|img|a|strong|b)\b",
    re.I | re.S,
)
_FORMATS = {"html": "html", "htm": "html", "markdown": "markdown", "md": "markdown"}


@dataclass(frozen=True, slots=True)
class RawPost:
    """A post split into normalized metadata and its body text, not yet parsed."""

    path: Path
    root: Path
    meta: Meta
    body: str
    body_format: str  # "markdown" or "html"


def body_format(path: Path, body: str, declared: object) -> str:
    """'html' or 'markdown' for a body without its feed header: a declared
    ``format``/``markup`` key wins, then the suffix (``.html``), then the shape of the body
    (see docs/architecture.md)."""
    if isinstance(declared, str) and declared.lower() in _FORMATS:
        return _FORMATS[declared.lower()]
    if path.suffix.lower() in (".html", ".htm"):
        return "html"
    if _HTML_START_RE.match(body) and body.rstrip().endswith(">"):
        return "html"
    return "markdown"


def load_post(found: Discovered, options: ReadOptions) -> tuple[RawPost | None, Diagnostics]:
    """Read ``found.path``; return the post (None for a skipped draft) and its warnings.

    Raises :class:`~converter.core.errors.SourceError` (or ``FrontMatterError``) for a post that
    cannot be read at all.
    """
    path = found.path
    diag = Diagnostics(str(path))
    text = read_text(path)
    if isinstance(text, TruncatedText):
        diag.warn("truncated", "the file ends in the middle of a character (cut short?); the rest is read")
    text, removed = strip_xml_invalid(text)
    if removed:
        diag.warn("invalid-characters", f"removed {removed} control or non-XML character(s)")
    raw, body, _kind = split(text, path)
    fields = normalize(raw, path, diag)
    header, body = split_feed_header(body)
    # The front matter wins; the feed header, then the file name, fill what it lacks.
    fallbacks = [from_file_name(path, diag)]
    if header is not None:
        # Through the same checks as front matter: a header's link is the post's text, and
        # only an http(s) address may become the source link every writer prints.
        checked = normalize({"title": header.title, "source": header.url, "date": header.date}, path, diag)
        fallbacks.insert(0, {k: checked[k] for k in ("title", "source_url", "date") if k in checked})
    for fallback in fallbacks:
        for name, value in fallback.items():
            if value and not fields.get(name):
                fields[name] = value
    meta = replace(Meta(source_path=str(path)), **fields)
    if meta.draft and not options.drafts:
        return None, diag
    declared = raw.get("format", raw.get("markup"))
    return RawPost(path, found.root, meta, body, body_format(path, body, declared)), diag
