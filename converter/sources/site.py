"""The site a post belongs to: which generator builds it, and what its configuration says.

A post file inside a Jekyll, Hugo or Hexo site is read the way that generator reads it
(``generators.py``) and gets the address the site publishes it at (``permalinks.py``). The
site is found by walking up from the post's folder to a configuration file: Jekyll and Hexo
``_config.yml``, Hugo ``hugo.toml``/``config.toml`` (or ``.yaml``/``.json``, or the
``config/_default/`` folder). Hexo and Jekyll share the file name; a ``source/_posts``
folder, a ``package.json`` naming hexo, or Hexo's own keys tell them apart.

Discovery finds the site once per folder and hands it to every post in a :class:`Site`
(frozen, hashable), so reading a post stays a function of its input.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..core.urls import is_web_url
from .frontmatter import escape_tabs, load_yaml

SEARCH_DEPTH = 5
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json")
_HEXO_KEYS = ("new_post_name", "post_asset_folder", "source_dir", "public_dir", "root", "render_drafts")
# Values the generators ship as placeholders: not a real address.
_PLACEHOLDER_URLS = ("http://example.com", "https://example.com", "http://yoursite.com", "https://example.org",
                     "http://example.org")
MAX_CONFIG_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Site:
    """A site's generator and the settings that decide its posts' metadata and addresses.

    ``generator``: ``jekyll``, ``hugo``, ``hexo``, or ``wordpress``/``rss``/``atom`` for an
    export or a feed. ``root``: the site's folder. ``title``: the site's name. ``url``: the
    absolute address of the site root, ending in ``/`` (``https://ex.com/blog/``; '' when
    unknown). ``base_path``: the path the site is served under (``/blog/``). ``permalink``:
    the post address pattern. ``timezone``: the zone of dates written without one.
    ``permalinks``: Hugo's patterns per section. ``ugly_urls``/``lower_paths``: Hugo's
    ``uglyURLs`` and (not) ``disablePathToLower``. ``new_post_name``: Hexo's file-name
    pattern. ``post_asset_folder``: Hexo's per-post asset folders. ``content_dir``: where the
    posts are (Hugo ``contentDir``, Hexo ``source_dir``). ``filename_dates``: whether a date
    in the file name counts: ``fallback`` (when the front matter has none), ``first`` (over
    it: Hugo's ``[frontmatter] date = [":filename", …]``) or ``no`` (Hugo by default).
    ``defaults``: Jekyll's front matter defaults (``defaults:`` of ``_config.yml``) as JSON
    text, ``[[scope path, values], …]`` for posts. ``problem``: why the configuration could
    not be read ('' when it was).
    """

    generator: str = ""
    root: Path | None = None
    title: str = ""
    url: str = ""
    base_path: str = "/"
    permalink: str = ""
    timezone: str = ""
    permalinks: tuple[tuple[str, str], ...] = ()
    ugly_urls: bool = False
    lower_paths: bool = True
    new_post_name: str = ""
    post_asset_folder: bool = False
    content_dir: str = ""
    filename_dates: str = "fallback"
    defaults: str = ""
    problem: str = ""

    def post_folders(self) -> tuple[Path, ...]:
        """The folders that hold this site's posts (existing ones only)."""
        if self.root is None:
            return ()
        names = {"jekyll": ("_posts", "_drafts"), "hexo": (f"{self.content_dir}/_posts", f"{self.content_dir}/_drafts"),
                 "hugo": (self.content_dir,)}.get(self.generator, ())
        folders = [self.root / n for n in names]
        if self.generator == "jekyll":  # Jekyll also reads <category>/_posts
            folders += sorted(p for p in self.root.glob("*/_posts") if not p.parent.name.startswith(("_", ".")))
        return tuple(f for f in folders if f.is_dir())


def with_url(site: Site, url: str) -> Site:
    """``site`` with its address set to ``url`` (the ``site_url`` setting)."""
    if not is_web_url(url):
        return site
    base = url if url.endswith("/") else url + "/"
    return replace(site, url=base, base_path=urlsplit(base).path or "/")


def _load(path: Path, kind: str) -> Any:
    data = path.read_bytes()[:MAX_CONFIG_BYTES].decode("utf-8", errors="replace")
    if kind == "toml":
        return tomllib.loads(data)
    if kind == "json":
        return json.loads(data)
    try:
        return load_yaml(data)
    except yaml.YAMLError:
        return load_yaml(escape_tabs(data))  # Hexo reads tab-indented YAML


def _kind(path: Path) -> str:
    return {".toml": "toml", ".json": "json"}.get(path.suffix, "yaml")


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _base(url: str, sub: str = "") -> tuple[str, str]:
    """(absolute base URL ending in '/', base path) from a configured URL and sub-path
    (Jekyll ``url`` + ``baseurl``; Hexo ``url`` and Hugo ``baseURL`` hold their path)."""
    url = url.strip()
    if url.rstrip("/") in _PLACEHOLDER_URLS or not is_web_url(url):
        url = ""
    sub = sub.strip().strip("/")
    if not url:
        return "", f"/{sub}/" if sub else "/"
    parts = urlsplit(url)
    path = "/".join(p for p in (parts.path.strip("/"), sub) if p)
    path = f"/{path}/" if path else "/"
    return f"{parts.scheme}://{parts.netloc}{path}", path


def _hexo_or_jekyll(root: Path, config: dict[str, Any]) -> str:
    if (root / "source" / "_posts").is_dir() or (root / "scaffolds").is_dir():
        return "hexo"
    package = root / "package.json"
    if package.is_file() and '"hexo' in package.read_text(encoding="utf-8", errors="replace")[:65536]:
        return "hexo"
    if (root / "_posts").is_dir() or (root / "Gemfile").is_file() or "baseurl" in config:
        return "jekyll"
    return "hexo" if any(k in config for k in _HEXO_KEYS) else "jekyll"


def _jekyll_defaults(value: Any) -> str:
    """The front matter defaults that apply to posts: (scope path, values) pairs."""
    out = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope = entry.get("scope") if isinstance(entry.get("scope"), dict) else {}
        if scope.get("type") not in (None, "", "posts"):
            continue
        out.append([str(scope.get("path") or ""), entry["values"]])
    return json.dumps(out, ensure_ascii=False, default=str) if out else ""


def _jekyll(root: Path, config: dict[str, Any]) -> Site:
    url, base_path = _base(_text(config.get("url")), _text(config.get("baseurl")))
    permalink = _text(config.get("permalink")) or "date"
    collections = config.get("collections")
    if isinstance(collections, dict) and isinstance(collections.get("posts"), dict):
        permalink = _text(collections["posts"].get("permalink")) or permalink
    return Site("jekyll", root, _text(config.get("title")), url, base_path, permalink, _text(config.get("timezone")),
                defaults=_jekyll_defaults(config.get("defaults")))


def front_matter_defaults(site: Site | None, path: Path) -> dict[str, Any]:
    """Jekyll's defaults for the post at ``path``: those whose scope path holds it, the
    later (and the more specific) over the earlier."""
    if site is None or not site.defaults or site.root is None:
        return {}
    try:
        relative = path.resolve().relative_to(site.root.resolve()).as_posix()
    except ValueError:
        return {}
    merged: dict[str, Any] = {}
    for scope, values in sorted(json.loads(site.defaults), key=lambda sv: len(sv[0].strip("/"))):
        prefix = scope.strip("/")
        if not prefix or relative == prefix or relative.startswith(prefix + "/"):
            merged.update(values)
    return merged


def _hexo(root: Path, config: dict[str, Any]) -> Site:
    url, base_path = _base(_text(config.get("url")))
    configured_root = _text(config.get("root"))
    if configured_root and not url:
        base_path = "/" + configured_root.strip("/") + "/" if configured_root.strip("/") else "/"
    return Site("hexo", root, _text(config.get("title")), url, base_path,
                _text(config.get("permalink")) or ":year/:month/:day/:title/", _text(config.get("timezone")),
                new_post_name=_text(config.get("new_post_name")) or ":title.md",
                post_asset_folder=config.get("post_asset_folder") is True,
                content_dir=_text(config.get("source_dir")) or "source")


def _hugo_permalinks(value: Any) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for section, pattern in value.items():
            if isinstance(pattern, str):
                out.append((str(section), pattern))
            elif str(section).lower() == "page" and isinstance(pattern, dict):  # [permalinks.page]
                out.extend((str(s), p) for s, p in pattern.items() if isinstance(p, str))
    return tuple(out)


def _hugo_filename_dates(front_matter: Any) -> str:
    """Hugo reads a date from the file name only when ``[frontmatter] date`` lists
    ``:filename``; first in the list, it wins over the front matter's."""
    chain = front_matter.get("date") if isinstance(front_matter, dict) else None
    if not isinstance(chain, list) or ":filename" not in chain:
        return "no"
    return "first" if chain.index(":filename") == 0 else "fallback"


def _hugo(root: Path, config: dict[str, Any]) -> Site:
    lower = {str(k).lower(): v for k, v in config.items()}
    url, base_path = _base(_text(lower.get("baseurl")))
    return Site("hugo", root, _text(lower.get("title")), url, base_path, "", _text(lower.get("timezone")),
                permalinks=_hugo_permalinks(lower.get("permalinks")), ugly_urls=lower.get("uglyurls") is True,
                lower_paths=lower.get("disablepathtolower") is not True,
                content_dir=_text(lower.get("contentdir")) or "content",
                filename_dates=_hugo_filename_dates(lower.get("frontmatter")))


def _hugo_config(root: Path) -> dict[str, Any] | None:
    """Hugo's configuration: a root file, or ``config/_default/`` (its root-key files merged)."""
    for name in HUGO_CONFIGS:
        path = root / name
        if path.is_file():
            data = _load(path, _kind(path))
            return data if isinstance(data, dict) else {}
    folder = root / "config" / "_default"
    if not folder.is_dir():
        return None
    merged: dict[str, Any] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".toml", ".yaml", ".yml", ".json") or not path.is_file():
            continue
        data = _load(path, _kind(path))
        if not isinstance(data, dict):
            continue
        if path.stem in ("hugo", "config"):
            merged.update(data)
        else:
            merged[path.stem] = data
    return merged


