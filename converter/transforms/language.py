"""Language tags: every document gets one, and paragraphs or runs in another language get
their own, so that each is set in the right font and hyphenated, spaced and spoken right.

The document's tag comes from its front matter, else from detection (``langdetect``), else
the book's language. Inside a CJK document, a whole paragraph in another language (an English
quote, a Japanese passage in a Chinese post) becomes a ``Div`` with its tag; inline, a run of
three or more Latin words becomes an English ``Span`` and a run of kana a Japanese one.
Inside a Latin-script document, a paragraph in Chinese, Japanese or Korean gets its tag; in
any document, a paragraph in a right-to-left script (Arabic, Persian, Hebrew) gets its tag,
and with it ``dir="rtl"`` in the outputs.
"""

from __future__ import annotations

import dataclasses
import re

from ..core.langtag import family, is_rtl
from ..core.model import Attrs, BlockQuote, Div, Document, Inline, Paragraph, Span
from ..core.tree import block_texts, inline_text
from .langdetect import detect
from .textruns import map_inline_runs, wrap_matches

_MIN_PARAGRAPH = 12  # characters: shorter paragraphs say too little about their language
# Three or more Latin words. A word's inner ' and - sit between letters, a separator starts
# with a space or punctuation, words are atomic and a run starts only at a word's start: each
# character has one reading, so hostile strings cost one pass (no backtracking blow-up).
_LATIN_WORD = r"(?>[A-Za-z]+(?:['’\-][A-Za-z]+)*['’]?)"
_LATIN_RUN_RE = re.compile(rf"(?<![A-Za-z'’\-]){_LATIN_WORD}(?:[ ,.:;&]+(?:['’\-][ ,.:;&]*)?{_LATIN_WORD}){{2,}}")
_KANA_RUN_RE = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff]{2,}")


def tag_document(doc, ctx) -> Document:
    """Fill ``meta.lang`` from the text when the post did not declare it; '' stays for text
    that says nothing (the book's language applies then)."""
    if doc.meta.lang:
        return doc
    text = doc.meta.title + "\n" + "\n".join(block_texts(doc.blocks))
    lang = detect(text) or ctx.options.lang
    if not lang:
        return doc
    return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, lang=lang))


def _paragraph_lang(block: Paragraph, doc_family: str, doc_lang: str) -> str:
    text = inline_text(block.content)
    if len(text.strip()) < _MIN_PARAGRAPH:
        return ""
    lang = detect(text)
    if not lang or family(lang) == doc_family and (doc_family or is_rtl(lang) == is_rtl(doc_lang)):
        return ""
    if not family(lang) and not doc_family and not is_rtl(lang):
        return ""  # Latin in Latin: not this transform's business
    if family(lang) in ("zh-Hans", "zh-Hant") and doc_family in ("zh-Hans", "zh-Hant", "zh-HK"):
        return ""  # a Traditional quotation in a Simplified post reads with the post's font
    return lang


def _split_runs(inlines: tuple[Inline, ...], pattern: re.Pattern, lang: str) -> tuple[Inline, ...]:
    return wrap_matches(inlines, pattern, Attrs(lang=lang), lambda n: isinstance(n, Span) and bool(n.attrs.lang))


def tag_runs(doc, ctx) -> Document:
    """Tag paragraphs and runs written in another language than the document."""
    doc_family = family(doc.meta.lang)
    blocks = []
    changed = False
    for block in doc.blocks:
        target = block.blocks[0] if isinstance(block, BlockQuote) and len(block.blocks) == 1 else block
        lang = _paragraph_lang(target, doc_family, doc.meta.lang) if isinstance(target, Paragraph) else ""
        if lang:
            block = BlockQuote((Div((target,), Attrs(lang=lang)),)) if target is not block else Div((block,), Attrs(lang=lang))
            changed = True
        blocks.append(block)
    if doc_family:
        def per_content(inlines):
            inlines = _split_runs(inlines, _LATIN_RUN_RE, "en")
            if doc_family != "ja":
                inlines = _split_runs(inlines, _KANA_RUN_RE, "ja")
            return inlines

        new_blocks = []
        for block in blocks:
            if isinstance(block, Div) and block.attrs.lang:
                new_blocks.append(block)
                continue
            new_blocks.append(map_inline_runs((block,), per_content)[0])
        changed = changed or any(a is not b for a, b in zip(new_blocks, blocks))
        blocks = new_blocks
    return dataclasses.replace(doc, blocks=tuple(blocks)) if changed else doc
