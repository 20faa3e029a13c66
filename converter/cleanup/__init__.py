"""The cleanup stage: junk removal on the parsed HTML of a post, by named rules.

Runs inside the HTML reader between parsing and mapping onto the model, because the class
names and structure that identify share bars, comment sections and lazy-image copies exist
only in the DOM. Rules come from ``rules.py`` (selector rules, a data table) and
``structural.py`` (rules that weigh structure and content share); each can be disabled, and
more selector rules can be added, through ``CleanupOptions``. Every removal is logged and
shown by ``converter inspect --report``.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from ..diagnostics import Diagnostics
from ..errors import ConfigError
from ..options import CleanupOptions
from .context import CleanupContext
from .rules import ACTIONS, SELECTOR_RULES, STRUCTURAL_RULES, Rule, all_rule_names
from .structural import STRUCTURAL

# These run before the selector rules: later rules must see the image that stands in for a
# noscript copy, the chart artboard that is shown, and the decoded e-mail addresses.
_FIRST = ("generic.lazy-noscript", "ai2html.artboards", "generic.email-protection")


def rules_for(options: CleanupOptions) -> tuple[Rule, ...]:
    """The selector rules in force: the table minus disabled rules, plus extra rules."""
    known = set(all_rule_names())
    unknown = [name for name in options.disabled if name not in known and name not in {r[0] for r in options.extra}]
    if unknown:
        raise ConfigError(f"unknown cleanup rule(s): {', '.join(sorted(unknown))}",
                          hint="`converter inspect --rules` lists them")
    extra = []
    for name, selector, action in options.extra:
        if action not in ACTIONS:
            raise ConfigError(f"cleanup rule {name!r}: action must be one of {', '.join(ACTIONS)}")
        extra.append(Rule(name, selector, action, "configured"))
    return tuple(r for r in SELECTOR_RULES + tuple(extra) if r.name not in options.disabled)


def _keep_images(node: LexborNode) -> None:
    child = node.child
    while child is not None:
        following = child.next
        if child.tag != "img":
            if child.is_element_node and child.css_first("img") is not None:
                _keep_images(child)
            else:
                child.decompose()
        child = following


def clean(root: LexborNode, *, title: str, source_url: str, options: CleanupOptions,
          diag: Diagnostics) -> None:
    """Apply every enabled rule to ``root`` in place; report removals to ``diag``."""
    ctx = CleanupContext(root, title, source_url)
    enabled = lambda name: name not in options.disabled  # noqa: E731
    for name in _FIRST:
        if enabled(name):
            STRUCTURAL[name](ctx)
    for rule in rules_for(options):
        for node in root.css(rule.selector):
            if node.parent is None:  # inside something already removed
                continue
            if rule.action == "remove":
                ctx.remove(rule.name, node)
            elif rule.action == "unwrap":
                ctx.log(rule.name, node, label="", quiet=True)  # nothing is lost: counted only
                node.unwrap()
            else:
                ctx.log(rule.name, node)  # its text goes, so the report shows it
                _keep_images(node)
    for name, _why in STRUCTURAL_RULES:
        if name not in _FIRST and enabled(name):
            STRUCTURAL[name](ctx)
    ctx.report(diag)


__all__ = ["clean", "rules_for", "all_rule_names", "SELECTOR_RULES", "STRUCTURAL_RULES"]
