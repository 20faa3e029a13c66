"""URLs found in posts: made absolute against the post's source, sanitized, and the real
source of lazy-loaded images. Pure functions over strings and parsed elements."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

_SAFE_SCHEMES = {"http", "https", "mailto", "ftp", "tel"}
_HOST_RE = re.compile(r"^(?:[\w-]+(?:\.[\w-]+)*\.?|\[[0-9a-f:.]+\])$", re.I)
# What is not an IRI character (RFC 3987 ucschar): ASCII that URIs refuse, C1 controls,
# surrogates, private use, non-characters and U+FFFD (which html.unescape makes of &#0;).
_URL_UNSAFE_RE = re.compile('[\x00-\x20"<>\\\\^`{|}\x7f-\x9f\ud800-\uf8ff\ufdd0-\ufdef\ufff0-\uffff'
                            '\U0001fffe\U0001ffff\U000efffe-\U0010ffff]')
_BAD_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PLACEHOLDER_SRC_RE = re.compile(r"^(?:data:image/(?:gif|svg\+xml)|about:blank|#)", re.I)
# Inline images stay data: URIs in the model; the resource resolver decodes them with a cap.
_DATA_IMAGE_RE = re.compile(r"^data:image/(?:png|jpeg|jpg|gif|webp|avif|bmp|svg\+xml)[;,]", re.I)
SCHEME_RE = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.I)


def absolute_url(url: str, base: str) -> str:
    """Resolve ``url`` against ``base`` when it is relative; protocol-relative → https.

    Returns '' for URLs with a scheme that must never be followed from a post
    (``javascript:``, ``data:``, ``file:``, ``vbscript:``...). Fragments stay as they are.
    """
    url = url.strip().replace("\n", "").replace("\t", "")
    if not url:
        return ""
    if url.startswith("#"):
        return url
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme:
        return _clean_url(url) if parts.scheme.lower() in _SAFE_SCHEMES else ""
    if base and re.match(r"^https?://", base, re.I):
        try:
            return _clean_url(urljoin(base, url))
        except ValueError:
            return ""
    return _clean_url(url)


def refused_scheme(url: str) -> str:
    """The scheme of ``url`` when it is one posts may not use (``file``, ``javascript``…)."""
    match = SCHEME_RE.match(url)
    if match and match.group(1).lower() not in _SAFE_SCHEMES and not _PLACEHOLDER_SRC_RE.match(url.strip()):
        return match.group(1).lower()
    return ""


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an http(s) address: the only kind a post's own source link may be."""
    return bool(re.match(r"https?://[^/\s]", url, re.I))


def web_url(text: str) -> str:
    """``text`` as a clean http(s) address (what may not stand in a URI percent-encoded), or
    '' when it is none: a post's own source link, which books print and link to."""
    url = absolute_url(text, "") if is_web_url(text.strip()) else ""
    return url if is_web_url(url) else ""


def same_document_fragment(url: str, base: str) -> str:
    """The fragment of ``url`` when it points into the page at ``base`` itself (``#fn1`` or
    ``https://site/post.html#fn1`` on that post), else ''."""
    if url.startswith("#"):
        return url[1:]
    head, sep, fragment = url.partition("#")
    if sep and fragment and base and head == base.partition("#")[0]:
        return fragment
    return ""


def _clean_url(url: str) -> str:
    """Percent-encode what may not appear in a URL (quotes, spaces, angle brackets), as
    browsers do; scraped pages have hrefs like ``https://x.org/">buy``. A URL whose host is
    not a host name (``http://https：//x``, ``https://a%20b/``) is no link at all: ''."""
    # A lone surrogate has no UTF-8 form: it is left out.
    url = _URL_UNSAFE_RE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "ignore")), url)
    url = _BAD_PERCENT_RE.sub("%25", url)  # a "%" that starts no escape is a percent sign
    try:
        parts = urlsplit(url)
        # Brackets belong in an IPv6 host only; in a path or query they make no URI.
        head = len(parts.scheme) + 3 + len(parts.netloc) if parts.netloc else 0
        if "[" in url[head:] or "]" in url[head:]:
            url = url[:head] + url[head:].replace("[", "%5B").replace("]", "%5D")
            parts = urlsplit(url)
        host = parts.hostname if parts.scheme.lower() in ("http", "https", "ftp") else None
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return ""
    if parts.scheme.lower() in ("http", "https", "ftp") and not (host and _HOST_RE.match(host)):
        return ""
    return url


def _largest(srcset: str | None) -> str:
    """The largest candidate of a ``srcset`` (by width or density descriptor)."""
    best, best_size = "", -1.0
    if (srcset or "").lstrip().lower().startswith("data:"):
        return ""  # a lazy-load placeholder; its base64 commas would split into junk
    for entry in (srcset or "").split(","):
        bits = entry.split()
        if not bits:
            continue
        size = 0.0
        if len(bits) > 1:
            try:
                size = float(bits[1].rstrip("wxWX"))
            except ValueError:
                size = 0.0
        if size > best_size:
            best, best_size = bits[0], size
    return best


def image_source(node, base: str) -> str:
    """The real source of an ``<img>`` element, absolute, or '' when it has none.

    The largest ``srcset`` candidate wins (lazy-load plugins put the full-size image
    there); then the lazy-load attributes (``data-lazy-src``, ``data-src``,
    ``data-original``), then ``src`` unless it is a placeholder (a tiny ``data:`` GIF,
    ``about:blank``); then the sources of an enclosing ``<picture>``.
    """
    attrs = node.attributes
    for key in ("data-lazy-srcset", "data-srcset", "srcset"):
        best = _largest(attrs.get(key))
        if best:
            return absolute_url(best, base)
    for key in ("data-lazy-src", "data-src", "data-original", "data-actualsrc", "src"):
        value = (attrs.get(key) or "").strip()
        if value and not _PLACEHOLDER_SRC_RE.match(value):
            return value if _DATA_IMAGE_RE.match(value) else absolute_url(value, base)
    parent = node.parent
    if parent is not None and parent.tag == "picture":
        for source in parent.css("source"):
            best = _largest(source.attributes.get("srcset") or source.attributes.get("data-srcset"))
            if best:
                return absolute_url(best, base)
    return ""
