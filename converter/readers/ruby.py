"""Ruby in Markdown: ``{漢字|かんじ}`` (group ruby) and ``{漢字|かん|じ}`` (one reading per
character), the syntax of DenDenMarkdown that Japanese e-book authors already use.

A markdown-it inline rule turns the braces into ``<ruby>`` HTML, which the HTML reader maps
onto ``Ruby`` nodes like any other ruby. Braces that do not hold ``base|reading`` stay text.
"""

from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_RUBY_RE = re.compile(r"\{([^{}|\n]+)((?:\|[^{}|\n]+)+)\}")


def ruby_html(base: str, readings: list[str]) -> str:
    """``<ruby>`` markup: one annotation per character when there is one reading for each
    character of the base, else one for the whole base."""
    if len(readings) > 1 and len(readings) == len(base):
        return "".join(f"<ruby>{escape(b)}<rt>{escape(r)}</rt></ruby>" for b, r in zip(base, readings))
    return f"<ruby>{escape(base)}<rt>{escape(''.join(readings))}</rt></ruby>"


def _rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = _RUBY_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("html_inline", "", 0)
        token.content = ruby_html(match.group(1), match.group(2).split("|")[1:])
    state.pos = match.end()
    return True


def ruby_plugin(md: MarkdownIt) -> None:
    """Register the ``{base|reading}`` rule (before text, so braces are seen)."""
    md.inline.ruler.before("text", "ruby", _rule)
