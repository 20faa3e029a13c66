"""WordPress exports (WXR 1.0–1.2): the posts of the file, each with what it needs to be read.

WXR is RSS with WordPress's ``wp:`` elements (its namespace names its version, so any
``wordpress.org/export/N.N/`` is accepted). Each post or page becomes an item whose payload
holds its front-matter-like fields and its raw content, plus the media items it refers to
(``wordpress.py`` renders the content when the post is read):

* dates: ``wp:post_date`` is wall-clock time in the site's zone and ``wp:post_date_gmt``
  the instant, so their difference is the post's offset (daylight saving differs from post
  to post); a never-published draft has no GMT date and takes the offset most posts have;
* categories: an item names only the terms it has, so each category's path comes from the
  channel's parent links (``旅行 / 上海之行``), and a category that is an ancestor of another
  of the post's is not repeated; ``post_tag`` terms are tags, ``post_format`` terms nothing;
* authors: the display name of the ``dc:creator`` login (WXR 1.1+), else the login;
* addresses: the permalink, and ``?p=ID``/``?page_id=ID``, ``/archives/ID``, the GUID and
  ``/slug/`` as aliases, so links written in any of these forms find the post;
* status: published posts; drafts, pending and scheduled posts are drafts; private and
  password-protected posts are read only when asked; trash never; attachments, menus,
  revisions and other internal types are no posts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urljoin

from lxml import etree

from .discover import Discovered
from .site import Site

_WP_NS_RE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
_EXCERPT_NS_RE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
# Internal post types: never posts.
_NOT_POSTS = re.compile(r"^(attachment|nav_menu_item|revision|custom_css|customize_changeset|oembed_cache|user_request|"
                        r"wp_.*|wpcf7_contact_form|acf-field.*|shop_order.*|feedback|jp_.*|amp_validated_url)$")
_REFERENCE_RES = (re.compile(r"wp-image-(\d+)"), re.compile(r"attachment_(\d+)"), re.compile(r'"id":(\d+)'),
                  re.compile(r"\[(?:gallery|playlist)[^\]]*?\bids=[\"'“”]?([\d,\s]+)"))


def is_wxr(root: etree._Element) -> bool:
    """Whether a parsed RSS document is a WordPress export."""
    return any(_WP_NS_RE.match(uri or "") for uri in root.nsmap.values())


def _ns(root: etree._Element, pattern: re.Pattern, fallback: str) -> str:
    return next((uri for uri in root.nsmap.values() if uri and pattern.match(uri)), fallback)


def _text(node: etree._Element | None, path: str, ns: dict[str, str]) -> str:
    if node is None:
        return ""
    found = node.find(path, ns)
    return (found.text or "").strip() if found is not None and found.text else ""


def _local(text: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(text.strip())  # "2018-06-10 21:30:00"
    except ValueError:
        return None
    return parsed if 1900 <= parsed.year <= 2100 else None  # "0000-00-00 00:00:00": never published


def _offset(local: dt.datetime | None, gmt: dt.datetime | None) -> dt.timedelta | None:
    if local is None or gmt is None:
        return None
    minutes = round((local - gmt).total_seconds() / 60 / 15) * 15
    return dt.timedelta(minutes=minutes) if abs(minutes) <= 14 * 60 else None


def _aware(local: dt.datetime | None, offset: dt.timedelta | None) -> str:
    if local is None:
        return ""
    return local.replace(tzinfo=dt.timezone(offset)).isoformat() if offset is not None else local.isoformat()


def _category_paths(names: dict[str, tuple[str, str]], slugs: list[str]) -> list[str]:
    """The post's categories as paths; an ancestor of another category of the post goes."""
    paths = []
    for slug in slugs:
        chain, seen = [], set()
        current = slug
        while current and current in names and current not in seen:
            seen.add(current)
            chain.append(names[current][0])
            current = names[current][1]
        if chain:
            paths.append(" / ".join(reversed(chain)))
    return [p for p in dict.fromkeys(paths) if not any(o != p and o.startswith(p + " / ") for o in paths)]


class _Fields:
    """The text of an element's children by prefixed name, read once (exports are large)."""

    def __init__(self, node: etree._Element, ns: dict[str, str]) -> None:
        self.ns = {uri: prefix for prefix, uri in ns.items()}
        self.values: dict[str, str] = {}
        for child in node:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag.startswith("{"):
                uri, _, local = tag[1:].partition("}")
                tag = f"{self.ns[uri]}:{local}" if uri in self.ns else local
            if tag not in self.values:
                self.values[tag] = (child.text or "").strip()

    def __call__(self, name: str) -> str:
        return self.values.get(name, "")


def _meta(item: etree._Element, ns: dict[str, str]) -> dict[str, str]:
    out = {}
    for meta in item.findall("wp:postmeta", ns):
        key = _text(meta, "wp:meta_key", ns)
        if key:
            out[key] = _text(meta, "wp:meta_value", ns)
    return out


