"""Structural cleanup rules: decisions a CSS selector cannot make alone.

Each rule is a function ``rule(ctx)`` over the parsed body that removes what it finds
through ``ctx.remove(rule_name, node)`` so that every removal is reported. The rules look at
structure, position, link density and content share, never at one site's article ids.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from ..core.urls import image_source
from .context import CleanupContext

_TRACKER_SRC_RE = re.compile(r"(/pixel|/beacon|/tracking|/track\?|spacer\.gif|blank\.gif|1x1\.|/stat\?|"
                             r"/_/stat|feeds\.feedburner|/wf/open|mailchimp.*open)", re.I)
_ICON_RE = re.compile(r"(?:^|[/_.-])(icons?|emoji|smiley|smilies|avatar|gravatar|logo|spinner|loading|"
                      r"zoom|share|sprite)(?:[/_.-]|$)", re.I)
_ICON_CLASS_RE = re.compile(r"\b(wp-smiley|emoji|avatar|icon)\b", re.I)
_SPAM_RE = re.compile(r"\b(viagra|cialis|levitra|tadalafil|sildenafil|propecia|albuterol|ventolin|"
                      r"kamagra|casino|payday loans?|replica watches|essay writing service)\b", re.I)
_COMMENT_SECTIONS = ("#comments, .comments, .comment-wrapper, .comments-area, .comment-list, #disqus_thread, "
                     "#respond, .comment-respond, .commentlist")
_COMMENT_ITEMS = ".comment, li.comment, article.comment"
_BLOCKS = frozenset({"p", "div", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
                     "figure", "table", "section", "article", "header", "footer", "aside", "pre", "dl"})
_LEAF_BLOCKS = "p, li, h1, h2, h3, h4, h5, h6, figure, pre, blockquote, dt, dd, td, div"


def _unique(nodes: list[LexborNode]) -> list[LexborNode]:
    """Selector groups can match one element twice; keep the first of each."""
    seen: set[int] = set()
    out = []
    for node in nodes:
        if node.mem_id not in seen:
            seen.add(node.mem_id)
            out.append(node)
    return out


def _text_len(node: LexborNode) -> int:
    return len("".join((node.text(deep=True) or "").split()))


def _link_text_len(node: LexborNode) -> int:
    return sum(_text_len(a) for a in node.css("a"))


def _prev_element(node: LexborNode) -> LexborNode | None:
    """The previous sibling element, skipping comments and whitespace (None if text comes first)."""
    prev = node.prev
    while prev is not None and (prev.tag == "-comment"
                                or prev.tag == "-text" and not (prev.text_content or "").strip()):
        prev = prev.prev
    return prev if prev is not None and prev.tag != "-text" else None


_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def lazy_noscript(ctx: CleanupContext) -> None:
    """``<noscript><img></noscript>`` after a lazy image, read as a browser without scripts
    would show it: the copy is dropped when the lazy image is visible and has a usable
    source; otherwise the copy stands in for the image."""
    for noscript in ctx.root.css("noscript"):
        if noscript.parent is None or noscript.css_first("img") is None:
            continue
        prev = _prev_element(noscript)
        lazy = prev if prev is not None and prev.tag == "img" else None
        if lazy is None and prev is not None and prev.tag in ("picture", "span", "a", "div"):
            lazy = prev.css_first("img")
        if prev is not None and prev.tag == "noscript":
            ctx.remove("generic.lazy-noscript", noscript, quiet=True)  # a second copy
            continue
        hidden = lazy is not None and _HIDDEN_STYLE_RE.search(lazy.attributes.get("style") or "")
        if lazy is not None and not hidden and image_source(lazy, ctx.source_url):
            ctx.remove("generic.lazy-noscript", noscript, quiet=True)
        else:
            if lazy is not None:
                ctx.remove("generic.lazy-noscript", lazy, quiet=True)
            noscript.unwrap()


def tracking_pixels(ctx: CleanupContext) -> None:
    """1x1 images, spacers and web beacons."""
    for img in ctx.root.css("img"):
        attrs = img.attributes
        width = (attrs.get("width") or "").strip().rstrip("px")
        height = (attrs.get("height") or "").strip().rstrip("px")
        src = " ".join(v for k, v in attrs.items() if v and ("src" in k))
        if width in ("0", "1") or height in ("0", "1") or _TRACKER_SRC_RE.search(src):
            ctx.remove("generic.tracking-pixels", img, label=src[:60])


def icons(ctx: CleanupContext) -> None:
    """UI icons among content images: named like icons, or small and classed as icons."""
    for img in ctx.root.css("img"):
        src = image_source(img, ctx.source_url)
        path = urlsplit(src).path if src else ""
        name = path.rsplit("/", 1)[-1]
        try:
            small = max(int(img.attributes.get("width") or 0), int(img.attributes.get("height") or 0)) <= 48
        except ValueError:
            small = False
        classed = bool(_ICON_CLASS_RE.search(img.attributes.get("class") or ""))
        if _ICON_RE.search(name) or (classed and small) or (small and _ICON_RE.search(path)):
            ctx.remove("generic.icons", img, label=name[:60])


def duplicate_images(ctx: CleanupContext) -> None:
    """The same image twice in a row (a lazy-load copy next to the real one)."""
    last = None
    for img in ctx.root.css("img"):
        src = image_source(img, ctx.source_url)
        if src and src == last:
            ctx.remove("generic.duplicate-images", img, label=src[-60:])
        last = src


def comments(ctx: CleanupContext) -> None:
    """Comment sections go, unless they hold most of the article and their items read like
    essays rather than comments (a 'conversation' post of invited responses): content share
    decides, not the class name."""
    total = _text_len(ctx.root) or 1
    for section in _unique(ctx.root.css(_COMMENT_SECTIONS)):
        if section.parent is None:
            continue
        share = _text_len(section) / total
        items = _unique(section.css(_COMMENT_ITEMS))
        lengths = [_text_len(i) for i in items] or [_text_len(section)]
        spam = sum(1 for i in items if _SPAM_RE.search(i.text(deep=True) or ""))
        essays = statistics.median(lengths) >= 600 and spam <= len(items) / 4
        if share >= 0.5 and essays:
            continue
        ctx.remove("generic.comments", section)


def _bare_link(item: LexborNode) -> bool:
    """True when ``item`` holds one link and nothing else: no bracket, no word outside it
    (an author who lists readings types 《》 or a comment; a CMS emits the bare link)."""
    links = item.css("a[href]")
    if len(links) != 1:
        return False
    return _text_len(item) == _text_len(links[0]) > 0


def _site_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    parts = host.split(".")
    return ".".join(parts[-2:]) if len(parts) >= 2 else host


def related_links(ctx: CleanupContext) -> None:
    """A list whose every item is a bare link to the post's own site, with no introduction
    (no preceding line ending in a colon): the CMS's 'related stories'. An author's curated
    reading list has an introduction or its own punctuation around the titles, and stays."""
    site = _site_of(ctx.source_url)
    if not site:
        return
    for lst in ctx.root.css("ul, ol"):
        items = [li for li in lst.css("li") if li.parent is not None and li.parent.mem_id == lst.mem_id]
        if len(items) < 2 or not all(_bare_link(li) for li in items):
            continue
        hrefs = [a.attributes.get("href") or "" for li in items for a in li.css("a[href]")]
        if not all(_site_of(h) == site for h in hrefs if h.startswith("http")):
            continue
        if not _introduced(lst):
            ctx.remove("generic.related-links", lst)


def _edge_blocks(root: LexborNode) -> list[LexborNode]:
    """Leaf blocks in document order, a list standing for its items."""
    out: list[LexborNode] = []
    seen: set[int] = set()
    for node in root.css(_LEAF_BLOCKS):
        if any(child.tag in _BLOCKS for child in _children(node)):
            continue
        if not _text_len(node) and node.css_first("img") is None:
            continue
        if node.tag == "li" and node.parent is not None and node.parent.tag in ("ul", "ol"):
            node = node.parent
        if node.mem_id not in seen:
            seen.add(node.mem_id)
            out.append(node)
    return out


def _children(node: LexborNode):
    child = node.child
    while child is not None:
        yield child
        child = child.next


def _is_link_list(node: LexborNode) -> bool:
    """Several short links and next to no other text: categories, tags, share links.
    Lists of article titles (long link texts) are reading lists, not chrome."""
    links = [a for a in node.css("a[href]") if _text_len(a)]
    if len(links) < 2:
        return False
    link_text = sum(_text_len(a) for a in links)
    return link_text >= 0.8 * _text_len(node) and link_text / len(links) <= 12


def _introduced(node: LexborNode) -> bool:
    """The block follows a line ending in a colon ("相关阅读：", "See also:"): an author's list."""
    prev = _prev_element(node)
    return prev is not None and " ".join((prev.text(deep=True) or "").split()).endswith((":", "："))


