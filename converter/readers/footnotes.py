"""Find linked footnotes in an HTML body: a reference anchor pointing at a note definition.

Recognized: Markdown renderers' ``sup.footnote-ref a[href="#fn1"]`` → ``li#fn1``, and the
hand-made CMS kind, ``<sup><a href="#fn1" name="fnr1">1</a></sup>`` → ``<p><a name="fn1"
href="#fnr1">[1]</a> text</p>``. A reference must look like a note marker (inside ``sup``
or a short label such as ``[1]``) and come before its definition; back-links inside a
definition are dropped. The reader turns each pair into one ``Note`` where the reference was;
a note is set at its first citation only, so the work stays linear in the size of the post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from ..core.urls import same_document_fragment

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


def _index(root: LexborNode) -> tuple[dict[int, int], dict[str, LexborNode]]:
    """Document order of every node, and the first node of each ``id`` (or ``<a name>``)."""
    order: dict[int, int] = {}
    ids: dict[str, LexborNode] = {}
    for index, node in enumerate(root.traverse()):
        order[node.mem_id] = index
        attrs = node.attributes
        for key in ("id", "name") if node.tag == "a" else ("id",):
            value = attrs.get(key)
            if value and value not in ids:
                ids[value] = node
    return order, ids


def _within(node: LexborNode, ancestor: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id == ancestor.mem_id:
            return True
        parent = parent.parent
    return False


def _own_ids(a: LexborNode) -> set[str]:
    """The ids a reference is known by (its own, its ``<sup>``'s): back-links point there."""
    own = {v for v in (a.attributes.get("id"), a.attributes.get("name")) if v}
    if a.parent is not None and a.parent.tag == "sup" and a.parent.attributes.get("id"):
        own.add(a.parent.attributes["id"])
    return own


def _pair(root: LexborNode, anchors: list[LexborNode], base_url: str
          ) -> tuple[dict[int, LexborNode], set[int], dict[int, set[str]]]:
    """References → their definitions (each note set at its first citation), the nodes
    already known to be skipped, and each definition's reference ids."""
    order, ids = _index(root)
    refs: dict[int, LexborNode] = {}
    skip: set[int] = set()
    ref_ids: dict[int, set[str]] = {}
    sizes: dict[int, int] = {}
    for a in anchors:
        href = same_document_fragment((a.attributes.get("href") or "").strip(), base_url)
        target = ids.get(href) if href else None
        if target is None or not _looks_like_ref(a):
            continue
        definition = _definition_of(target)
        if definition is None or order.get(definition.mem_id, -1) <= order.get(a.mem_id, 0):
            continue
        if definition.mem_id in skip:
            continue  # a second citation of a note is a plain mark: each note is set once
        if definition.mem_id not in sizes:
            sizes[definition.mem_id] = len(definition.text(deep=True) or "")
        # The definition must not contain the reference, nor be a whole section of text.
        if _within(a, definition) or sizes[definition.mem_id] > _MAX_NOTE_CHARS:
            continue
        refs[a.mem_id] = definition
        skip.add(definition.mem_id)
        ref_ids[definition.mem_id] = _own_ids(a)
    return refs, skip, ref_ids


def _one_level(refs: dict[int, LexborNode], skip: set[int], anchors: dict[int, LexborNode]) -> None:
    """A citation inside another note's text is not a note of its own (books set notes one
    level deep): its definition stays where it stands, as text."""
    definitions = {d.mem_id for d in refs.values()}
    for ref_id, definition in list(refs.items()):
        node = anchors[ref_id].parent
        while node is not None:
            if node.mem_id in definitions and node.mem_id != definition.mem_id:
                del refs[ref_id]
                skip.discard(definition.mem_id)
                break
            node = node.parent


def _skip_apparatus(root: LexborNode, refs: dict[int, LexborNode], skip: set[int],
                    ref_ids: dict[int, set[str]], base_url: str) -> None:
    """Back-links in definitions, footnote rules, and the list that held the notes (with a
    rule right before it): each writer sets notes in its own way."""
    for definition in {d.mem_id: d for d in refs.values()}.values():
        own = ref_ids.get(definition.mem_id, set())
        for back in definition.css("a[href]"):
            href = same_document_fragment(back.attributes.get("href") or "", base_url)
            cls = back.attributes.get("class") or ""
            if href in own or "backref" in cls:
                skip.add(back.mem_id)
    for hr in root.css("hr"):
        if "footnote" in (hr.attributes.get("class") or ""):
            skip.add(hr.mem_id)
    definitions = {d.mem_id for d in refs.values()}
    for container in {d.parent.mem_id: d.parent for d in refs.values() if d.parent is not None}.values():
        children = [c for c in _element_children(container)]
        if children and all(c.mem_id in definitions for c in children):
            skip.add(container.mem_id)
            prev = container.prev
            while prev is not None and prev.tag in ("-text", "-comment") and not (prev.text_content or "").strip():
                prev = prev.prev
            if prev is not None and prev.tag == "hr":
                skip.add(prev.mem_id)


def find_footnotes(root: LexborNode, base_url: str = "") -> Footnotes:
    """Pair note references with their definitions under ``root``; a reference may name the
    post's own URL before the fragment (``https://site/post#fn1``)."""
    anchors = [a for a in root.css("a[href]") if "#" in (a.attributes.get("href") or "")]
    if not anchors:
        return Footnotes({}, set())
    refs, skip, ref_ids = _pair(root, anchors, base_url)
    _one_level(refs, skip, {a.mem_id: a for a in anchors})
    _skip_apparatus(root, refs, skip, ref_ids, base_url)
    return Footnotes(refs, skip)


def _element_children(node: LexborNode):
    child = node.child
    while child is not None:
        if child.is_element_node:
            yield child
        child = child.next
