"""Front matter as Jekyll, Hugo and Hexo read it: their splits, their keys, their meanings.

Each generator accepts front matter the others refuse and means different things by the same
keys (their own code and tests are the reference: jekyll/jekyll ``document.rb``, gohugoio/hugo
``page_frontmatter.go``, hexojs/hexo-front-matter and hexo's ``post`` processor and model;
tests/fixtures/frontmatter_cases.json restates their cases). This module turns a post's text
and raw front matter into the generic keys ``fields.py`` maps onto the model:

* splitting: Hexo's front matter may lack its opening ``---``, use ``;;;`` (JSON without
  braces) or longer separators; Hexo replaces tabs that indent YAML lines by two spaces
  each (other sites get the same repair, with a warning, rather than a refused post);
  Jekyll builds a post whose YAML is broken without its front matter.
* keys: Hugo keys are case-insensitive and custom ones may sit under ``params``; Hugo's
  ``published`` is a date, Jekyll's a switch; drafts are ``_drafts/`` files too.
* categories: Jekyll splits a ``categories`` string on spaces but not ``category``, and adds
  the folders above ``_posts``; Hexo reads a list as one hierarchy and a list of lists as
  several (``- [Linux, Kernel]`` and ``- Linux`` ``- Kernel`` are both Linux > Kernel), kept
  as the path ``Linux / Kernel``; Hugo's taxonomies are flat.
* dates: the chain each generator follows when ``date`` is missing, and the site's zone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import yaml

from ..core.diagnostics import Diagnostics
from ..core.errors import FrontMatterError
from .frontmatter import escape_tabs, load_yaml, split
from .site import Site

CATEGORY_SEPARATOR = " / "
# hexojs/hexo-front-matter: a prefix separator, or front matter ending at the first separator line.
_HEXO_PREFIXED_RE = re.compile(r"^(-{3,}|;{3,})\n([\s\S]+?)\n\1(?:\n([\s\S]*))?$")
_HEXO_TRAILING_RE = re.compile(r"^([\s\S]+?)\n(-{3,}|;{3,})(?:\n([\s\S]*))?$")
_JEKYLL_NAME_RE = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)$")
_HUGO_NAME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[-_ ]?(.*)$")


def _hexo_split(text: str) -> tuple[str, str, str] | None:
    """(front matter, body, separator) as Hexo splits them, or None without front matter."""
    match = _HEXO_PREFIXED_RE.match(text)
    if match:
        return match.group(2), match.group(3) or "", match.group(1)
    match = _HEXO_TRAILING_RE.match(text)
    if match:
        return match.group(1), match.group(3) or "", match.group(2)
    return None


def _parse_hexo(front: str, separator: str) -> Any:
    if separator.startswith(";"):
        return json.loads("{" + front + "}")
    return load_yaml(escape_tabs(front))


def split_post(text: str, path: Path, generator: str, diag: Diagnostics) -> tuple[dict[str, Any], str, str]:
    """(front matter, body, format) of a post as ``generator`` splits it (see the module
    docstring); broken front matter is a :class:`FrontMatterError` where the generator
    refuses the post too (Hugo, and files of no known site)."""
    if generator == "hexo":
        found = _hexo_split(text)
        if found is None:
            return {}, text, ""
        front, body, separator = found
        try:
            meta = _parse_hexo(front, separator)
        except (ValueError, yaml.YAMLError):
            meta = None
        if not isinstance(meta, dict):
            if _HEXO_PREFIXED_RE.match(text):
                # Hexo shows the whole file as text; its front matter is no text of a book.
                diag.warn("bad-front-matter", "front matter is neither YAML nor JSON key: value pairs; "
                                              "read without it")
                return {}, body, ""
            return {}, text, ""  # Hexo: a first paragraph above a rule is text, not front matter
        if "\n\t" in front and not separator.startswith(";"):
            diag.warn("front-matter-tabs", "front matter indented with tabs (read as Hexo does: two spaces each)")
        return meta, body, "json" if separator.startswith(";") else "yaml"
    try:
        return split(text, path, repair_tabs=None if generator == "hugo" else diag)
    except FrontMatterError as exc:
        if generator == "jekyll" and text.startswith("---"):
            # Jekyll logs "YAML Exception" and builds the post without its front matter.
            diag.warn("bad-front-matter", f"{exc.message}; read without front matter, as Jekyll does")
            end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[3:], re.M)
            return {}, text[3 + end.end():].lstrip("\n") if end else text, ""
        raise


# -- keys


def _drop_empty(items: list[Any]) -> list[Any]:
    return [i for i in items if i is not None and i != ""]


def hexo_category_paths(value: Any) -> list[str]:
    """Hexo's ``setCategories``: a flat list is one hierarchy, a list holding lists is several
    (plain entries are top-level categories); blanks are dropped; each as a path."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    items = _drop_empty(items)
    if not any(isinstance(i, list) for i in items):
        chain = [str(i).strip() for i in items if str(i).strip()]
        return [CATEGORY_SEPARATOR.join(chain)] if chain else []
    paths: list[str] = []
    for item in items:
        chain = [str(i).strip() for i in _drop_empty(item if isinstance(item, list) else [item]) if str(i).strip()]
        path = CATEGORY_SEPARATOR.join(chain)
        if path and path not in paths:
            paths.append(path)
    return paths


def _jekyll_list(raw: dict[str, Any], singular: str, plural: str) -> list[str] | None:
    """Jekyll's ``pluralized_array_from_hash``: the singular key's value as one entry (not
    split); the plural key's list, or its string split on whitespace."""
    if raw.get(singular) not in (None, ""):
        value = raw[singular]
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    value = raw.get(plural)
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip(",") for v in value.split() if v.strip(",")]
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and not isinstance(v, (list, dict))]
    return [str(value)]