def link_dense_edges(ctx: CleanupContext) -> None:
    """Link lists (categories, tags, share links) at the very start or end of the body.
    Stops at the first block that is anything else."""
    blocks = _edge_blocks(ctx.root)
    for sequence in (blocks, list(reversed(blocks))):
        for node in sequence:
            if node.parent is None:
                continue
            if node.css_first("img") is None and _is_link_list(node) and not _introduced(node):
                ctx.remove("generic.link-dense-edges", node)
                continue
            break


def _decode_cfemail(hexed: str) -> str:
    """Cloudflare's obfuscation: the first byte is a key XORed into every other byte."""
    try:
        data = bytes.fromhex(hexed)
    except ValueError:
        return ""
    if len(data) < 2:
        return ""
    text = bytes(b ^ data[0] for b in data[1:]).decode("utf-8", errors="replace")
    return text if "@" in text and "\ufffd" not in text else ""


def email_protection(ctx: CleanupContext) -> None:
    """Cloudflare replaces e-mail addresses with '[email protected]' stubs; the address is
    in the stub's ``data-cfemail`` (or the link's fragment), so it is put back as text.
    A stub that cannot be decoded goes."""
    for node in ctx.root.css('[data-cfemail], a[href*="/cdn-cgi/l/email-protection"]'):
        if node.parent is None:
            continue
        hexed = node.attributes.get("data-cfemail") or (node.attributes.get("href") or "").partition("#")[2]
        if not hexed:
            inner = node.css_first("[data-cfemail]")
            hexed = inner.attributes.get("data-cfemail") or "" if inner is not None else ""
        address = _decode_cfemail(hexed)
        if address:
            node.replace_with(address)
            ctx.removed["generic.email-protection"] += 1
            ctx.first.setdefault("generic.email-protection", f"decoded {address}")
        else:
            ctx.remove("generic.email-protection", node)


