"""A post's address on its own site, computed the way its generator computes it.

Links between posts are written as the site's addresses (``/2018/06/10/hello/``, ``../1``,
``https://site/posts/x/``); to recognize them a book needs each post's address. It comes from
the front matter's explicit ``permalink`` (Hugo ``url``), else from the site's pattern:

* Jekyll: ``permalink`` (a style name — ``date``, ``pretty``, ``ordinal``, ``weekdate``,
  ``none`` — or a template) with ``:categories`` (lower case), ``:year``…, ``:title`` (the
  slug, case kept), ``:output_ext``; under ``url`` + ``baseurl``.
* Hugo: ``url``, else the ``[permalinks]`` pattern of the post's section, else the path of
  the file under ``content/`` (a bundle's folder; ``slug`` replaces the last part), lower
  case unless ``disablePathToLower``; ``.html`` with ``uglyURLs``; under ``baseURL``. Its
  ``aliases`` resolve against the page's path.
* Hexo: ``permalink`` (default ``:year/:month/:day/:title/``) with ``:title`` the file's path
  under ``_posts`` (without extension), ``:category`` the last category's path; under
  ``url`` (which holds ``root``).

Date parts are the wall-clock date in the site's zone. Without a known base URL the address
is a site path (``/2018/06/10/hello/``): links in the same form still find the post.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..core.model import Meta
from ..core.urls import is_web_url
from .dates import wall_clock, zone
from .generators import CATEGORY_SEPARATOR, name_parts
from .site import Site

JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_TOKEN_RE = re.compile(r":([a-z_]+)")
_SLUG_DROP_RE = re.compile(r"[^\w.~!$&'()+,;=@\-]+", re.U)


def slugify(text: str, lower: bool = False) -> str:
    """A URL segment of ``text``: runs of spaces and punctuation become one hyphen; letters
    of every script are kept (generators keep CJK slugs)."""
    slug = _SLUG_DROP_RE.sub("-", text.strip()).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)
    return slug.lower() if lower else slug


def _date_tokens(when: dt.datetime | None) -> dict[str, str]:
    if when is None:
        return {}
    return {
        "year": f"{when.year:04d}", "month": f"{when.month:02d}", "day": f"{when.day:02d}",
        "hour": f"{when.hour:02d}", "minute": f"{when.minute:02d}", "second": f"{when.second:02d}",
        "i_month": str(when.month), "i_day": str(when.day), "short_year": when.strftime("%y"),
        "y_day": when.strftime("%j"), "short_month": when.strftime("%b"), "long_month": when.strftime("%B"),
        "week": when.strftime("%V"), "short_day": when.strftime("%a"), "long_day": when.strftime("%A"),
        "monthname": when.strftime("%B").lower(), "weekday": str(when.isoweekday() % 7),
        "weekdayname": when.strftime("%A").lower(), "yearday": str(when.timetuple().tm_yday),
    }


def _fill(pattern: str, tokens: dict[str, str]) -> str | None:
    """``pattern`` with its ``:tokens`` replaced; None when one is unknown (no address is
    better than a wrong one)."""
    missing = []

    def token(match: re.Match) -> str:
        name = match.group(1)
        for cut in range(len(name), 0, -1):  # ":title:output_ext", ":year-:month"
            if name[:cut] in tokens:
                return tokens[name[:cut]] + name[cut:]
        missing.append(name)
        return ""

    path = _TOKEN_RE.sub(token, pattern)
    if missing:
        return None
    return "/" + re.sub(r"/{2,}", "/", path).lstrip("/")


def _relative(path: Path, folder: Path) -> Path | None:
    try:
        return path.resolve().relative_to(folder.resolve())
    except ValueError:
        return None


def _jekyll(site: Site, path: Path, meta: Meta, when: dt.datetime | None) -> str | None:
    parts = name_parts(path, site)
    title = meta.slug or (parts[1] if parts else path.stem)
    tokens = {
        **_date_tokens(when),
        "title": slugify(title), "slug": slugify(title, lower=True), "name": slugify(path.stem),
        "categories": "/".join(slugify(c, lower=True) for c in dict.fromkeys(meta.categories)),
        "output_ext": ".html",
    }
    pattern = meta.url if meta.url.startswith("/") or ":" in meta.url else ""
    pattern = pattern or JEKYLL_STYLES.get(site.permalink, site.permalink)
    return _fill(pattern, tokens)


def _hugo(site: Site, path: Path, meta: Meta, when: dt.datetime | None) -> str | None:
    if site.root is None:
        return None
    relative = _relative(path, site.root / site.content_dir)
    if relative is None:
        return None
    bundle = relative.stem == "index"
    base = relative.parent.name if bundle else relative.stem
    dirs = list((relative.parent.parent if bundle else relative.parent).parts)
    section = dirs[0] if dirs else ""
    slug = meta.slug
    tokens = {
        **_date_tokens(when),
        "title": slugify(meta.title, lower=True), "slug": slugify(slug or meta.title, lower=True),
        "slugorfilename": slug or base, "slugorcontentbasename": slug or base,
        "filename": base, "contentbasename": base, "section": section, "sectionslug": slugify(section),
        "sections": "/".join(dirs),
    }
    explicit = meta.url if meta.url and not is_web_url(meta.url) else ""
    pattern = dict(site.permalinks).get(section, "")
    if explicit:
        address = _fill("/" + explicit.lstrip("/"), tokens)
    elif pattern:
        address = _fill(pattern, tokens)
    else:
        leaf = slug or base
        address = "/" + "/".join([*dirs, leaf]) + ("" if site.ugly_urls else "/")
        address = address + ".html" if site.ugly_urls else address
    if address is None:
        return None
    return address.lower() if site.lower_paths else address


def _hexo(site: Site, path: Path, meta: Meta, when: dt.datetime | None) -> str | None:
    if meta.url and not is_web_url(meta.url):
        return "/" + meta.url.lstrip("/")
    if site.root is None:
        return None
    relative = _relative(path, site.root / site.content_dir / "_posts") or _relative(
        path, site.root / site.content_dir / "_drafts")
    title = relative.with_suffix("").as_posix() if relative is not None else path.stem
    parts = name_parts(path, site)
    if parts:
        title = parts[1]
    last = meta.categories[-1] if meta.categories else "uncategorized"
    tokens = {
        **_date_tokens(when),
        "title": title, "name": title.rsplit("/", 1)[-1], "post_title": slugify(meta.title, lower=True),
        "category": "/".join(slugify(c) for c in last.split(CATEGORY_SEPARATOR)),
    }
    if when is not None:
        tokens["hash"] = hashlib.sha1((title + str(int(when.timestamp()))).encode()).hexdigest()[:12]
    return _fill(site.permalink, tokens)


_PATTERNS = {"jekyll": _jekyll, "hugo": _hugo, "hexo": _hexo}


def addresses(site: Site | None, path: Path, meta: Meta, tz_name: str = "") -> tuple[str, tuple[str, ...]]:
    """(address, aliases) of the post at ``path`` with metadata ``meta`` (its ``url`` being
    the front matter's explicit permalink); '' when the site and the post give none."""
    base = site.url if site is not None else ""
    base_path = site.base_path if site is not None else "/"
    explicit = meta.url
    own = ""
    if is_web_url(explicit):
        own = explicit
    elif site is not None and site.generator in _PATTERNS:
        tz = zone(tz_name or site.timezone)
        when = wall_clock(meta.date, tz)
        site_path = _PATTERNS[site.generator](site, path, meta, when)
        if site_path:
            own = urljoin(base, site_path.lstrip("/")) if base else base_path.rstrip("/") + site_path
    elif explicit:
        own = urljoin(base, explicit.lstrip("/")) if base else "/" + explicit.lstrip("/")
    aliases: list[str] = []
    for alias in meta.aliases:
        if is_web_url(alias):
            aliases.append(alias)
        elif alias.startswith("/"):
            aliases.append(urljoin(base, alias.lstrip("/")) if base else base_path.rstrip("/") + alias)
        elif own:
            aliases.append(urljoin(own.rstrip("/"), alias))
    if own and base and base_path != "/":
        # Authors often forget the base path (or a template added it): the same address
        # without it names the post too.
        parts = urlsplit(own)
        if parts.path.startswith(base_path):
            aliases.append(f"{parts.scheme}://{parts.netloc}/{parts.path[len(base_path):]}")
    return own, tuple(dict.fromkeys(a for a in aliases if a and a != own))
