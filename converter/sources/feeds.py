"""RSS 2.0 (and 1.0) and Atom 1.0 feeds: their entries as posts, with the full text when the feed has it.

For each entry the body is the fullest text the feed holds: RSS ``content:encoded``, else
``description`` (the full post, or a summary); Atom ``content`` (``html``, ``xhtml`` or
``text``; out-of-line ``src`` content is linked), else ``summary``. A body that is only a
summary (Atom ``summary`` alone, or an RSS description that ends in ``…``/``[…]`` or with a
"read more" link to the entry) is kept with a link to the original and a ``summary-only``
warning. Relative URLs in the body are made absolute where the feed says: Atom ``xml:base``
(on any ancestor, relative ones resolved in turn, else the feed's own URL), RSS the entry's
link, then the channel's. Dates: Atom ``published`` else ``updated``; RSS ``dc:date`` else
``pubDate`` (RFC 822, lenient). Authors: Atom entry authors, else the feed's; RSS
``dc:creator`` or the name in ``author`` (``mail@x (Name)``).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path
from urllib.parse import urljoin

from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from ..core.urls import is_web_url
from .discover import Discovered
from .site import Site

ATOM_NS = "http://www.w3.org/2005/Atom"
XHTML_NS = "http://www.w3.org/1999/xhtml"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
RSS1_NS = "http://purl.org/rss/1.0/"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_URL_ATTRS = ("href", "src", "poster", "data-src", "data-lazy-src", "data-original")
_SUMMARY_END_RE = re.compile(r"(?:…|\.\.\.|\[…\]|\[&#8230;\]|\[\.\.\.\]|\[&hellip;\])\s*$")
_READ_MORE_RE = re.compile(r"read more|continue reading|keep reading|more\s*»|继续阅读|阅读全文|閱讀全文|繼續閱讀|"
                           r"查看全文|続きを読む|もっと読む|더\s*보기|계속\s*읽기", re.I)


def _absolute(body: str, base: str) -> str:
    """``body`` with the relative URLs of its elements made absolute against ``base``."""
    if not is_web_url(base) or not body.strip():
        return body
    tree = LexborHTMLParser(body)
    root = tree.body
    if root is None:
        return body
    changed = False
    for node in root.css("[href], [src], [poster], [data-src], [data-lazy-src], [data-original], [srcset]"):
        for attr in _URL_ATTRS:
            value = node.attributes.get(attr)
            if value and not re.match(r"^[a-z][\w+.-]*:|^#", value.strip(), re.I):
                node.attrs[attr] = urljoin(base, value.strip())
                changed = True
        srcset = node.attributes.get("srcset")
        if srcset:
            parts = []
            for candidate in srcset.split(","):
                bits = candidate.split()
                if bits and not re.match(r"^[a-z][\w+.-]*:", bits[0], re.I):
                    bits[0] = urljoin(base, bits[0])
                parts.append(" ".join(bits))
            node.attrs["srcset"] = ", ".join(parts)
            changed = True
    return root.inner_html if changed else body


def _plain(text: str) -> str:
    """Text of a title that may hold markup (``type="html"``, escaped HTML in RSS)."""
    if "<" not in text:
        return text
    node = LexborHTMLParser(text).body
    return (node.text(deep=True) if node is not None else text) or ""


def _key(*candidates: str) -> str:
    """A stable id for an entry from its id, link or title."""
    seed = next((c for c in candidates if c), "")
    return "entry-" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:12]


def _summary_only(body: str, link: str) -> bool:
    """Whether an RSS description reads as a cut-off summary of the entry."""
    tree = LexborHTMLParser(body)
    text = " ".join((tree.body.text(deep=True) if tree.body is not None else body).split())
    if _SUMMARY_END_RE.search(text):
        return True
    for anchor in tree.css("a[href]"):
        if _READ_MORE_RE.search(anchor.text(deep=True) or "") and (
                not link or urljoin(link, anchor.attributes.get("href") or "").rstrip("/") == link.rstrip("/")):
            return True
    return "more-link" in body


def _with_original(body: str, link: str) -> str:
    """``body`` and a link to the original, unless it ends with one already ("继续阅读")."""
    if not link or any(urljoin(link, a.attributes.get("href") or "").rstrip("/") == link.rstrip("/")
                       for a in LexborHTMLParser(body).css("a[href]")):
        return body
    return body + f'\n<p><a href="{html.escape(link)}">{html.escape(link)}</a></p>'



def _payload(fields: dict, body: str) -> bytes:
    return json.dumps({"kind": "feed", "fields": fields, "body": body}, ensure_ascii=False,
                      sort_keys=True).encode("utf-8")


# -- Atom


def _atom_text(node: etree._Element | None) -> tuple[str, bool]:
    """(HTML of an Atom text construct or content, whether it has any)."""
    if node is None:
        return "", False
    kind = (node.get("type") or "text").lower()
    if kind == "xhtml":
        div = node.find(f"{{{XHTML_NS}}}div")
        parts = [div.text or ""] if div is not None else [node.text or ""]
        for child in (div if div is not None else node):
            etree.cleanup_namespaces(child)
            parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
        body = re.sub(r'\sxmlns(?::\w+)?="[^"]*"', "", "".join(parts))
        body = re.sub(r"<(/?)html:", r"<\1", body)
        return body, bool(body.strip())
    text = node.text or ""
    if kind in ("html", "text/html"):
        return text, bool(text.strip())
    if kind == "text" or kind.startswith("text/"):
        paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        return "".join(f"<p>{html.escape(p.strip())}</p>" for p in paragraphs), bool(paragraphs)
    return "", False  # base64 or XML of another vocabulary: nothing a book shows


def _atom_link(entry: etree._Element) -> str:
    for link in entry.findall(f"{{{ATOM_NS}}}link"):
        if (link.get("rel") or "alternate") == "alternate" and link.get("href"):
            return urljoin(link.base or "", link.get("href").strip())
    return ""


def _authors(node: etree._Element) -> list[str]:
    return [n.text.strip() for n in node.findall(f"{{{ATOM_NS}}}author/{{{ATOM_NS}}}name") if n.text and n.text.strip()]


def atom_items(root: etree._Element, path: Path, folder: Path, origin: str = "") -> list[Discovered]:
    """The entries of an Atom feed."""
    a = f"{{{ATOM_NS}}}"
    feed_authors = _authors(root)
    title, _ = _atom_text(root.find(f"{a}title"))
    home = ""
    for link in root.findall(f"{a}link"):
        if (link.get("rel") or "alternate") == "alternate" and link.get("href"):
            home = urljoin(link.base or origin, link.get("href"))
    site = Site("atom", None, _plain(title).strip(), home if is_web_url(home) else "")
    found = []
    for entry in root.findall(f"{a}entry"):
        link = _atom_link(entry)
        content = entry.find(f"{a}content")
        summary = entry.find(f"{a}summary")
        body, full = ("", False)
        external = content.get("src") if content is not None else None
        if content is not None and not external:
            body, full = _atom_text(content)
        warnings = []
        if not full:
            body, has_summary = _atom_text(summary)
            if external:
                body = _with_original(body, urljoin(content.base or "", external))
                warnings.append(f"the entry's content is a separate file ({external}); its summary and a link are kept")
            elif has_summary or link:
                body = _with_original(body, link)
                warnings.append("the feed holds only a summary of this entry; a link to the original follows it")
        base = (content if content is not None and full else summary if summary is not None else entry).base or origin
        body = _absolute(body, base)
        entry_title, _ = _atom_text(entry.find(f"{a}title"))
        ident = (entry.findtext(f"{a}id") or "").strip()
        fields = {
            "title": _plain(entry_title).strip(),
            "date": (entry.findtext(f"{a}published") or entry.findtext(f"{a}updated") or "").strip(),
            "updated": (entry.findtext(f"{a}updated") or "").strip(),
            "author": _authors(entry) or feed_authors,
            "categories": [c.get("label") or c.get("term") for c in entry.findall(f"{a}category")
                           if (c.get("label") or c.get("term") or "").strip()],
            "permalink": link, "source": link,
            "aliases": [ident] if is_web_url(ident) and ident != link else [],
        }
        if warnings:
            fields["_warnings"] = warnings
        found.append(Discovered(path, folder, site, _key(ident, link, fields["title"]), _payload(fields, body), origin))
    return found


# -- RSS


def rss_items(root: etree._Element, path: Path, folder: Path, origin: str = "") -> list[Discovered]:
    """The items of an RSS 2.0 (or RSS 1.0 / RDF) feed."""
    rss1 = root.tag != "rss"
    channel = root.find(f"{{{RSS1_NS}}}channel" if rss1 else "channel")
    if channel is None:
        return []
    item_tag = f"{{{RSS1_NS}}}item" if rss1 else "item"
    entries = (root if rss1 else channel).findall(item_tag)
    q = (lambda name: f"{{{RSS1_NS}}}{name}") if rss1 else (lambda name: name)
    home = (channel.findtext(q("link")) or "").strip()
    home = urljoin(origin, home) if home else origin
    site = Site("rss", None, _plain((channel.findtext(q("title")) or "").strip()), home if is_web_url(home) else "")
    found = []
    for entry in entries:
        link = (entry.findtext(q("link")) or "").strip()
        guid_node = entry.find("guid")
        guid = (guid_node.text or "").strip() if guid_node is not None and guid_node.text else ""
        if not link and guid and (guid_node.get("isPermaLink") or "true").lower() != "false":
            link = guid
        link = urljoin(home, link) if link else ""
        encoded = entry.findtext(f"{{{CONTENT_NS}}}encoded") or ""
        description = entry.findtext(q("description")) or ""
        body = encoded if encoded.strip() else description
        warnings = []
        if not encoded.strip() and body.strip() and _summary_only(body, link):
            body = _with_original(body, link)
            warnings.append("the feed holds only a summary of this entry; a link to the original follows it")
        for enclosure in entry.findall("enclosure"):
            url, kind = enclosure.get("url") or "", (enclosure.get("type") or "").lower()
            if url.startswith("http"):
                tag = "img" if kind.startswith("image/") else "audio" if kind.startswith("audio/") else "video"
                body += f'\n<p><{tag} src="{html.escape(url)}"></{tag}></p>' if tag != "img" else \
                    f'\n<p><img src="{html.escape(url)}" alt=""/></p>'
        body = _absolute(body, link or home)
        author = (entry.findtext(f"{{{DC_NS}}}creator") or "").strip()
        if not author:
            raw = (entry.findtext("author") or "").strip()
            match = re.search(r"\(([^)]+)\)", raw)
            author = match.group(1).strip() if match else ("" if "@" in raw else raw)
        fields = {
            "title": _plain(html.unescape((entry.findtext(q("title")) or "").strip())).strip(),
            "date": (entry.findtext(f"{{{DC_NS}}}date") or entry.findtext("pubDate") or "").strip(),
            "author": author,
            "categories": [(c.text or "").strip() for c in entry.findall("category") if (c.text or "").strip()],
            "permalink": link, "source": link,
            "aliases": [guid] if is_web_url(guid) and guid != link else [],
        }
        if warnings:
            fields["_warnings"] = warnings
        found.append(Discovered(path, folder, site, _key(guid, link, fields["title"] + fields["date"]),
                                _payload(fields, body), origin))
    return found
