"""Character repairs in text: stray zero-width characters and double-escaped entities.

Zero-width spaces, joiners outside emoji, word joiners and in-text BOMs come from editors and
scrapers; they break searching and line breaking and mean nothing in a book. A zero-width
joiner between two emoji (family, flag sequences) is meaningful and stays. Entities escaped
twice by a CMS (``&amp;#x4E2D;`` shows as ``&#x4E2D;``) are decoded once more. Text is never
Unicode-normalized: NFC would rewrite CJK compatibility ideographs into other glyphs.
"""

from __future__ import annotations

import dataclasses
import html
import re

from ..core.model import Document, Text
from ..core.tree import map_tree

# Zero-width spaces and joiners, BOMs, bidi controls, and U+FFFC (the object replacement
# character editors leave where an embedded object was).
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffc]")
_ZWJ = "\u200d"
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos|nbsp);")
_EMOJI_RE = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]")


def _fix_zwj(text: str) -> str:
    if _ZWJ not in text:
        return text
    out = []
    for i, ch in enumerate(text):
        if ch == _ZWJ:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if not (_EMOJI_RE.match(before) and _EMOJI_RE.match(after)):
                continue
        out.append(ch)
    return "".join(out)


def repair(text: str) -> str:
    """One text's repairs (see the module docstring)."""
    text = _ZERO_WIDTH_RE.sub("", text)
    text = _fix_zwj(text)
    if "&" in text:
        text = _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), text)
    return text


def repair_characters(doc, ctx) -> Document:
    """Apply :func:`repair` to every text run (code is left as it is)."""
    def fix(node):
        if isinstance(node, Text):
            fixed = repair(node.text)
            return node if fixed == node.text else Text(fixed)
        return node

    blocks = tuple(map_tree(b, fix) for b in doc.blocks)
    meta = dataclasses.replace(doc.meta, title=repair(doc.meta.title))
    return dataclasses.replace(doc, meta=meta, blocks=blocks)
