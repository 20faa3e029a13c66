"""Static-site-generator syntax in Markdown posts (Jekyll/Liquid, kramdown, Hexo, Hugo, Zola).

Posts written for a generator carry its template syntax; markdown-it would print it as text.
This pass rewrites what has a meaning in a book into Markdown or HTML and removes the rest
with a warning, before the Markdown parser runs. Fenced code blocks and inline code are
left untouched, and ``{% raw %}`` regions stay literal.

* Liquid: ``{% highlight lang %}…{% endhighlight %}`` → fenced code; ``{% raw %}`` → literal;
  ``{% comment %}`` → dropped; ``{% post_url x %}``/``{% link x %}`` → the target path;
  Hexo ``{% post_link slug %}`` → a link to that post's file; ``{% asset_img x %}``,
  ``{% asset_link x %}``, ``{% asset_path x %}`` → the file in the post's asset folder;
  ``{{ site.baseurl }}``-style prefixes → ''; ``{% include %}`` and other tags → dropped
  with a warning (inner text of block tags kept).
* kramdown/pandoc: attribute lists ``{: .class}``, ``{:toc}`` (and the ``* TOC`` line before
  it), ``{::options}`` → removed; a heading's ``{#id}`` becomes an anchor in the heading.
* Excerpt markers ``<!--more-->`` → removed.
* Hugo/Zola shortcodes: ``figure`` → figure with caption; ``youtube``/``vimeo``/``tweet``/
  ``gist`` → embeds; ``highlight`` → fenced code; ``ref``/``relref`` → the target path;
  unknown ones → warning, inner text kept.
* Math: ``$$…$$`` and ``\\[…\\]`` display blocks → ``math`` code blocks keeping the TeX.
"""

from __future__ import annotations

import html
import re
import shlex

from ..core.diagnostics import Diagnostics

_FENCE_RE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$", re.M | re.S)
_INLINE_CODE_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
# Lazy bodies stop at the next opener ("tempered"): an unclosed opener then costs a scan to
# the next one, not to the end of the post, so a post full of them reads in linear time.
_RAW_RE = re.compile(r"\{%-?\s*raw\s*-?%\}((?:(?!\{%-?\s*raw\b).)*?)\{%-?\s*endraw\s*-?%\}", re.S)
_HIGHLIGHT_RE = re.compile(
    r"\{%-?\s*highlight\s+([\w+#.-]+)[^%]*-?%\}\n?((?:(?!\{%-?\s*highlight\b).)*?)\n?\{%-?\s*endhighlight\s*-?%\}",
    re.S)
_COMMENT_RE = re.compile(r"\{%-?\s*comment\s*-?%\}(?:(?!\{%-?\s*comment\b).)*?\{%-?\s*endcomment\s*-?%\}", re.S)
_POST_URL_RE = re.compile(r"\{%-?\s*(?:post_url|link|post_path)\s+([^\s%]+)\s*-?%\}")
# Hexo: {% post_link slug [title] %}, {% asset_img [class] slug [w] [h] [title [alt]] %},
# {% asset_link slug [title] %}, {% asset_path slug %}.
_POST_LINK_RE = re.compile(r"\{%-?\s*post_link\s+([^%]*?)\s*-?%\}")
_ASSET_RE = re.compile(r"\{%-?\s*(asset_img|asset_link|asset_path|asset_image)\s+([^%]*?)\s*-?%\}")
_LIQUID_TAG_RE = re.compile(r"\{%-?\s*(\w+)[^%]*?-?%\}")
_LIQUID_OUT_RE = re.compile(r"\{\{-?\s*([^{}]*?)\s*-?\}\}")
_BASEURL_RE = re.compile(r"^(site\.(baseurl|url)|page\.baseurl|relative_url|absolute_url)\b")
_IAL_LINE_RE = re.compile(r"^[ \t]*(?:\*[ \t]+TOC[ \t]*\n)?[ \t]*\{:(?:toc|[^}\n]*)\}[ \t]*$\n?", re.M)
_IAL_INLINE_RE = re.compile(r"\{:\s*[#.][^}\n]*\}|\{::[^}\n]*/?\}")
_MORE_RE = re.compile(r"<!--\s*more\s*-->", re.I)
_HEADING_ATTRS_RE = re.compile(r"^(#{1,6}[ \t]+)(.*?)[ \t]*\{[ \t]*:?[ \t]*((?:[#.][\w-]+[ \t]*)+)\}[ \t]*$", re.M)
_SHORTCODE_RE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w.-]+)((?:(?!\{\{).)*?)\s*[>%]\}\}", re.S)
_DISPLAY_MATH_RE = re.compile(r"^[ \t]*\$\$((?:(?!\$\$).)+)\$\$[ \t]*$|^[ \t]*\\\[((?:(?!\\\[).)+?)\\\][ \t]*$",
                              re.M | re.S)
