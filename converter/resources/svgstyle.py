"""CSS inside SVG images (``<style>`` and ``style=""``) reduced to well-formed rules that name
nothing outside the image.

EPUB checkers parse an SVG's CSS and reject a book whose CSS does not parse, and a ``url()``
or ``@import`` could reach a file or the network. What survives is rebuilt from tinycss2's
parse: qualified rules (and ``@media`` blocks of them) whose declarations hold only plain
values; ``url()`` only to ``#fragment``s inside the image. Anything else is dropped, so is
CSS with a backslash (an escape can spell ``url(`` or ``@import``).
"""

from __future__ import annotations

from collections.abc import Callable

import re

import tinycss2

# Whether ``url(#fragment)`` may stand in the value of a property (the image's own check of
# what the fragment names); without one, no fragment is allowed.
References = Callable[[str, str], bool]

# Tokens a plain declaration value is made of; delimiters besides these (``&``, ``{``, ``<``...)
# and parse errors make a declaration dropped.
_VALUE_TOKENS = frozenset({"whitespace", "ident", "number", "percentage", "dimension", "string", "hash"})
_VALUE_LITERALS = frozenset({",", "/", "%", "+", "-", "*", "!", ".", ":"})
_NESTING_AT_RULES = frozenset({"media"})
_SELECTOR_LITERALS = frozenset({".", ",", ">", "+", "~", "*", ":", "|"})
_ATTRIBUTE_LITERALS = frozenset({"=", "~", "|", "^", "$", "*"})
_QUOTED_FRAGMENT_RE = re.compile(r"""url\(\s*(['"])(#[^'"]*)\1\s*\)""", re.I)


def _fragment_ok(prop: str, url: str, refs: References | None) -> bool:
    url = url.strip()
    return url.startswith("#") and refs is not None and refs(prop, url[1:])


def _plain(tokens, prop: str, refs: References | None) -> bool:
    for token in tokens:
        if token.type in _VALUE_TOKENS:
            continue
        if token.type == "literal" and token.value in _VALUE_LITERALS:
            continue
        if token.type == "url" and _fragment_ok(prop, token.value, refs):
            continue
        if token.type == "function":
            if token.lower_name == "url":
                args = [a for a in token.arguments if a.type != "whitespace"]
                if len(args) == 1 and args[0].type == "string" and _fragment_ok(prop, args[0].value, refs):
                    continue
                return False
            if _plain(token.arguments, prop, refs):
                continue
        if token.type == "() block" and _plain(token.content, prop, refs):
            continue
        return False
    return True


def declarations(tokens_or_text, refs: References | None = None) -> str:
    """The well-formed, self-contained declarations of a block or a ``style`` attribute;
    ``refs`` judges the ``url(#fragment)``s they hold."""
    if isinstance(tokens_or_text, str) and "\\" in tokens_or_text:
        return ""
    out = []
    for item in tinycss2.parse_blocks_contents(tokens_or_text, skip_comments=True, skip_whitespace=True):
        if item.type != "declaration" or not _plain(item.value, item.lower_name, refs):
            continue
        # url("#a") as url(#a): some checkers take the quotes for part of the address.
        value = _QUOTED_FRAGMENT_RE.sub(r"url(\2)", tinycss2.serialize(item.value).strip())
        if value:
            out.append(f"{item.name}: {value}{' !important' if item.important else ''}")
    return "; ".join(out)


def _selector_ok(tokens, inside: bool = False) -> bool:
    """Whether ``tokens`` are made of what selectors are made of (and nothing that a
    stricter CSS parser would stop at, such as a stray ``<`` or ``]``)."""
    for token in tokens:
        if token.type in ("whitespace", "ident", "hash"):
            continue
        if token.type == "literal" and token.value in _SELECTOR_LITERALS:
            continue
        if inside and (token.type in ("number", "dimension", "string")
                       or token.type == "literal" and token.value in ("-", "#")):
            continue
        if token.type == "[] block" and all(
                t.type in ("whitespace", "ident", "string", "number")
                or t.type == "literal" and t.value in _ATTRIBUTE_LITERALS for t in token.content):
            continue
        if token.type == "function" and token.lower_name != "url" and _selector_ok(token.arguments, True):
            continue
        return False
    return bool(tinycss2.serialize(tokens).strip())


def _media_ok(tokens) -> bool:
    return bool(tinycss2.serialize(tokens).strip()) and all(
        t.type in ("whitespace", "ident") or t.type == "literal" and t.value == ","
        or t.type == "() block" and _plain(t.content, "", None) for t in tokens)


def stylesheet(text: str, refs: References | None = None) -> str:
    """The rules of a ``<style>`` element that parse and name nothing outside the image."""
    if "\\" in text:
        return ""
    return "\n".join(_rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True), refs))


def _rules(nodes, refs: References | None) -> list[str]:
    out: list[str] = []
    for rule in nodes:
        if rule.type == "qualified-rule" and _selector_ok(rule.prelude):
            body = declarations(rule.content, refs)
            if body:
                out.append(f"{tinycss2.serialize(rule.prelude).strip()} {{ {body} }}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in _NESTING_AT_RULES and rule.content is not None \
                and _media_ok(rule.prelude):
            inner = _rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), refs)
            if inner:
                out.append(f"@{rule.lower_at_keyword} {tinycss2.serialize(rule.prelude).strip()} {{ "
                           + " ".join(inner) + " }")
    return out
