"""Glyph coverage: characters of a post that no configured font can draw (tofu), found
before rendering rather than on the printed page.

The configured fonts are the installed faces of every family the font policy names (each CJK
language, Latin, monospace, other scripts) plus the emoji face fontconfig falls back to; a
character none of them maps is then looked up among all installed fonts (fontconfig), which
the PDF's fallback and the e-book's fallback subsets draw from. What no installed font has is
reported per post; ``--strict`` turns the report into a failure.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from ..core.model import Document, Image, Note
from ..core.tree import block_texts, iter_tree
from .files import cmap, faces_with, find_face
from .policy import all_families

# Characters that need no glyph of their own: controls, format characters (joiners,
# variation selectors, bidi marks), line and paragraph separators.
_NO_GLYPH = {"Cc", "Cf", "Zl", "Zp"}


@lru_cache(maxsize=8)
def covered(font_dirs: tuple[Path, ...] = ()) -> frozenset[int]:
    """Every code point some configured, installed face maps."""
    points: set[int] = set()
    for family in all_families():
        face = find_face(family, font_dirs=font_dirs)
        if face is not None:
            points |= cmap(face.path, face.index)
    return frozenset(points)


def document_characters(doc: Document) -> set[str]:
    """The characters a reader sees in ``doc``: title, text, captions, notes, alt text."""
    parts = [doc.meta.title, "\n".join(block_texts(doc.blocks, code=True))]
    for node in iter_tree(doc.blocks):
        if isinstance(node, Note):
            parts.extend(block_texts(node.blocks, code=True))
        elif isinstance(node, Image):
            parts.append(node.alt)
    return set("".join(parts))


def missing_glyphs(doc: Document, font_dirs: tuple[Path, ...] = ()) -> list[str]:
    """Characters of ``doc`` that no configured font draws, in code point order."""
    have = covered(font_dirs)
    if not have:
        return []  # no fonts can be inspected here (no fontconfig): nothing to claim
    out = []
    for point in {ord(ch) for ch in document_characters(doc)} - have:
        ch = chr(point)
        # A face the policy does not name may have it: fontconfig's fallback (PDF) and the
        # e-book's fallback subsets find it, so it is no tofu.
        if needs_glyph(ch) and not faces_with(ch):
            out.append(ch)
    return sorted(out)


def needs_glyph(ch: str) -> bool:
    """False for what draws nothing: white space, controls, format characters (joiners,
    bidi marks), line and paragraph separators, variation selectors."""
    return not (ch.isspace() or unicodedata.category(ch) in _NO_GLYPH or 0xFE00 <= ord(ch) <= 0xFE0F)


def describe(chars: list[str], limit: int = 12) -> str:
    """``U+20BB7 𠮷, U+E000 …`` for a warning message."""
    shown = ", ".join(f"U+{ord(c):04X} {c if c.isprintable() else ''}".strip() for c in chars[:limit])
    return shown + (f" and {len(chars) - limit} more" if len(chars) > limit else "")

