"""Files that hold many posts (WordPress exports, RSS and Atom feeds): posts in, posts out.

:func:`expand` parses such a file once and gives one :class:`Discovered` per post, each with
its own bytes (``payload``, JSON of its front-matter-like fields and its body) and a stable
id (``post-41``, ``entry-<hash of its id>``). :func:`load_item` makes a
:class:`~converter.sources.post.RawPost` of one, through the same field table and the same
draft rule as a post file, so the same readers and cleanup read it. XML is parsed with
entity expansion, DTDs and network access off.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from lxml import etree

from ..core.diagnostics import Diagnostics
from ..core.errors import SourceError
from ..core.model import Meta
from ..core.options import ReadOptions
from .dates import zone
from .decode import XML_INVALID_RE
from .discover import FEED_SUFFIXES, Discovered
from .feeds import ATOM_NS, RSS1_NS, atom_items, rss_items
from .fields import normalize
from .wordpress import Attachment, render
from .wxr import is_wxr
from .wxr import items as wxr_items

MAX_FEED_BYTES = 512 * 1024 * 1024
_SNIFF_RE = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<(rss|feed|rdf:RDF)\b", re.S)


def is_feed_file(path: Path) -> bool:
    """Whether a named file is an export or a feed: by its suffix, or by its first element."""
    if path.suffix.lower() in FEED_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return bool(_SNIFF_RE.match(head.lstrip(b"\xef\xbb\xbf")))


def parse_xml(data: bytes, name: str, base_url: str = "") -> tuple[etree._Element, bool]:
    """The root element of an XML document, and whether it had to be repaired (characters
    XML forbids removed, or a broken document recovered as far as it goes)."""
    if len(data) > MAX_FEED_BYTES:
        raise SourceError(f"file is {len(data)} bytes, over the {MAX_FEED_BYTES} byte limit", path=name)
    if not data.strip():
        raise SourceError("file is empty", path=name)
    options: dict[str, Any] = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                   remove_pis=True)
    try:
        return etree.fromstring(data, etree.XMLParser(**options), base_url=base_url or None), False
    except etree.XMLSyntaxError as exc:
        first = exc
    # WordPress exports carry control characters XML forbids (the importer filters them too).
    text = data.decode("utf-8", errors="replace")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", XML_INVALID_RE.sub("", text.lstrip("\ufeff")))
    try:
        root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(recover=True, **options),
                                base_url=base_url or None)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        line = f" at line {first.lineno}" if getattr(first, "lineno", None) else ""
        raise SourceError(f"not well-formed XML{line}: {first.msg}", path=name,
                          hint="a WordPress export (WXR), an RSS or an Atom feed is expected")
    return root, True


def expand(data: bytes, path: Path, root: Path, origin: str = "") -> list[Discovered]:
    """The posts of an export or a feed (``origin``: the URL it was downloaded from)."""
    name = origin or str(path)
    base = origin or path.resolve().as_uri()
    element, repaired = parse_xml(data, name, base)
    tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
    namespace = etree.QName(element).namespace if isinstance(element.tag, str) else None
    if tag == "rss" and is_wxr(element):
        found = wxr_items(element, path, root, origin)
    elif tag == "rss" or (tag == "RDF" and element.find(f"{{{RSS1_NS}}}channel") is not None):
        found = rss_items(element, path, root, origin)
    elif tag == "feed" and namespace == ATOM_NS:
        found = atom_items(element, path, root, origin)
    else:
        raise SourceError(f"<{tag}> document is not a WordPress export, an RSS or an Atom feed", path=name)
    if not found:
        raise SourceError("holds no posts", path=name)
    if repaired:
        note = "not well-formed XML: read what could be recovered"
        found = [replace(f, payload=json.dumps({**json.loads(f.payload), "_repaired": note}, ensure_ascii=False,
                                               sort_keys=True).encode("utf-8")) for f in found]
    return found


def _wordpress(payload: dict[str, Any], options: ReadOptions, diag: Diagnostics) -> tuple[dict[str, Any], str] | None:
    fields = payload["fields"]
    if fields.get("post_type") not in options.wordpress_types:
        return None
    if payload.get("private") and not options.private:
        return None
    attachments = {int(k): Attachment(**v) for k, v in payload.get("attachments", {}).items()}
    body = render(payload.get("content", ""), int(payload.get("post_id", 0)), attachments,
                  {k: int(v) for k, v in payload.get("pages", {}).items()}, diag)
    return fields, body


def load_item(found: Discovered, options: ReadOptions):
    """The :class:`RawPost` of an item (None for a draft, a private post or a post type not
    asked for) and its warnings; raises :class:`SourceError` for a broken payload."""
    from .post import RawPost  # noqa: PLC0415 - post imports this module

    diag = Diagnostics(found.name)
    try:
        payload = json.loads(found.payload)
    except ValueError as exc:
        raise SourceError(f"item cannot be read: {exc}", path=found.name) from exc
    if payload.get("_repaired"):
        diag.warn("xml-repaired", payload["_repaired"])
    if payload.get("kind") == "wordpress":
        read = _wordpress(payload, options, diag)
        if read is None:
            return None, diag
        raw, body = read
    else:
        raw, body = dict(payload["fields"]), payload.get("body", "")
    raw = dict(raw)
    for message in raw.pop("_warnings", ()):
        diag.warn("summary-only", message)
    body, removed = XML_INVALID_RE.subn("", body)
    if removed:
        diag.warn("invalid-characters", f"removed {removed} control or non-XML character(s)")
    fields = normalize(raw, found.path, diag, zone(options.timezone))
    meta = replace(Meta(source_path=found.name), **fields)
    if meta.draft and not options.drafts:
        return None, diag
    if payload.get("date_guessed"):
        diag.warn("wordpress-date", "never published: its time zone is taken from the other posts")
    return RawPost(found.path, found.root, meta, body, "html"), diag
