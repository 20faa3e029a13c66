"""WordPress post content (as an export holds it) to the HTML WordPress would show.

``content:encoded`` is the raw ``post_content``, before WordPress's ``the_content`` filters:
classic-editor posts have no ``<p>`` (blank lines part paragraphs, a newline is a ``<br>``:
``wpautop``), block-editor posts are complete HTML between ``<!-- wp:… -->`` comments, and
both hold shortcodes. This module runs the filters a book needs, in WordPress's order:
``[embed]`` and auto-embedded URL lines, then paragraphs (classic posts only), then the
shortcodes (``[caption]``, ``[gallery]``, media, ``[code]``; plugin shortcodes dropped with a
warning, unknown names left as text, ``[[x]]`` printed as ``[x]``). Attachments (the export's
media items) give galleries their images and captions and turn links to an attachment's
page into links to its file.

The rules follow WordPress's ``wp-includes/formatting.php`` (``wpautop``,
``shortcode_unautop``), ``media.php`` (``img_caption_shortcode``, ``gallery_shortcode``) and
``class-wp-embed.php``, restated, not copied.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ..core.diagnostics import Diagnostics

# -- wpautop

_BLOCK_TAGS = ("table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
               "blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|"
               "footer|nav|figure|figcaption|details|menu|summary")
_OPEN_BLOCK_RE = re.compile(rf"(<(?:{_BLOCK_TAGS})[\s/>])", re.I)
_CLOSE_BLOCK_RE = re.compile(rf"(</(?:{_BLOCK_TAGS})>)", re.I)
_HR_RE = re.compile(r"(<hr\s*?/?>)", re.I)
_DOUBLE_BR_RE = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.I)
# (A comment's scan stops at the next opener: a post full of unclosed "<!--" stays linear.)
_TAG_OR_COMMENT_RE = re.compile(r"<!--(?:(?!<!--).)*?-->|<[^<>]*>", re.S)
_NL_PLACEHOLDER = " <!-- wpnl --> "
_PROTECT_BR_RE = re.compile(r"<(script|style|svg)[^<>]*>(?:(?!<\1\b).)*?</\1>", re.S | re.I)


def wpautop(text: str) -> str:
    """Paragraphs and line breaks of classic-editor text, as WordPress's ``wpautop``."""
    if not text.strip():
        return ""
    text = text + "\n"
    pres: list[str] = []
    if "<pre" in text:
        pieces = text.split("</pre>")
        last = pieces.pop()
        out = []
        for piece in pieces:
            start = piece.find("<pre")
            if start < 0:
                out.append(piece)
                continue
            pres.append(piece[start:] + "</pre>")
            out.append(piece[:start] + f"<pre wp-pre-tag-{len(pres) - 1}></pre>")
        text = "".join(out) + last
    text = _DOUBLE_BR_RE.sub("\n\n", text)
    text = _OPEN_BLOCK_RE.sub(r"\n\n\1", text)
    text = _CLOSE_BLOCK_RE.sub(r"\1\n\n", text)
    text = _HR_RE.sub(r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TAG_OR_COMMENT_RE.sub(lambda m: m.group().replace("\n", _NL_PLACEHOLDER), text)
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^<>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^<>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^<>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^<>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?(?:{_BLOCK_TAGS})[^<>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^<>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?(?:{_BLOCK_TAGS})[^<>]*>)", r"\1", text, flags=re.I)
    text = re.sub(rf"(</?(?:{_BLOCK_TAGS})[^<>]*>)\s*</p>", r"\1", text, flags=re.I)
    protected: list[str] = []

    def protect(match: re.Match) -> str:
        protected.append(match.group())
        return f"\x00{len(protected) - 1}\x00"

    text = _PROTECT_BR_RE.sub(protect, text)
    text = re.sub(r"<br\s*/?>", "<br />", text, flags=re.I)
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], text)
    text = re.sub(rf"(</?(?:{_BLOCK_TAGS})[^<>]*>)\s*<br />", r"\1", text, flags=re.I)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^<>]*>)", r"\1", text, flags=re.I)
    text = re.sub(r"\n</p>$", "</p>", text)
    text = re.sub(r"<pre wp-pre-tag-(\d+)></pre>", lambda m: pres[int(m.group(1))], text)
    return text.replace(_NL_PLACEHOLDER, "\n")


