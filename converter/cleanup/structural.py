"""Structural cleanup rules: decisions a CSS selector cannot make alone.

Each rule is a function ``rule(ctx)`` over the parsed body that removes what it finds
through ``ctx.remove(rule_name, node)`` so that every removal is reported. The rules look at
structure, position, link density and content share, never at one site's article ids.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
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
_SPAM_RE = re.compile(r"\b(viagra|cialis|levitra|tadalafil|sildenafil|propecia|albuterol|ventolin|xenical|"
                      r"kamagra|finasteride|priligy|casino|payday loans?|replica (?:watches|handbags|bags)|"
                      r"essay writing service|cheap (?:nfl )?jerseys|ugg boots|louis vuitton outlet|"
                      r"online pharmacy|canadian pharmacy|no prescription|buy (?:cheap|generic) \w+)\b|"
                      r"代开发票|六合彩|时时彩|百家乐|娱乐城|博彩网", re.I)
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


# -- comment threads, by their shape

# A date or a time as comment headers print them, in the languages of the posts.
# Month names (English, French, German, Spanish, Portuguese), full or abbreviated.
_MONTH = (r"(?:jan|feb|fév|fev|mar|mär|apr|avr|abr|may|mai|jun|jui|jul|aug|aoû|aou|ago|sep|oct|out|okt|nov|dec|"
          r"déc|dez|dic|ene)[a-zéûä]*\.?")
_DATE_TEXT_RE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\b\d{{1,2}}\.?\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?\d{{4}}|"
    r"\b\d+\s*(?:seconds?|minutes?|mins?|hours?|days?|weeks?|months?|years?)\s+ago\b|"
    r"\d+\s*(?:秒|分钟|分鐘|小时|小時|天|周|週|个月|個月|年|分|時間|日|週間|か月|ヶ月)前|"
    r"\d+\s*(?:초|분|시간|일|주|개월|년)\s*전|\d{4}\.\s*\d{1,2}\.\s*\d{1,2}", re.I)
_PERMALINK_WORDS = frozenset({"永久链接", "永久連結", "永久连接", "固定链接", "固定連結", "permalink", "link", "#", "¶",
                              "回复", "回覆", "回應", "reply", "返信", "답글", "답장", "antworten", "répondre",
                              "responder", "引用", "quote"})
# A link to one comment (not to a post's comment section, as teasers have: "#comments").
_COMMENT_HREF_RE = re.compile(r"#comment-?\d|[/?&]comments?[-_/=]\d|replytocom=\d|#c\d+$|#reply-?\d|/reply/\d", re.I)
_AUTHOR_SELECTOR = ("cite, .fn, .vcard, [class*=author], [class*=auteur], [class*=autor], [class*=verfasser], "
                    "[class*=user], [class*=commenter], [class*=nick], "
                    "[class*=name], [itemprop=author], [rel~=author], [property*='foaf:name'], "
                    "img[class*=avatar], img[src*=gravatar], img[src*=avatar]")
_AUTHOR_TEXT_RE = re.compile(
    r"[(（](?:未验证|未驗證|not verified|unverified|訪客|访客|guest|游客|遊客|ゲスト|비회원)[)）]|"
    r"\S\s*(?:说|說|says|said|wrote|schreibt|schrieb|a dit|dijo|より|님이|씀)\s*[:：]?\s*$|"
    r"^(?:anonymous|匿名|匿名用户|匿名用戶|名無し|익명)\b", re.I)
# A heading over comments: short, and naming them ("发表评论", "已有 3 条评论", "Leave a Reply",
# "3 thoughts on “X”", "コメント", "댓글 3").
_COMMENT_HEADING_RE = re.compile(
    r"评论|評論|留言|回复|回覆|回应|回應|回响|回響|讨论|討論|コメント|댓글|"
    r"\b(?:comments?|responses?|replies|leave\s+a\s+(?:reply|comment)|join\s+the\s+discussion|discussion|"
    r"thoughts?\s+on|kommentare?|commentaires?|comentarios?|комментари\w*)\b", re.I)
_HEADING_MAX = 40
_COMMENT_AREA_RE = re.compile(r"comment|respond|disqus|discussion|reply|replies", re.I)
_SHORT_LINE = 80


_EDGE = 160  # how far from an item's start (or end) its byline and date may be


def _signals(node: LexborNode) -> tuple[bool, bool, bool]:
    """(a date or time, a comment permalink or reply link, an author) in the byline of
    ``node``: within its first or last few words, where comment headers and footers are
    (an article that mentions a date in its middle has no byline there)."""
    # Offsets first, then the checks on what lies near either edge only: a candidate may
    # hold most of an article, and its middle can give no byline.
    places: list[tuple[int, LexborNode, str]] = []
    offset = 0
    for desc in node.traverse(include_text=True):
        if desc.tag == "-text":
            words = (desc.text_content or "").split()
            line = " ".join(words)
            if line and len(line) <= _SHORT_LINE:
                places.append((offset, desc, line))
            offset += len(line) - len(words) + 1 if words else 0
        elif desc.is_element_node:
            places.append((offset, desc, ""))
    kinds: set[str] = set()
    for at, desc, line in places:
        if _EDGE < at < offset - _EDGE:
            continue
        if line:
            if _DATE_TEXT_RE.search(line):
                kinds.add("date")
            if _AUTHOR_TEXT_RE.search(line):
                kinds.add("author")
            continue
        if desc.tag == "time" or "datetime" in desc.attributes:
            kinds.add("date")
        elif desc.tag == "a":
            text = " ".join((desc.text(deep=True) or "").split()).lower()
            if _COMMENT_HREF_RE.search(desc.attributes.get("href") or "") or text in _PERMALINK_WORDS:
                kinds.add("permalink")
        if desc.css_matches(_AUTHOR_SELECTOR):
            kinds.add("author")
    return "date" in kinds, "permalink" in kinds, "author" in kinds


def _comment_like(node: LexborNode) -> bool:
    """An author, a date or a permalink, and text: one comment."""
    if not node.is_element_node or node.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or not _text_len(node):
        return False
    date, permalink, author = _signals(node)
    return (author and (date or permalink)) or (date and permalink)


def _named_comment(node: LexborNode) -> bool:
    """A comment by its name (``id="comment-12"``, ``class="comment"``, an anchor
    ``<a id="comment-12">`` before it) or by a permalink or reply link in its byline."""
    names = f"{node.attributes.get('id') or ''} {node.attributes.get('class') or ''}"
    prev = node.prev
    while prev is not None and not prev.is_element_node:
        prev = prev.prev
    if prev is not None and prev.tag == "a" and not _text_len(prev):
        names += f" {prev.attributes.get('id') or ''} {prev.attributes.get('name') or ''}"
    return bool(re.search(r"comment|reply|respon|review", names, re.I)) or _signals(node)[1]


def _same_kind(nodes: list[LexborNode]) -> bool:
    """Items of one list: one tag, and one class they (nearly) all have, or none at all."""
    if len({n.tag for n in nodes}) != 1:
        return False
    classes = [set((n.attributes.get("class") or "").split()) for n in nodes]
    if not any(classes):
        return True
    counts = Counter(c for cs in classes for c in cs)
    return counts.most_common(1)[0][1] >= 0.66 * len(nodes)


def _element_children(node: LexborNode) -> list[LexborNode]:
    return [c for c in _children(node) if c.is_element_node]


def _comment_heading(node: LexborNode | None) -> bool:
    if node is None or not node.is_element_node:
        return False
    text = " ".join((node.text(deep=True) or "").split())
    return 0 < len(text) <= _HEADING_MAX and bool(_COMMENT_HEADING_RE.search(text))


def _thread_marked(parent: LexborNode, first: LexborNode) -> bool:
    """A comment heading just before the thread (inside or before its container), or a
    container named for comments."""
    prev = _prev_element(first)
    while prev is not None and not _text_len(prev) and prev.css_first("img") is None:
        prev = _prev_element(prev)
    if _comment_heading(prev):
        return True
    node: LexborNode | None = parent
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            break
        if _COMMENT_AREA_RE.search(f"{node.attributes.get('id') or ''} {node.attributes.get('class') or ''}"):
            return True
        if _comment_heading(_prev_element(node)):
            return True
        first_child = next(iter(_element_children(node)), None)
        if first_child is not None and first_child.mem_id != first.mem_id and _comment_heading(first_child):
            return True
        node = node.parent
    return False


def _form_follows(node: LexborNode) -> bool:
    """A form to write a comment (it has a text area) right after ``node`` or its container."""
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            return False
        sibling, seen = node.next, 0
        while sibling is not None and seen < 3:
            if sibling.is_element_node:
                if sibling.tag == "textarea" or sibling.css_first("textarea") is not None:
                    return True
                seen += 1
            sibling = sibling.next
        node = node.parent
    return False


def _text_after(nodes: list[LexborNode]) -> int:
    return sum(_text_len(n) for n in _following(nodes[-1]) if n.is_element_node or n.tag == "-text")


def comment_threads(ctx: CleanupContext) -> None:
    """Comment threads found by their shape, whatever the CMS and language: a run of two or
    more sibling blocks that each carry an author and a date or a permalink (or a date and
    a permalink), marked as comments by a heading ('发表评论', 'Leave a reply', 'コメント',
    '댓글', '3 Responses to …'), a container named for them or a comment form after them, or
    standing at the end of the body. Threads whose items read like essays and hold most of the text (invited
    responses) are the article and stay; so do dated items without an author (a timeline)."""
    root = ctx.root
    anchors: list[LexborNode] = [n for n in root.css("time, [datetime], a[href]")
                                 if n.tag != "a" or _COMMENT_HREF_RE.search(n.attributes.get("href") or "")
                                 or " ".join((n.text(deep=True) or "").split()).lower() in _PERMALINK_WORDS]
    for text_node in root.traverse(include_text=True):
        if text_node.tag == "-text" and text_node.parent is not None:
            line = " ".join((text_node.text_content or "").split())
            if line and len(line) <= _SHORT_LINE and (_DATE_TEXT_RE.search(line) or _AUTHOR_TEXT_RE.search(line)):
                anchors.append(text_node.parent)
    holders: dict[int, tuple[LexborNode, set[int]]] = {}
    for anchor in anchors:
        child, parent = anchor, anchor.parent
        while parent is not None and child.mem_id != root.mem_id:
            holders.setdefault(parent.mem_id, (parent, set()))[1].add(child.mem_id)
            child, parent = parent, parent.parent
    total = _text_len(root) or 1
    for parent, marked in sorted(holders.values(), key=lambda pm: -len(pm[1])):
        if len(marked) < 2 or parent.parent is None:
            continue
        children = [c for c in _element_children(parent) if _text_len(c) or c.css_first("img") is not None]
        flags = [c.mem_id in marked and _comment_like(c) for c in children]
        if sum(flags) < 2:
            continue
        first = flags.index(True)
        last = len(flags) - 1 - flags[::-1].index(True)
        run = children[first:last + 1]
        comments = [c for c, f in zip(children[first:last + 1], flags[first:last + 1]) if f]
        if not _same_kind(comments):
            continue
        others = sum(_text_len(c) for c, f in zip(run, flags[first:last + 1]) if not f and c.mem_id not in marked)
        run_text = sum(_text_len(c) for c in run) or 1
        if others > 0.1 * run_text:
            continue  # prose between the dated items: an article, not a thread
        lengths = [_text_len(c) for c in comments]
        spam = sum(1 for c in comments if _SPAM_RE.search(c.text(deep=True) or ""))
        if run_text / total >= 0.5 and statistics.median(lengths) >= 600 and spam <= len(comments) / 4:
            continue  # essays that are the article (a conversation of invited responses)
        before = total - run_text - _text_after(run)
        if before < 20:
            continue  # nothing comes before it: it is the page, not comments on it
        if not (_thread_marked(parent, run[0]) or _form_follows(run[-1])):
            # Unannounced, it must end the body and its items must be comments by name or
            # by their reply links (bylined teasers of other posts are neither).
            if _text_after(run) > max(200, 0.1 * (total - run_text)):
                continue
            if sum(1 for c in comments if _named_comment(c)) < 0.66 * len(comments):
                continue
        for node in run:
            if node in comments:
                ctx.remove("generic.comment-threads", node)
            else:
                node.decompose()  # replies nested between comments
        _drop_leftovers(parent)


def _reply_box(node: LexborNode) -> bool:
    """A comment heading, or a box that opens with one and holds a form or little else
    ('Leave a Reply' and its form)."""
    if _comment_heading(node):
        return True
    first = next(iter(_element_children(node)), None)
    return first is not None and _comment_heading(first) and (
        node.css_first("form, textarea, input") is not None or _text_len(node) <= 200)


def _drop_leftovers(container: LexborNode) -> None:
    """What a removed thread leaves: its headings, its reply box, and containers that hold
    nothing else any more."""
    node: LexborNode | None = container
    while node is not None and node.parent is not None and node.tag not in ("body", "html"):
        for child in _element_children(node):
            if _reply_box(child):
                child.decompose()
        if _text_len(node) or node.css_first("img") is not None:
            return
        up = node.parent
        node.decompose()
        node = up


_ESCAPED_LINK_RE = re.compile(r"<a\s+href\s*=|\[url\s*=|\[link\s*=", re.I)


def spam_links(ctx: CleanupContext) -> None:
    """Link walls of spam wherever they are: a block made mostly of two or more links whose
    words or addresses are spam's (pills, casinos, replica goods...), or that holds link
    markup typed as text (``<a href=…>``, ``[url=…]``: what spam bots post)."""
    for node in ctx.root.css("p, li, dd, td, blockquote, div"):
        if node.parent is None or any(child.tag in _BLOCKS for child in _children(node)):
            continue
        text = node.text(deep=True) or ""
        escaped = len(_ESCAPED_LINK_RE.findall(text))
        links = [a for a in node.css("a[href]") if _text_len(a)]
        if len(links) + escaped < 2:
            continue
        words = " ".join((a.text(deep=True) or "") + " " + (a.attributes.get("href") or "") for a in links)
        share = sum(_text_len(a) for a in links) / (_text_len(node) or 1)
        if escaped >= 2 or (escaped and _SPAM_RE.search(text)) or (
                len(links) >= 2 and share >= 0.5 and len(_SPAM_RE.findall(words)) >= 2):
            ctx.remove("generic.spam-links", node)


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
    "generic.comment-threads": comment_threads,
    "generic.spam-links": spam_links,
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