def _titleize(slug: str) -> str:
    """Jekyll's ``titleize_slug``: words of the slug, each capitalized."""
    return " ".join(w[:1].upper() + w[1:] for w in slug.split("-") if w)


def _in_folder(path: Path, name: str) -> bool:
    return name in path.parts[:-1]


def _jekyll(raw: dict[str, Any], path: Path, site: Site | None) -> dict[str, Any]:
    out = dict(raw)
    categories = _jekyll_list(raw, "category", "categories")
    above = []
    if site is not None and site.root is not None:
        # Folders above _posts are categories too (es/_posts/x.md is in "es").
        try:
            parts = path.resolve().relative_to(site.root.resolve()).parts
        except ValueError:
            parts = ()
        if "_posts" in parts:
            above = [p for p in parts[:parts.index("_posts")] if p]
    if categories is not None or above:
        out["categories"] = list(dict.fromkeys(above + (categories or [])))
        out.pop("category", None)
    tags = _jekyll_list(raw, "tag", "tags")
    if tags is not None:
        out["tags"] = tags
        out.pop("tag", None)
    if isinstance(raw.get("published"), bool):
        out["draft"] = raw.get("draft") is True or raw["published"] is False
        out.pop("published")
    if _in_folder(path, "_drafts"):
        out["draft"] = True
    if not raw.get("title"):
        match = _JEKYLL_NAME_RE.match(path.stem)
        slug = str(raw.get("slug") or (match.group(4) if match else path.stem))
        if slug:
            out["title"] = _titleize(slug)
    return out


def _hugo(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    out = {str(k).lower(): v for k, v in raw.items()}
    params = out.get("params")
    if isinstance(params, dict):
        for key, value in params.items():
            out.setdefault(str(key).lower(), value)
    # Hugo's "published" is a publishDate alias, not Jekyll's switch.
    for key in ("publishdate", "pubdate", "published"):
        if out.get(key) not in (None, "") and not isinstance(out[key], bool):
            out.setdefault("_publishdate", out[key])
    out.pop("published", None)
    out.pop("pubdate", None)
    if "date" not in out or out["date"] in (None, ""):
        for key in ("_publishdate", "lastmod", "modified"):
            if out.get(key) not in (None, ""):
                out["date"] = out[key]
                break
    out.pop("_publishdate", None)
    out.setdefault("updated", out.get("lastmod", out.get("modified")))
    out.setdefault("expires", out.get("expirydate", out.get("unpublishdate")))
    if "url" in out and "permalink" not in out:
        out["permalink"] = out.pop("url")
    return out


def _hexo(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    out = dict(raw)
    value = raw.get("categories", raw.get("category"))
    if value is not None:
        out["categories"] = hexo_category_paths(value)
        out.pop("category", None)
    tags = raw.get("tags", raw.get("tag"))
    if tags is not None:
        # A string is one tag (no splitting); false and 0 are the tags "false" and "0".
        items = tags if isinstance(tags, list) else [tags]
        out["tags"] = [("false" if t is False else "true" if t is True else str(t)) for t in items
                       if t is not None and t != "" and not isinstance(t, (list, dict))]
        out.pop("tag", None)
    if _in_folder(path, "_drafts"):
        out["draft"] = True
    elif raw.get("published") is False:
        out["draft"] = True
    out.pop("published", None)
    if isinstance(out.get("permalink"), str) and out["permalink"].strip():
        out["permalink"] = "/" + out["permalink"].strip().lstrip("/")
    return out


def prepare(raw: dict[str, Any], path: Path, site: Site | None) -> dict[str, Any]:
    """``raw`` front matter with each generator's keys and values turned into the generic
    keys of ``fields.py`` (categories as lists of paths, drafts as ``draft``)."""
    generator = site.generator if site is not None else ""
    if generator == "jekyll":
        return _jekyll(raw, path, site)
    if generator == "hugo":
        return _hugo(raw, path)
    if generator == "hexo":
        return _hexo(raw, path)
    return raw


def name_parts(path: Path, site: Site | None) -> tuple[str, str] | None:
    """(ISO date, slug) from a dated file name, by the generator's rule: Jekyll's
    ``YYYY-M-D-slug``; Hugo's ``YYYY-MM-DD[-_ ]slug``; Hexo's ``new_post_name`` pattern; None
    when the name holds no date (the generic rule then applies)."""
    generator = site.generator if site is not None else ""
    stem = path.stem
    if stem in ("index", "_index") and path.parent.name:
        stem = path.parent.name
    if generator == "hexo" and site is not None:
        pattern = re.sub(r"\.\w+$", "", site.new_post_name)
        if ":year" not in pattern:
            return None
        regex = re.escape(pattern)
        for token, group in ((":year", r"(?P<year>\d{4})"), (":month", r"(?P<month>\d{1,2})"),
                             (":i_month", r"(?P<month>\d{1,2})"), (":day", r"(?P<day>\d{1,2})"),
                             (":i_day", r"(?P<day>\d{1,2})"), (":title", r"(?P<title>.+)")):
            regex = regex.replace(re.escape(token), group, 1)
        relative = path.with_suffix("").as_posix()
        match = re.search(regex + "$", relative)
        if not match:
            return None
        groups = match.groupdict()
        try:
            day = dt.date(int(groups["year"]), int(groups.get("month") or 1), int(groups.get("day") or 1))
        except (ValueError, TypeError):
            return None
        return day.isoformat(), groups.get("title") or stem
    match = (_HUGO_NAME_RE if generator == "hugo" else _JEKYLL_NAME_RE).match(stem)
    if not match:
        return None
    year, month, day, rest = match.groups()
    try:
        return dt.date(int(year), int(month), int(day)).isoformat(), rest.strip()
    except ValueError:
        return None
