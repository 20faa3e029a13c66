"""Split a post into front matter (YAML ``---``, TOML ``+++``, JSON ``{}``) and body.

python-frontmatter detects the format and splits; TOML is parsed with the standard library's
``tomllib`` (python-frontmatter's own TOML handler needs the unmaintained ``toml`` package).
Errors become :class:`FrontMatterError` with the file and the line. Front matter is a few
dozen values: more than :data:`MAX_VALUES` (YAML aliases can make a billion of a few lines,
"billion laughs") or nesting too deep to walk is refused before anything uses it.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

from ..core.diagnostics import Diagnostics
from ..core.errors import FrontMatterError


class _TomlHandler(BaseHandler):
    """TOML front matter between ``+++`` lines, parsed by ``tomllib``."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: Any) -> dict[str, Any]:
        return tomllib.loads(fm)

    def export(self, metadata: dict[str, Any], **kwargs: Any) -> str:  # pragma: no cover
        raise NotImplementedError("converter never writes front matter")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (the C one when PyYAML has it: much faster), with impossible
    timestamps kept as text."""


def _timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    # "2020-13-45T99:99:99" has the shape of a timestamp but is none; as text it reaches the
    # date fields, which warn and fall back, instead of failing the whole post.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_yaml(text: str) -> Any:
    """YAML parsed with the safe loader; an impossible timestamp is read as text."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader


def escape_tabs(text: str) -> str:
    """Hexo's repair of tab-indented YAML (hexojs/hexo-front-matter ``escapeYAML``): tabs
    right after a newline become two spaces each."""
    return _TABS_RE.sub(lambda m: "  " * len(m.group()), text)


class _YamlHandler(YAMLHandler):
    """YAML front matter parsed by :func:`load_yaml`."""

    def load(self, fm: str, **kwargs: Any) -> Any:
        return load_yaml(fm)


_HANDLERS = (_YamlHandler(), _TomlHandler(), JSONHandler())
MAX_VALUES = 10_000


def _too_many_values(value: Any, limit: int = MAX_VALUES) -> bool:
    """Whether ``value`` holds more than ``limit`` values, each shared one counted every time
    it is used (as anything that walks it would meet it)."""
    count = 0
    stack = [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return False
_TABS_RE = re.compile(r"(?<=\n)\t+")


def split(text: str, path: Path, repair_tabs: Diagnostics | None = None) -> tuple[dict[str, Any], str, str]:
    """Return (metadata, body, format) where format is 'yaml', 'toml', 'json' or ''.

    YAML indented with tabs is refused, unless ``repair_tabs`` is a diagnostics sink: then
    the tabs are read as Hexo reads them (:func:`escape_tabs`), with a warning there."""
    handler = frontmatter.detect_format(text, _HANDLERS)
    if handler is None:
        return {}, text, ""
    kind = {_YamlHandler: "yaml", _TomlHandler: "toml", JSONHandler: "json"}[type(handler)]
    try:
        fm, body = handler.split(text)
    except ValueError as exc:
        raise FrontMatterError(f"{kind.upper()} front matter is not closed", path=path) from exc
    try:
        try:
            meta = handler.load(fm)
        except yaml.YAMLError as original:
            if kind != "yaml" or repair_tabs is None or not _TABS_RE.search(fm):
                raise
            try:
                meta = handler.load(escape_tabs(fm))
            except yaml.YAMLError:
                raise original from None
            repair_tabs.warn("front-matter-tabs", "front matter indented with tabs; read with two spaces per tab "
                                                  "(as Hexo reads it)")
    except yaml.MarkedYAMLError as exc:
        # The split front matter starts with the newline after "---", so its line 0 is the
        # file's line 1.
        # Where the broken construct started is more useful than where YAML gave up.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else None
        where = f" at line {line}" if line else ""
        problem = exc.problem or "invalid YAML"
        lines = fm.splitlines()
        tabbed = any("\t" in lines[m.line] for m in (exc.problem_mark, exc.context_mark) if m and m.line < len(lines))
        hint = "YAML does not allow tabs; indent with spaces" if "tab" in problem or "'\\t'" in problem or tabbed else ""
        raise FrontMatterError(f"broken YAML front matter{where}: {problem}", path=path, hint=hint) from exc
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"broken YAML front matter: {exc}", path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise FrontMatterError(f"broken TOML front matter: {exc}", path=path) from exc
    except json.JSONDecodeError as exc:
        raise FrontMatterError(f"broken JSON front matter at line {exc.lineno}: {exc.msg}", path=path) from exc
    except RecursionError as exc:
        raise FrontMatterError(f"{kind.upper()} front matter is nested too deeply", path=path) from exc
    if _too_many_values(meta):
        raise FrontMatterError(f"front matter holds more than {MAX_VALUES} values (YAML aliases that expand?)",
                               path=path)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError(f"front matter must be a mapping of keys to values, not a {type(meta).__name__}",
                               path=path)
    return meta, body, kind