_PLACEHOLDER = "\x00{}\x00"
_BLOCK_TAGS = {"if", "unless", "for", "case", "capture", "tablerow"}


def _args(text: str) -> tuple[list[str], dict[str, str]]:
    try:
        parts = shlex.split(text)
    except ValueError:
        parts = text.split()
    positional = [p for p in parts if "=" not in p]
    named = {}
    for p in parts:
        if "=" in p:
            key, _, value = p.partition("=")
            named[key.strip()] = value.strip().strip('"')
    return positional, named


def _fence(language: str, code: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    return f"\n{fence}{language}\n{code.strip(chr(10))}\n{fence}\n"


class _Rewriter:
    def __init__(self, diag: Diagnostics) -> None:
        self.diag = diag
        self.protected: list[str] = []

    def protect(self, text: str) -> str:
        self.protected.append(text)
        return _PLACEHOLDER.format(len(self.protected) - 1)

    def restore(self, text: str) -> str:
        # Protected pieces may nest (a fence made from a highlight tag): restore until stable.
        for _ in range(3):
            if "\x00" not in text:
                break
            text = re.sub(r"\x00(\d+)\x00", lambda m: self.protected[int(m.group(1))], text)
        return text

    def shortcode(self, m: re.Match) -> str:
        closing, name, rest = m.group(2), m.group(3), m.group(4)
        if closing:
            return ""
        positional, named = _args(rest)
        if name == "figure":
            src = named.get("src", positional[0] if positional else "")
            caption = named.get("caption") or named.get("title") or ""
            alt = named.get("alt", caption)
            cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
            return self.protect(f'\n<figure><img src="{html.escape(src)}" alt="{html.escape(alt)}"/>{cap}</figure>\n')
        if name in ("youtube", "vimeo"):
            video = named.get("id", positional[0] if positional else "")
            url = (f"https://www.youtube.com/embed/{video}" if name == "youtube"
                   else f"https://player.vimeo.com/video/{video}")
            return self.protect(f'\n<iframe src="{html.escape(url)}" title="{html.escape(named.get("title", ""))}"></iframe>\n')
        if name in ("tweet", "x"):
            user = named.get("user", positional[0] if len(positional) > 1 else "")
            tid = named.get("id", positional[-1] if positional else "")
            url = f"https://twitter.com/{user or 'i'}/status/{tid}"
            return self.protect(f'\n<blockquote class="twitter-tweet"><p><a href="{url}">{url}</a></p></blockquote>\n')
        if name == "gist":
            url = "https://gist.github.com/" + "/".join(positional[:2])
            return self.protect(f'\n<iframe src="{html.escape(url)}" title="gist"></iframe>\n')
        if name in ("ref", "relref"):
            return positional[0] if positional else ""
        self.diag.warn("shortcode", f"unknown shortcode {{{{< {name} >}}}} removed (its inner text is kept)")
        return ""

    def liquid_tag(self, m: re.Match) -> str:
        name = m.group(1)
        if name.startswith("end") and name[3:] in _BLOCK_TAGS or name in ("else", "elsif", "when"):
            return ""
        self.diag.warn("liquid", f"Liquid tag {{% {name} %}} removed")
        return ""

    def liquid_output(self, m: re.Match) -> str:
        expression = m.group(1)
        if _BASEURL_RE.match(expression):
            return ""
        self.diag.warn("liquid", f"Liquid output {{{{ {expression[:40]} }}}} removed")
        return ""


def _post_link(m: re.Match) -> str:
    """``{% post_link slug [title] %}``: a link to the post whose file is ``slug``."""
    words = _words(m.group(1))
    if not words:
        return ""
    title = words[1] if len(words) > 1 and words[1] not in ("true", "false") else words[0]
    return f'<a href="{html.escape(words[0])}">{html.escape(title)}</a>'


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _asset(m: re.Match, folder: str, diag: Diagnostics) -> str:
    """Hexo's asset tags: a file of the post's asset folder (``_posts/<post>/``)."""
    kind, words = m.group(1), _words(m.group(2))
    # The first word that is no class name is the asset (class names come first, and an
    # asset has an extension or is not followed by class-like words; Hexo checks the post's
    # assets, which a book reads relative to the post's file the same way).
    names = [w for w in words if "." in w or "/" in w]
    if not words:
        return ""
    slug = names[0] if names else words[0]
    rest = words[words.index(slug) + 1:]
    src = f"{folder}/{slug}" if folder else slug
    src = src.replace(" ", "%20")
    if kind == "asset_path":
        return src
    if kind == "asset_link":
        title = rest[0] if rest and rest[0] not in ("true", "false") else slug
        return f'<a href="{html.escape(src)}">{html.escape(title)}</a>'
    numbers = [w for w in rest if w.isdigit()]
    texts = [w for w in rest if not w.isdigit()]
    title = texts[0] if texts else ""
    alt = texts[1] if len(texts) > 1 else title
    size = "".join(f' {k}="{v}"' for k, v in zip(("width", "height"), numbers))
    return f'<img src="{html.escape(src)}" alt="{html.escape(alt)}" title="{html.escape(title)}"{size}/>'


def _heading_id(m: re.Match) -> str:
    """``## Title {#id .class}`` → the heading with an anchor carrying the id."""
    ids = re.findall(r"#([\w-]+)", m.group(3))
    anchor = f'<span id="{ids[0]}"></span>' if ids else ""
    return f"{m.group(1)}{anchor}{m.group(2)}"


def rewrite(text: str, diag: Diagnostics, asset_folder: str = "") -> str:
    """Rewrite generator syntax in a Markdown body (see the module docstring);
    ``asset_folder`` is the post's asset folder, relative to its file (Hexo)."""
    if "{" not in text and "<!--" not in text and "$$" not in text and "\\[" not in text:
        return text
    rw = _Rewriter(diag)
    text = _RAW_RE.sub(lambda m: rw.protect(m.group(1)), text)
    text = _HIGHLIGHT_RE.sub(lambda m: rw.protect(_fence(m.group(1), m.group(2))), text)
    text = _FENCE_RE.sub(lambda m: rw.protect(m.group(0)), text)
    text = _INLINE_CODE_RE.sub(lambda m: rw.protect(m.group(0)), text)
    text = _COMMENT_RE.sub("", text)
    text = _POST_URL_RE.sub(lambda m: m.group(1), text)
    text = _POST_LINK_RE.sub(_post_link, text)
    text = _ASSET_RE.sub(lambda m: _asset(m, asset_folder, diag), text)
    text = _SHORTCODE_RE.sub(rw.shortcode, text)
    text = _LIQUID_TAG_RE.sub(rw.liquid_tag, text)
    text = _LIQUID_OUT_RE.sub(rw.liquid_output, text)
    text = _HEADING_ATTRS_RE.sub(_heading_id, text)
    text = _IAL_LINE_RE.sub("", text)
    text = _IAL_INLINE_RE.sub("", text)
    text = _MORE_RE.sub("", text)
    text = _DISPLAY_MATH_RE.sub(lambda m: rw.protect(_fence("math", m.group(1) or m.group(2))), text)
    return rw.restore(text)