def ai2html(ctx: CleanupContext) -> None:
    """ai2html charts (news graphics) carry one artboard per screen width, all but one
    hidden by scripts: keep the widest, shown, and drop the copies."""
    for box in ctx.root.css(".ai2html_export, .ai2html, [id^='g-'][id$='-box']"):
        boards = [b for b in box.css(".g-artboard") if b.parent is not None]
        if len(boards) < 2:
            continue

        def width(board: LexborNode) -> float:
            try:
                return float(board.attributes.get("data-min-width") or 0)
            except ValueError:
                return 0.0

        keep = max(boards, key=width)
        for board in boards:
            if board.mem_id != keep.mem_id:
                ctx.remove("ai2html.artboards", board, quiet=True)
        style = _HIDDEN_STYLE_RE.sub("", keep.attributes.get("style") or "")
        keep.attrs["style"] = style


_ORIGINALLY_RE = re.compile(r"\bwas originally published in\b.*\bon Medium\b", re.I | re.S)


def medium_footer(ctx: CleanupContext) -> None:
    """Medium's feed appends '<title> was originally published in <publication> on Medium,
    where people are continuing the conversation…' to every post."""
    for p in ctx.root.css("p"):
        if _ORIGINALLY_RE.search(p.text(deep=True) or "") and _text_len(p) < 400:
            ctx.remove("medium.footer-note", p)


_RELATED_HEADING_RE = re.compile(
    r"^(related|related (posts|articles|stories|reading)|you (may|might) also like|more from .{1,40}|"
    r"recommended|相关|相关文章|相關文章|推荐阅读|推薦閱讀|猜你喜欢)$", re.I)


def _following(node: LexborNode) -> list[LexborNode]:
    """Siblings after ``node`` and after each of its ancestors, in document order."""
    out = []
    while node is not None and node.tag not in ("body", "html"):
        sibling = node.next
        while sibling is not None:
            out.append(sibling)
            sibling = sibling.next
        node = node.parent
    return out


def related_section(ctx: CleanupContext) -> None:
    """A 'Related' heading near the end followed by nothing but link cards: the platform's
    related-posts stream. The heading and everything after it go. (An editorial '相关阅读'
    list is not in the vocabulary: authors curate those.)"""
    for node in ctx.root.css("h1, h2, h3, h4, h5, h6, header, span, div, p, strong"):
        if node.parent is None:
            continue
        text = " ".join((node.text(deep=True) or "").split())
        if not _RELATED_HEADING_RE.match(text):
            continue
        head = node
        while head.parent is not None and head.parent.tag not in ("body",) and _text_len(head.parent) == _text_len(node):
            head = head.parent
        after = [n for n in _following(head) if n.is_element_node]
        after_text = sum(_text_len(n) for n in after)
        after_links = sum(_link_text_len(n) for n in after)
        if after_text and after_links >= 0.5 * after_text and after_text < 0.5 * _text_len(ctx.root):
            for n in after:
                ctx.remove("generic.related-section", n, quiet=True)
            ctx.remove("generic.related-section", head)
            return


STRUCTURAL: dict[str, Callable[[CleanupContext], None]] = {
    "generic.lazy-noscript": lazy_noscript,
    "generic.tracking-pixels": tracking_pixels,
    "generic.icons": icons,
    "generic.duplicate-images": duplicate_images,
    "generic.comments": comments,
    "generic.related-links": related_links,
    "generic.link-dense-edges": link_dense_edges,
    "generic.email-protection": email_protection,
    "ai2html.artboards": ai2html,
    "medium.footer-note": medium_footer,
    "generic.related-section": related_section,
}
