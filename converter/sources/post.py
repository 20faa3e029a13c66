"""Load one post file: decode, split front matter, normalize fields, tell Markdown from HTML."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.diagnostics import Diagnostics
from ..core.model import Meta
from ..core.options import ReadOptions
from .dates import iso, zone
from .decode import TruncatedText, read_text, strip_xml_invalid
from .discover import Discovered
from .feedheader import split_feed_header
from .fields import from_file_name, normalize
from .generators import name_parts, prepare, split_post
from .items import load_item
from .permalinks import addresses
from .site import Site, front_matter_defaults, with_url

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


def _file_name_fields(path: Path, site: Site | None, diag: Diagnostics, tz: dt.tzinfo | None) -> dict[str, str]:
    """Date and slug from the file name, by the generator's rule where it has one."""
    if site is not None and site.generator in ("jekyll", "hugo", "hexo"):
        parts = name_parts(path, site)
        stem = path.parent.name if path.stem in ("index", "_index") else path.stem
        fields = {"date": parts[0], "slug": parts[1]} if parts else {"slug": stem}
        if site.generator == "hexo" and not parts:
            fields = from_file_name(path, diag)  # better than Hexo's file birth time
        if site.filename_dates == "no":
            fields = {"slug": stem}  # Hugo's own: no date, and the whole name is the slug
    else:
        fields = from_file_name(path, diag)
    if fields.get("date") and tz is not None:
        fields["date"] = iso(fields["date"], tz)
    return fields


def load_post(found: Discovered, options: ReadOptions) -> tuple[RawPost | None, Diagnostics]:
    """Read ``found``; return the post (None for a skipped draft) and its warnings.

    A post file inside a site is read as its generator reads it (``generators.py``) and
    gets its address on the site (``permalinks.py``); a post of an export or a feed is read
    from its own bytes (``items.py``). Raises :class:`~converter.core.errors.SourceError`
    (or ``FrontMatterError``) for a post that cannot be read at all.
    """
    if found.item:
        return load_item(found, options)
    path = found.path
    site = found.site
    if options.site_url:
        site = with_url(site or Site(), options.site_url)
    generator = site.generator if site is not None else ""
    tz = zone(options.timezone or (site.timezone if site is not None else ""))
    diag = Diagnostics(str(path))
    text = read_text(path)
    if isinstance(text, TruncatedText):
        diag.warn("truncated", "the file ends in the middle of a character (cut short?); the rest is read")
    text, removed = strip_xml_invalid(text)
    if removed:
        diag.warn("invalid-characters", f"removed {removed} control or non-XML character(s)")
    raw, body, _kind = split_post(text, path, generator, diag)
    raw = {**front_matter_defaults(site, path), **raw}  # Jekyll's defaults, under the post's own
    fields = normalize(prepare(raw, path, site), path, diag, tz)
    header, body = split_feed_header(body)
    # The front matter wins; the feed header, then the file name, fill what it lacks.
    fallbacks = [_file_name_fields(path, site, diag, tz)]
    if header is not None:
        # Through the same checks as front matter: a header's link is the post's text, and
        # only an http(s) address may become the source link every writer prints.
        checked = normalize({"title": header.title, "source": header.url, "date": header.date}, path, diag)
        fallbacks.insert(0, {k: checked[k] for k in ("title", "source_url", "date") if k in checked})
    for fallback in fallbacks:
        for name, value in fallback.items():
            if value and not fields.get(name):
                fields[name] = value
    if site is not None and site.filename_dates == "first" and fallbacks[-1].get("date"):
        fields["date"] = fallbacks[-1]["date"]
    meta = replace(Meta(source_path=str(path)), **fields)
    url, aliases = addresses(site, path, meta, options.timezone)
    meta = replace(meta, url=url, aliases=aliases)
    if meta.draft and not options.drafts:
        return None, diag
    declared = raw.get("format", raw.get("markup"))
    return RawPost(path, found.root, meta, body, body_format(path, body, declared)), diag
