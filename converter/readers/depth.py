"""Nesting depth bounded: of HTML before it is parsed, of Markdown while it is.

An HTML5 parser checks the stack of open elements for every end tag, so parsing markup nested
N deep costs N² (lexbor takes 50 s for 100,000 nested ``<div>``s). Real posts nest at most a
few dozen levels; a post nested deeper than :data:`MAX_PARSE_DEPTH` loses the start tags past
that depth (and their end tags), keeping all of its text. Depth is counted from the tags as
written, with the implied end tags of the elements that close their own kind (``<p>``,
``<li>``, ``<td>``…), so a post that leaves those open is not taken for a deep one. Markup
within the bound is returned unchanged.

markdown-it silently drops what lies deeper than its ``maxNesting`` (20 levels in the
CommonMark preset: a list nested ten deep lost its text). :func:`depth_plugin` keeps what is
nested deeper than :data:`MAX_MARKDOWN_LEVEL`, just under that, as one plain paragraph of
its source, and notes it in the environment for the reader to warn about. (Raising
``maxNesting`` instead would slow inline parsing, which it also bounds, fivefold.)
"""

from __future__ import annotations

import re
from collections import Counter

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

MAX_PARSE_DEPTH = 512
MAX_MARKDOWN_LEVEL = 18  # block levels kept as structure (a list level counts two: list and item)
TOO_DEEP = "too_deep"  # key set in markdown-it's env when the rule below acted
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,63})(?:\s[^<>]*)?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                   "track", "wbr", "param", "keygen", "frame", "basefont", "bgsound", "image"})
# Elements whose start closes an open element of the same kind (HTML's implied end tags).
_SIBLING_CLOSED = frozenset({"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
                             "tfoot", "rb", "rt", "rp", "rtc"})
_SEARCH = 16  # how far down the stack an end tag or an implied end looks for its element


def _max_depth(html: str) -> int:
    deepest = 0
    stack: list[str] = []
    for match in _TAG_RE.finditer(html):
        _apply(stack, match.group(1) == "/", match.group(2).lower(), bool(match.group(3)))
        deepest = max(deepest, len(stack))
    return deepest


def _apply(stack: list[str], end: bool, name: str, self_closed: bool) -> None:
    """The stack of open elements after one tag."""
    if end:
        for i in range(len(stack) - 1, max(-1, len(stack) - 1 - _SEARCH), -1):
            if stack[i] == name:
                del stack[i:]
                return
        return
    if name in _VOID or self_closed:
        return
    if name in _SIBLING_CLOSED:
        for i in range(len(stack) - 1, max(-1, len(stack) - 1 - _SEARCH), -1):
            if stack[i] == name:
                del stack[i:]
                break
    stack.append(name)


def bound_depth(html: str, limit: int = MAX_PARSE_DEPTH) -> tuple[str, int]:
    """``html`` with the tags nested deeper than ``limit`` removed, and how many were."""
    if html.count("<") <= limit or _max_depth(html) <= limit:
        return html, 0
    stack: list[str] = []
    dropped: Counter[str] = Counter()
    removed = 0
    out: list[str] = []
    last = 0
    for match in _TAG_RE.finditer(html):
        end, name, self_closed = match.group(1) == "/", match.group(2).lower(), bool(match.group(3))
        drop = False
        if end and dropped[name]:
            dropped[name] -= 1
            drop = True
        elif not end and not (name in _VOID or self_closed) and len(stack) >= limit \
                and not (name in _SIBLING_CLOSED and name in stack[-_SEARCH:]):
            dropped[name] += 1
            drop = True
        else:
            _apply(stack, end, name, self_closed)
        if drop:
            out.append(html[last:match.start()])
            last = match.end()
            removed += 1
    out.append(html[last:])
    return "".join(out), removed


def _flatten_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Past :data:`MAX_MARKDOWN_LEVEL`, the rest of a container is one paragraph of its
    source text (markers included), so no text is lost."""
    if state.level < MAX_MARKDOWN_LEVEL:
        return False
    if silent:
        return True
    last = start
    while last < end and (state.isEmpty(last) or state.sCount[last] >= state.blkIndent):
        last += 1
    text = state.getLines(start, last, state.blkIndent, False).strip()
    state.push("paragraph_open", "p", 1)
    inline = state.push("text", "", 0)
    inline.content = text
    state.push("paragraph_close", "p", -1)
    state.line = max(last, start + 1)
    state.env[TOO_DEEP] = state.env.get(TOO_DEEP, 0) + 1
    return True


def depth_plugin(md: MarkdownIt) -> None:
    """Keep text nested deeper than :data:`MAX_MARKDOWN_LEVEL` as plain paragraphs."""
    if md.options["maxNesting"] < MAX_MARKDOWN_LEVEL + 2:
        raise ValueError("markdown-it's maxNesting must be at least MAX_MARKDOWN_LEVEL + 2")
    md.block.ruler.before("table", "too_deep", _flatten_deep)
