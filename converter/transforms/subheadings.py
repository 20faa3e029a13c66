"""Bold one-line paragraphs act as subheadings: make them headings.

Scraped posts (and the seed) mark sections with a paragraph that is one short bold run, or a
bold line followed by ``<br>`` and the section's first paragraph. A long bold sentence is
emphasis, not a heading, and stays.
"""

from __future__ import annotations

import dataclasses

from ..core.model import Document, Heading, Inline, LineBreak, Link, Paragraph, Span, Strong, Text
from ..core.tree import inline_text, iter_blocks

MAX_CHARS = 40
_SENTENCE_END = ("。", "．", ".", "：", ":", "；", ";", "，", ",")


def _bold_line(inlines: tuple[Inline, ...]) -> tuple[Inline, ...] | None:
    """The content of the lone bold run that ``inlines`` consists of, or None."""
    nodes = [n for n in inlines if not (isinstance(n, Text) and not n.text.strip())]
    if len(nodes) != 1:
        return None
    node = nodes[0]
    while isinstance(node, (Link, Span)) and len(node.content) == 1:
        node = node.content[0]
    if not isinstance(node, Strong):
        return None
    text = " ".join(inline_text(node.content).split())
    if not text or len(text) > MAX_CHARS or text.endswith(_SENTENCE_END):
        return None
    return node.content


def promote_bold_lines(doc, ctx) -> Document:
    """Turn bold one-liners into headings one level below the post's own top headings."""
    top = min((b.level for b in iter_blocks(doc.blocks) if isinstance(b, Heading)), default=0)
    level = top + 1 if top else 1
    out = []
    changed = False
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            content = block.content
            head = _bold_line(content)
            if head is not None:
                out.append(Heading(level, head))
                changed = True
                continue
            # A bold line, a line break, then the section's first paragraph.
            if LineBreak() in content:
                cut = content.index(LineBreak())
                head = _bold_line(content[:cut])
                rest = content[cut + 1:]
                if head is not None and inline_text(rest).strip():
                    out.append(Heading(level, head))
                    out.append(Paragraph(rest))
                    changed = True
                    continue
        out.append(block)
    return dataclasses.replace(doc, blocks=tuple(out)) if changed else doc
