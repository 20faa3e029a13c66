"""Simplified ↔ Traditional Chinese conversion with OpenCC, and quotation-mark style.

Conversion is by phrase and region (CJK.md rule 16): OpenCC gets 头发→頭髮, 皇后→皇后, 干净→乾淨
right where character maps fail, and ``s2twp`` also changes vocabulary (软件→軟體). Only
Chinese text is converted: code, URLs, and documents or spans in Japanese (学校 must stay
学校) or any other language are left alone. The document's language tag follows the target.
OpenCC never touches quotation marks; ``quotes`` switches between “curly” and 「corner」 ones.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from ..core.langtag import canonical, is_chinese
from ..core.model import Div, Document, Image, Span
from ..core.settings import CONVERSIONS
from ..core.tree import map_tree
from .textruns import leaves, map_inline_runs, replace

_CORNER = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})
_CURLY = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})


@cache
def _converter(config: str):
    from opencc import OpenCC

    return OpenCC(config)


def _foreign(node) -> bool:
    lang = node.attrs.lang if isinstance(node, (Span, Div)) else ""
    return bool(lang) and not is_chinese(lang)


def convert_document(doc: Document, convert: str, quotes: str) -> Document:
    """Convert ``doc``'s Chinese text with the OpenCC configuration ``convert`` (a key of
    :data:`~converter.core.settings.CONVERSIONS`) and set its quotation marks to ``quotes``."""
    if not is_chinese(doc.meta.lang) or not (convert or quotes):
        return doc
    opencc = _converter(convert) if convert else None
    table = _CORNER if quotes == "corner" else _CURLY if quotes == "curly" else None

    def text(value: str) -> str:
        if opencc is not None and value:
            value = opencc.convert(value)
        return value.translate(table) if table else value

    def per_content(inlines):
        texts = leaves(inlines, _foreign)
        return replace(inlines, [text(t.text) if t is not None else None for t in texts], _foreign)

    # Divs in another language keep their text, however deep they sit (a quote's Japanese
    # passage): the walk does not enter them.
    out = map_inline_runs(doc.blocks, per_content, keep=_foreign)
    target = CONVERSIONS[convert] if convert else doc.meta.lang

    def retag(node):
        if isinstance(node, Image) and node.alt and opencc is not None:
            return dataclasses.replace(node, alt=text(node.alt))
        if isinstance(node, (Span, Div)) and node.attrs.lang and is_chinese(node.attrs.lang) and convert:
            return dataclasses.replace(node, attrs=dataclasses.replace(node.attrs, lang=target))
        return node

    out = [map_tree(b, retag, keep=_foreign) for b in out]
    meta = dataclasses.replace(doc.meta, title=text(doc.meta.title), subtitle=text(doc.meta.subtitle),
                               lang=canonical(target))
    return dataclasses.replace(doc, meta=meta, blocks=tuple(out))


def convert_step(doc, ctx) -> Document:
    """The normalization step: applies the read options' conversion and quote style."""
    return convert_document(doc, ctx.options.convert, ctx.options.quotes)