def items(root: etree._Element, path: Path, folder: Path, origin: str = "") -> list[Discovered]:
    """The posts and pages of the export rooted at ``root`` (see the module docstring)."""
    wp = _ns(root, _WP_NS_RE, "http://wordpress.org/export/1.1/")
    excerpt = _ns(root, _EXCERPT_NS_RE, "http://wordpress.org/export/1.1/excerpt/")
    ns = {"wp": wp, "excerpt": excerpt, "content": CONTENT_NS, "dc": DC_NS}
    channel = root.find("channel")
    if channel is None:
        return []
    base = (_text(channel, "wp:base_blog_url", ns) or _text(channel, "link", ns) or origin).rstrip("/") + "/"
    authors = {_text(a, "wp:author_login", ns): _text(a, "wp:author_display_name", ns)
               for a in channel.findall("wp:author", ns)}
    categories = {_text(c, "wp:category_nicename", ns): (_text(c, "wp:cat_name", ns), _text(c, "wp:category_parent", ns))
                  for c in channel.findall("wp:category", ns)}
    site = Site("wordpress", None, _text(channel, "title", ns), base if base.startswith("http") else "")
    entries = [(entry, _Fields(entry, ns)) for entry in channel.findall("item")]
    # Media first: posts refer to them by id, by URL and by their attachment page.
    attachments: dict[int, dict] = {}
    pages: dict[str, int] = {}
    offsets: Counter[dt.timedelta] = Counter()
    for entry, f in entries:
        kind = f("wp:post_type")
        ident = f("wp:post_id")
        offset = _offset(_local(f("wp:post_date")), _local(f("wp:post_date_gmt")))
        if offset is not None:
            offsets[offset] += 1
        if kind != "attachment" or not ident.isdigit():
            continue
        meta = _meta(entry, ns)
        url = f("wp:attachment_url") or f("guid")
        attachments[int(ident)] = {
            "url": url, "caption": f("excerpt:encoded"), "alt": meta.get("_wp_attachment_image_alt", ""),
            "title": f("title"), "parent": int(f("wp:post_parent") or 0)
            if f("wp:post_parent").isdigit() else 0,
            "order": int(f("wp:menu_order")) if f("wp:menu_order").lstrip("-").isdigit() else 0,
        }
        link = f("link")
        if link:
            pages[unquote(link).rstrip("/")] = int(ident)
    usual = offsets.most_common(1)[0][0] if offsets else None
    children: dict[int, list[int]] = {}
    for ident, attachment in attachments.items():
        children.setdefault(attachment["parent"], []).append(ident)
    found = []
    for entry, f in entries:
        kind = f("wp:post_type") or "post"
        status = f("wp:status") or "publish"
        ident = f("wp:post_id")
        if _NOT_POSTS.match(kind) or status in ("trash", "auto-draft", "inherit") or not ident.isdigit():
            continue
        post_id = int(ident)
        content = f("content:encoded")
        local = _local(f("wp:post_date"))
        offset = _offset(local, _local(f("wp:post_date_gmt")))
        guessed = offset is None and usual is not None
        modified = _local(f("wp:post_modified"))
        slug = unquote(f("wp:post_name"))
        link = f("link")
        guid = f("guid")
        term_slugs = [(c.get("domain"), c.get("nicename") or "", (c.text or "").strip()) for c in entry.findall("category")
                      if c.get("nicename") is not None]
        aliases = [urljoin(base, f"?{'page_id' if kind == 'page' else 'p'}={post_id}"), urljoin(base, f"archives/{post_id}")]
        if guid.startswith("http") and guid != link:
            aliases.append(guid)
        if slug:
            aliases.append(urljoin(base, slug + "/"))
        referenced = {int(n) for pattern in _REFERENCE_RES for m in pattern.finditer(content)
                      for n in re.findall(r"\d+", m.group(1))}
        linked = {pages[unquote(h).rstrip("/")] for h in re.findall(r'href="([^"]+)"', content)
                  if unquote(h).rstrip("/") in pages}
        own_media = {i: attachments[i] for i in sorted((referenced | linked) & attachments.keys()
                                                      | set(children.get(post_id, ())))}
        fields = {
            "title": f("title"),
            "date": _aware(local, offset if offset is not None else usual),
            "updated": _aware(modified, _offset(modified, _local(f("wp:post_modified_gmt"))) or
                              (offset if offset is not None else usual)),
            "author": authors.get(f("dc:creator")) or f("dc:creator"),
            "categories": _category_paths(categories, [s for d, s, _ in term_slugs if d == "category"]) or
                          [name for d, _, name in term_slugs if d == "category"],
            "tags": [name for d, _, name in term_slugs if d == "post_tag"],
            "permalink": link, "source": link if link.startswith("http") else "",
            "aliases": aliases, "slug": slug, "draft": status in ("draft", "pending", "future"),
            "status": status, "post_type": kind,
        }
        payload = {"kind": "wordpress", "fields": fields, "content": content, "post_id": post_id,
                   "attachments": own_media, "pages": {p: i for p, i in pages.items() if i in own_media},
                   "private": status == "private" or bool(f("wp:post_password")),
                   "date_guessed": guessed}
        found.append(Discovered(path, folder, site, f"{kind}-{post_id}",
                                json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8"), origin))
    return found