def site_at(folder: Path) -> Site | None:
    """The site whose configuration sits in ``folder``, or None."""
    config_file = next((folder / n for n in ("_config.yml", "_config.yaml") if (folder / n).is_file()), None)
    try:
        if config_file is not None:
            config = _load(config_file, "yaml")
            config = config if isinstance(config, dict) else {}
            builder = _hexo if _hexo_or_jekyll(folder, config) == "hexo" else _jekyll
            return builder(folder, config)
        hugo = _hugo_config(folder)
        if hugo is not None:
            return _hugo(folder, hugo)
    except (OSError, ValueError, yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        name = config_file.name if config_file is not None else "Hugo configuration"
        generator = "" if config_file is None else ("hexo" if (folder / "source" / "_posts").is_dir() else "jekyll")
        return Site(generator or "hugo", folder, problem=f"cannot read {name}: {exc}"[:300])
    return None


def find_site(folder: Path, cache: dict[Path, Site | None] | None = None) -> Site | None:
    """The site ``folder`` is in: the nearest folder at most :data:`SEARCH_DEPTH` levels up
    that holds a site configuration and of which ``folder`` is the root or inside its posts'
    folders (an unrelated ``config.toml`` above a folder of posts makes no site)."""
    folder = folder.resolve()
    cache = {} if cache is None else cache
    for candidate in (folder, *folder.parents[:SEARCH_DEPTH]):
        if candidate not in cache:
            cache[candidate] = site_at(candidate)
        site = cache[candidate]
        if site is None:
            continue
        if site.problem:  # which folders hold its posts is unknown: the usual ones
            usual = [candidate / n for n in ("_posts", "_drafts", "content", "source/_posts", "source/_drafts")]
            return site if candidate == folder or any(folder == f or f in folder.parents for f in usual) else None
        if candidate == folder or any(folder == f or f in folder.parents for f in site.post_folders()):
            return site
        return None
    return None
