"""URL identity: when two URLs name the same post.

Scraped archives spell one address many ways: http or https, with or without ``www.``,
percent-encoded once, twice or not at all, in upper or lower case hex, with a trailing slash
or without, with feed tracking parameters. ``url_key`` maps all of them to one key; it is
used to find duplicate posts and links between posts of a book.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

# Query parameters that say where a click came from, not which page it is.
_TRACKING = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "ref_src"})


def _tracking(name: str, value: str) -> bool:
    # Medium's feeds append ?source=rss-<user>------2 to every post URL.
    return name in _TRACKING or name.startswith("utm_") or (name == "source" and value.startswith("rss"))


def _unquote_fully(text: str) -> str:
    for _ in range(3):  # matters.news URLs are percent-encoded twice
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def url_key(url: str) -> str:
    """A key equal for URLs that name the same web page; '' for anything but http(s)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return ""
    host = host.removeprefix("www.")
    path = _unquote_fully(parts.path).rstrip("/") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k, v)]
    return host + path + ("?" + urlencode(sorted(query)) if query else "")


def path_key(path: str) -> str:
    """The key of a site-relative path (``/2024/03/hello/``), comparable with the path part
    of :func:`url_key`."""
    return _unquote_fully(path.split("#")[0].split("?")[0]).rstrip("/") or "/"
