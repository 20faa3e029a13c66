"""Find linked footnotes in an HTML body: a reference anchor pointing at a note definition.

Recognized: Markdown renderers' ``sup.footnote-ref a[href="#fn1"]`` → ``li#fn1``, and the
hand-made CMS kind, ``<sup><a href="#fn1" name="fnr1">1</a></sup>`` → ``<p><a name="fn1"
href="#fnr1">[1]</a> text</p>``. A reference must look like a note marker (inside ``sup``
or a short label such as ``[1]``) and come before its definition; back-links inside a
definition are dropped. The reader turns each pair into one ``Note`` where the reference was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

_LABEL_RE = re.compile(r"^\s*[\[\(（【]?\s*(?:\d{1,3}|[*†‡§]+|[ivxIVX]{1,5}|[a-z])\s*[\]\)）】]?\s*$")
_MAX_NOTE_CHARS = 5000
_BLOCKS = {"p", "li", "div", "dd", "section", "aside", "td"}


@dataclass(slots=True)
class Footnotes:
    """``refs``: reference anchor → definition element; ``skip``: elements not to render
    where they stand (definitions, back-links, the separator rule)."""

    refs: dict[int, LexborNode]
    skip: set[int]


def _looks_like_ref(a: LexborNode) -> bool:
    text = a.text(deep=True) or ""
    if not _LABEL_RE.match(text):
        return False
    parent = a.parent
    if parent is not None and parent.tag == "sup":
        return True
    if a.css_first("sup") is not None:
        return True
    classes = (a.attributes.get("class") or "") + " " + (a.attributes.get("id") or "")
    return bool(re.search(r"foot|note|fn", classes, re.I))


def _definition_of(target: LexborNode) -> LexborNode | None:
    node = target
    while node is not None and node.tag in ("a", "span", "sup", "strong", "b", "em", "i"):
        node = node.parent
    if node is None or node.tag not in _BLOCKS | {"ol", "ul"}:
        return None
    return node


def find_footnotes(root: LexborNode) -> Footnotes:
    """Pair note references with their definitions under ``root``."""
    anchors = root.css('a[href^="#"]')
    if not anchors:
        return Footnotes({}, set())
    order: dict[int, int] = {}
    ids: dict[str, LexborNode] = {}
    for index, node in enumerate(root.traverse()):
        order[node.mem_id] = index
        attrs = node.attributes
        for key in ("id", "name") if node.tag == "a" else ("id",):
            value = attrs.get(key)
            if value and value not in ids:
                ids[value] = node
    refs: dict[int, LexborNode] = {}
    skip: set[int] = set()
    ref_ids: dict[int, set[str]] = {}
    for a in anchors:
        href = (a.attributes.get("href") or "")[1:]
        target = ids.get(href)
        if target is None or not _looks_like_ref(a):
            continue
        definition = _definition_of(target)
        if definition is None or order.get(definition.mem_id, -1) <= order.get(a.mem_id, 0):
            continue
        # The definition must not contain the reference, nor be a whole section of text.
        parent = a.parent
        inside = False
        while parent is not None:
            if parent.mem_id == definition.mem_id:
                inside = True
                break
            parent = parent.parent
        if inside or len(definition.text(deep=True) or "") > _MAX_NOTE_CHARS:
            continue
        refs[a.mem_id] = definition
        skip.add(definition.mem_id)
        own = {v for v in (a.attributes.get("id"), a.attributes.get("name")) if v}
        if a.parent is not None and a.parent.tag == "sup" and a.parent.attributes.get("id"):
            own.add(a.parent.attributes["id"])
        ref_ids[definition.mem_id] = own
    for definition in {d.mem_id: d for d in refs.values()}.values():
        own = ref_ids.get(definition.mem_id, set())
        for back in definition.css("a[href]"):
            href = back.attributes.get("href") or ""
            cls = back.attributes.get("class") or ""
            if (href.startswith("#") and href[1:] in own) or "backref" in cls:
                skip.add(back.mem_id)
    for hr in root.css("hr"):
        if "footnote" in (hr.attributes.get("class") or ""):
            skip.add(hr.mem_id)
    return Footnotes(refs, skip)