# -- shortcodes

MEDIA = ("caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist")
CODE = ("code", "sourcecode", "source", "php", "js", "javascript", "css", "python", "bash", "shell", "sql",
        "html", "xml", "java", "cpp", "c", "ruby", "perl", "go", "text", "plain")
# Plugin shortcodes found in real exports that have no place in a book.
DROPPED = ("contact-form-7", "contact-form", "contact_form", "wpforms", "gravityform", "ninja_form", "mc4wp_form",
           "jetpack_subscription_form", "subscribe", "ad", "adsense", "adrotate", "wpdiscuz", "sharethis",
           "ssba", "addtoany", "related_posts", "jetpack_top_posts", "instagram-feed", "recent-posts")
_KNOWN = MEDIA + ("youtube", "vimeo", "tweet", "twitter") + DROPPED
# [name attrs], [name attrs /], [name attrs]content[/name]; [[name]] is an escaped shortcode.
# Only the names WordPress (and the plugins above) register are shortcodes; the content of an
# enclosing one ends at its closing tag, and its scan stops at the next opener of that name,
# so a post of unclosed shortcodes reads in linear time.
_SHORTCODE_RE = re.compile(
    r"\[(\[?)(" + "|".join(re.escape(n) for n in sorted(_KNOWN, key=len, reverse=True)) + r")(?![\w-])"
    r"([^\]\[/]*(?:/(?!\])[^\]\[/]*)*?)(?:(/)\]|\](?:((?:(?!\[\2\b).)*?)\[/\2\])?)(\]?)", re.S | re.I)
_ATTR_RE = re.compile(r"""([\w-]+)\s*=\s*["“”']([^"“”']*)["“”']|([\w-]+)\s*=\s*([^\s"'“”]+)|["“”']([^"“”']*)["“”']|(\S+)""")
_IMG_RE = re.compile(r"^\s*((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)$", re.S | re.I)
EMBED_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "twitter.com", "x.com", "soundcloud.com", "spotify.com",
               "instagram.com", "facebook.com", "tiktok.com", "bilibili.com", "flickr.com", "slideshare.net",
               "dailymotion.com", "ted.com", "wordpress.tv", "tumblr.com")
