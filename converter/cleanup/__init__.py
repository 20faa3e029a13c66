"""The cleanup stage: junk removal on the parsed HTML of a post, by named rules.

Runs inside the HTML reader between parsing and mapping onto the model, because the class
names and structure that identify share bars, comment sections and lazy-image copies exist
only in the DOM. Rules come from ``rules.py`` (selector rules, a data table) and
``structural.py`` (rules that weigh structure and content share); each can be disabled, and
more selector rules can be added, through ``CleanupOptions``. Every removal is logged and
shown by ``converter inspect --report``.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..core.diagnostics import Diagnostics
from ..core.errors import ConfigError
from ..core.options import CleanupOptions
from .context import CleanupContext
from .rules import SELECTOR_RULES, STRUCTURAL_RULES, Rule, all_rule_names
from .structural import STRUCTURAL

# These run before the selector rules: later rules must see the image that stands in for a
# noscript copy, the chart artboard that is shown, and the decoded e-mail addresses; comment
# threads are recognized by the bylines and dates the selector rules remove.
_FIRST = ("generic.lazy-noscript", "ai2html.artboards", "generic.email-protection", "generic.comment-threads")


def configured_rules(options: CleanupOptions) -> tuple[Rule, ...]:
    """The selector rules of the configuration (``cleanup.remove``...), named
    ``config.<action>.<n>``."""
    return tuple(Rule(f"config.{action.replace('-', '_')}.{i}", selector, action, "configured")
                 for action, selectors in (("remove", options.remove), ("unwrap", options.unwrap),
                                           ("keep-images", options.keep_images))
                 for i, selector in enumerate(selectors, 1))


def rules_for(options: CleanupOptions) -> tuple[Rule, ...]:
    """The selector rules in force: the table minus disabled rules, plus configured rules."""
    extra = configured_rules(options)
    known = set(all_rule_names()) | {r.name for r in extra}
    unknown = [name for name in options.disabled if name not in known]
    if unknown:
        raise ConfigError(f"unknown cleanup rule(s): {', '.join(sorted(unknown))}",
                          hint="`converter inspect --rules` lists them")
    return tuple(r for r in SELECTOR_RULES + extra if r.name not in options.disabled)


def check_rule_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """The ``cleanup.disable`` setting's check: names of known rules."""
    unknown = [n for n in names if n not in all_rule_names()]
    if unknown:
        raise ValueError(f"unknown rule(s) {', '.join(unknown)} (`converter inspect --rules` lists them)")
    return names


def check_selectors(selectors: tuple[str, ...]) -> tuple[str, ...]:
    """The selector settings' check: each is a CSS selector lexbor understands."""
    probe = LexborHTMLParser("<p></p>")
    for selector in selectors:
        try:
            probe.css(selector)
        except Exception as exc:  # noqa: BLE001 - lexbor reports a bad selector with various types
            raise ValueError(f"not a CSS selector: {selector!r} ({exc})") from None
    return selectors


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