_BARE_URL_LINE_RE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A media item of the export: its file ``url``, ``caption`` (the item's excerpt), ``alt``
    text, ``title`` and ``parent`` (the post it was uploaded to)."""

    url: str
    caption: str = ""
    alt: str = ""
    title: str = ""
    parent: int = 0
    order: int = 0


@dataclass
class _Context:
    post_id: int
    attachments: dict[int, Attachment]
    pages: dict[str, int]
    diag: Diagnostics
    galleries: int = 0
    dropped: set[str] = field(default_factory=set)


def _attrs(text: str) -> tuple[dict[str, str], list[str]]:
    named: dict[str, str] = {}
    positional: list[str] = []
    for m in _ATTR_RE.finditer(html.unescape(text)):
        if m.group(1):
            named[m.group(1).lower()] = m.group(2)
        elif m.group(3):
            named[m.group(3).lower()] = m.group(4)
        elif m.group(5) is not None:
            positional.append(m.group(5))
        elif m.group(6):
            positional.append(m.group(6))
    return named, positional


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _figure(image_html: str, caption: str, align: str = "") -> str:
    cap = f"<figcaption>{caption}</figcaption>" if caption.strip() else ""
    cls = f' class="{_esc(align)}"' if align else ""
    return f"<figure{cls}>{image_html}{cap}</figure>"


def _caption(ctx: _Context, named: dict[str, str], content: str) -> str:
    content = render_shortcodes(content, ctx)
    match = _IMG_RE.match(content)
    image, caption = (match.group(1), match.group(2).strip()) if match else (content, "")
    caption = named.get("caption", "") or caption
    try:
        width = int(re.sub(r"\D", "", named.get("width", "1")) or 1)
    except ValueError:
        width = 1
    if width < 1 or not caption:
        return content
    return "\n" + _figure(image, caption, named.get("align", "")) + "\n"


def _gallery(ctx: _Context, named: dict[str, str]) -> str:
    ids_text = named.get("ids") or named.get("include") or ""
    if ids_text:
        ids = [int(i) for i in re.findall(r"\d+", ids_text)]
    else:
        parent = int(named["id"]) if named.get("id", "").isdigit() else ctx.post_id
        ids = [i for i, a in sorted(ctx.attachments.items(), key=lambda kv: (kv[1].order, kv[0]))
               if a.parent == parent]
    exclude = {int(i) for i in re.findall(r"\d+", named.get("exclude", ""))}
    figures = []
    for ident in ids:
        if ident in exclude:
            continue
        attachment = ctx.attachments.get(ident)
        if attachment is None:
            ctx.diag.warn("wordpress-gallery", f"gallery image {ident} is not in the export; left out")
            continue
        image = f'<img src="{_esc(attachment.url)}" alt="{_esc(attachment.alt or attachment.title)}"/>'
        figures.append(_figure(image, _esc(attachment.caption)))
    ctx.galleries += 1
    return "\n" + "".join(figures) + "\n" if figures else ""


def _media(name: str, named: dict[str, str], positional: list[str], content: str) -> str:
    url = named.get("src") or next((named[k] for k in ("mp4", "m4v", "webm", "ogv", "mp3", "ogg", "m4a", "wav")
                                    if named.get(k)), "") or (positional[0] if positional else "") or content.strip()
    if not url:
        return ""
    poster = named.get("poster", "")
    body = f'<video src="{_esc(url)}" poster="{_esc(poster)}"></video>' if name == "video" else \
        f'<audio src="{_esc(url)}"></audio>'
    return "\n" + body + "\n"


def embed_html(url: str) -> str:
    """A URL WordPress would embed: an ``<iframe>`` for a known provider (the book shows it
    as a captioned link), else a plain link."""
    host = (re.match(r"https?://([^/?#]+)", url) or [None, ""])[1].lower().removeprefix("www.")
    if any(host == h or host.endswith("." + h) for h in EMBED_HOSTS):
        return f'<iframe src="{_esc(url)}" title="{_esc(host)}"></iframe>'
    return f'<p><a href="{_esc(url)}">{_esc(url)}</a></p>'


def render_shortcodes(text: str, ctx: _Context) -> str:
    """Every shortcode in ``text`` run (see the module docstring)."""

    def run(m: re.Match) -> str:
        opening, name, attrs, _selfclose, content, closing = m.groups()
        if opening == "[" and closing == "]":  # [[name]] prints the shortcode itself
            return m.group()[1:-1]
        lowered = name.lower()
        named, positional = _attrs(attrs)
        content = content or ""
        out: str | None = None
        if lowered in ("caption", "wp_caption"):
            out = _caption(ctx, named, content)
        elif lowered == "gallery":
            out = _gallery(ctx, named)
        elif lowered == "embed":
            out = "\n" + embed_html(content.strip() or named.get("src", "")) + "\n"
        elif lowered in ("audio", "video"):
            out = _media(lowered, named, positional, content)
        elif lowered == "playlist":
            ids = [int(i) for i in re.findall(r"\d+", named.get("ids", ""))]
            links = [ctx.attachments[i] for i in ids if i in ctx.attachments]
            out = "".join(f'<p><a href="{_esc(a.url)}">{_esc(a.title or a.url)}</a></p>' for a in links)
        elif lowered in ("youtube", "vimeo", "tweet", "twitter"):
            url = named.get("url") or (positional[0] if positional else content.strip())
            out = "\n" + embed_html(url) + "\n" if url.startswith("http") else ""
        elif lowered in DROPPED:
            if lowered not in ctx.dropped:
                ctx.dropped.add(lowered)
                ctx.diag.warn("wordpress-shortcode", f"[{name}] shortcode removed (a plugin's form or widget)")
            out = ""
        if out is None:  # not a shortcode WordPress knows: its text stays
            return m.group()
        return (opening or "") + out + (closing or "")

    return _SHORTCODE_RE.sub(run, text)


def _protect_code(text: str, store: list[str]) -> str:
    """``[code]…[/code]`` (SyntaxHighlighter) becomes a ``<pre>`` kept out of wpautop."""
    names = "|".join(CODE)

    def code(m: re.Match) -> str:
        named, _ = _attrs(m.group(2))
        language = named.get("lang") or named.get("language") or (m.group(1) if m.group(1) not in ("code", "sourcecode", "source") else "")
        store.append(f'<pre><code class="language-{_esc(language)}">{_esc(html.unescape(m.group(3).strip(chr(10))))}</code></pre>')
        return f"\n<pre wp-code-{len(store) - 1}></pre>\n"

    return re.sub(rf"\[({names})\b([^\]\[]*)\]((?:(?!\[\1\b).)*?)\[/\1\]", code, text, flags=re.S | re.I)


def _block_markup(text: str) -> str:
    """Block-editor content: the block comments go; an embed block's URL becomes an embed."""
    def embed(m: re.Match) -> str:
        return embed_html(html.unescape(m.group(1).strip()))

    text = re.sub(r'<div class="wp-block-embed__wrapper">\s*(https?://[^\s<]+)\s*</div>', embed, text)
    return re.sub(r"<!--\s*/?wp:[^<>]*?-->", "", text)


def _attachment_links(text: str, ctx: _Context) -> str:
    """Links to an attachment's page (``/post/attachment-slug/``) lead to its file instead."""
    if not ctx.pages:
        return text

    def fix(m: re.Match) -> str:
        ident = ctx.pages.get(html.unescape(m.group(2)).rstrip("/"))
        if ident is None or ident not in ctx.attachments:
            return m.group()
        return f'{m.group(1)}{_esc(ctx.attachments[ident].url)}{m.group(3)}'

    return re.sub(r'(<a\s[^<>]*?href=")([^"<>]+)(")', fix, text)


def render(content: str, post_id: int, attachments: dict[int, Attachment], pages: dict[str, int],
           diag: Diagnostics) -> str:
    """The HTML WordPress shows for a post's raw ``content`` (see the module docstring)."""
    ctx = _Context(post_id, attachments, pages, diag)
    code: list[str] = []
    text = _protect_code(content.replace("\r\n", "\n").replace("\r", "\n"), code)
    blocks = "<!-- wp:" in text
    # WP_Embed runs before autop: [embed] and a URL alone on a line.
    text = re.sub(r"\[embed\b[^\]\[]*\]((?:(?!\[embed\b).)*?)\[/embed\]",
                  lambda m: "\n" + embed_html(m.group(1).strip()) + "\n", text, flags=re.S | re.I)
    if not blocks:
        pres: list[str] = []
        text = re.sub(r"<pre\b(?:(?!<pre\b).)*?</pre>",
                      lambda m: pres.append(m.group()) or f"<pre wp-keep-{len(pres) - 1}></pre>", text,
                      flags=re.S | re.I)
        text = _BARE_URL_LINE_RE.sub(lambda m: "\n" + embed_html(m.group(1)) + "\n", text)
        # shortcode_unautop's job done first: a shortcode on its own line is a block of its own.
        text = re.sub(r"^[ \t]*(\[(?:caption|wp_caption|gallery|audio|video|playlist)\b[^\n]*?(?:\[/\w+\]|\]))[ \t]*$",
                      lambda m: "\n<div>" + m.group(1) + "</div>\n", text, flags=re.M)
        text = re.sub(r"<pre wp-keep-(\d+)></pre>", lambda m: pres[int(m.group(1))], text)
        text = wpautop(text)
    else:
        text = _block_markup(text)
    text = render_shortcodes(text, ctx)
    text = _attachment_links(text, ctx)
    return re.sub(r"<pre wp-code-(\d+)></pre>", lambda m: code[int(m.group(1))], text)
