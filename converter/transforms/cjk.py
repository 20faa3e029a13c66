"""CJK typography the renderers cannot do themselves (CJK.md rules 8, 9, 13 and
punctuation width), as pure Document transforms.

* ``autospace``: a quarter-em space (U+2005) between Han/kana and Latin letters or digits.
  WeasyPrint ignores ``text-autospace``; Word spaces by itself, so DOCX does not get it.
* ``punctuation_width``: ASCII ``, ? ! : ;`` between two Han characters become full-width.
* ``halt_pairs``: the first of two adjacent full-width marks (``。」``, ``」，``, ``）（``)
  is wrapped in a ``halt`` span so the print stylesheet sets it half-width
  (``font-feature-settings: "halt"``); a global ``halt`` would be wrong.
* ``kinsoku_boundaries``: the marks a language forbids at a line's start or end
  (``core.kinsoku``) bound to their neighbours, where Pango would break against the rule.
* ``korean_keep_all``: word joiners (U+2060) inside a Korean word (syllables, hanja and what
  is written against them), so lines break between Korean words only (WeasyPrint rejects
  ``word-break: keep-all``).

Only text in the languages concerned is touched; code, URLs and spans in other languages
are left alone.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from ..core.kinsoku import rules_for
from ..core.langtag import family
from ..core.model import Attrs, Code, Document, Inline, Ruby, Span, Text
from ..core.scripts import HAN_CLASS, KANA_CLASS
from .textruns import leaves, map_inline_runs, replace, span_lang, wrap_matches

QUARTER_EM = "\u2005"
WORD_JOINER = "\u2060"
_CJK = KANA_CLASS + HAN_CLASS
_LATIN = "A-Za-z0-9\u00c0-\u024f"
_HAN = HAN_CLASS
_AUTOSPACE_RE = re.compile(f"(?<=[{_CJK}])(?=[{_LATIN}])|(?<=[{_LATIN}])(?=[{_CJK}])")
_CLOSING_OF = {"“": "”", "‘": "’"}
_FULLWIDTH = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}
_HALFWIDTH_PUNCT_RE = re.compile(f"(?<=[{_HAN}])([,?!:;])(?=[{_HAN}])")
# Marks whose glyph fills half the em box, the other half being space: two in a row
# leave a full em of white, and the first can lose its empty half.
_COMPRESSIBLE = "、。，．：；！？「」『』（）《》〈〉【】〔〕“”‘’"
_PAIR_RE = re.compile(f"[{_COMPRESSIBLE}](?={WORD_JOINER}?[{_COMPRESSIBLE}])")  # kinsoku may join them
# Inside a Korean word (a run without spaces): next to every syllable or hanja, whatever is
# written against it ("3호선", "KTX를", "경복궁(景福宮)으로"); line breaks stay between words.
_KO_WORD_CHAR = "\uac00-\ud7af" + HAN_CLASS
_KO_WORD_JOIN_RE = re.compile(f"(?<=[{_KO_WORD_CHAR}])(?=[^\\s\u2060])|(?<=[^\\s\u2060])(?=[{_KO_WORD_CHAR}])")


def _doc_family(doc: Document) -> str:
    return family(doc.meta.lang)


def _other_language(families: tuple[str, ...]):
    """A skip predicate: spans whose language is not one of ``families``."""
    def skip(node: Inline) -> bool:
        lang = span_lang(node)
        return bool(lang) and family(lang) not in families
    return skip


def _map_leaf_text(doc: Document, families: tuple[str, ...], fn, last=None) -> Document:
    """Apply ``fn(text, before, after)`` to every Text leaf of the given languages, where
    ``before``/``after`` are the neighbouring characters across inline boundaries (or ''),
    then ``last(text)`` to the paragraph's final leaf when it is one of them."""
    if _doc_family(doc) not in families:
        return doc
    skip = _other_language(families)

    def per_content(inlines):
        texts = leaves(inlines, skip)
        if not any(texts):
            return inlines
        new: list[str | None] = []
        for i, leaf in enumerate(texts):
            if leaf is None:
                new.append(None)
                continue
            prev = texts[i - 1] if i else None
            nxt = texts[i + 1] if i + 1 < len(texts) else None
            new.append(fn(leaf.text, prev.text[-1:] if prev else "", nxt.text[:1] if nxt else ""))
        if last is not None and new[-1] is not None:
            new[-1] = last(new[-1])
        return replace(inlines, new, skip)

    return dataclasses.replace(doc, blocks=map_inline_runs(doc.blocks, per_content))


def _insert(pattern: re.Pattern, mark: str):
    """Insertions between characters: the context character before is matched but not
    returned, so a mark at a boundary opens the later leaf."""
    def fn(text: str, before: str, after: str) -> str:
        return pattern.sub(mark, before + text)[len(before):]
    return fn


def _substitute(pattern: re.Pattern, repl):
    """One-for-one substitutions seen with both neighbours."""
    def fn(text: str, before: str, after: str) -> str:
        changed = pattern.sub(repl, before + text + after)
        return changed[len(before):len(changed) - len(after)]
    return fn


def autospace(doc, ctx) -> Document:
    """Quarter-em spaces between CJK and Latin letters or digits (Chinese, Japanese)."""
    return _map_leaf_text(doc, ("zh-Hans", "zh-Hant", "zh-HK", "ja"), _insert(_AUTOSPACE_RE, QUARTER_EM))


def punctuation_width(doc, ctx) -> Document:
    """ASCII comma, question and exclamation marks, colon and semicolon between Han
    characters become their full-width forms, and an opening quotation mark that ends a
    paragraph becomes the closing one it was meant to be (Chinese text)."""
    return _map_leaf_text(doc, ("zh-Hans", "zh-Hant", "zh-HK"),
                          _substitute(_HALFWIDTH_PUNCT_RE, lambda m: _FULLWIDTH[m.group(1)]), _close_final_quote)


def _close_final_quote(text: str) -> str:
    # "…行动。“" is a mistyped ”: nothing follows for it to open, and left alone it ends the
    # line with an opening mark (kinsoku).
    kept = text.rstrip()
    if not kept or kept[-1] not in _CLOSING_OF:
        return text
    return kept[:-1] + _CLOSING_OF[kept[-1]] + text[len(kept):]


def korean_keep_all(doc, ctx) -> Document:
    """Word joiners inside the words of Korean text."""
    return _map_leaf_text(doc, ("ko",), _insert(_KO_WORD_JOIN_RE, WORD_JOINER))


# Marks that Pango's line breaker (UAX #14) already keeps off a line's start (classes CL,
# CP, EX, IS, and PO next to a number or ideograph) or end (OP, PR), and ’, which is also an
# apostrophe. The other forbidden marks (the ellipsis, wave dashes, small kana, ー, ”...)
# may be broken at by Pango, and get a word joiner. ASCII marks are Pango's too.
_BOUND_BEFORE = frozenset("）〕］｝〉》」』】〙〗｠»｣。．、，？！‼⁇⁈⁉：；％‰℃°′″¢’")
_BOUND_AFTER = frozenset("（〔［｛〈《「『【〘〖｟｢£¥￥＄￡₩￦")
_ASCII = frozenset(map(chr, range(128)))


def _strip_edge(node: Inline, marks: str, *, leading: bool) -> tuple[Inline, str]:
    """``node`` without the ``marks`` at its leading (or trailing) edge, and those marks."""
    if isinstance(node, Text):
        text = node.text
        kept = text.lstrip(marks) if leading else text.rstrip(marks)
        moved = text[: len(text) - len(kept)] if leading else text[len(kept):]
        return (Text(kept) if kept else node), moved if kept else ""
    content = getattr(node, "content", None)
    if not content or isinstance(node, (Code, Ruby)):
        return node, ""
    index = 0 if leading else len(content) - 1
    inner, moved = _strip_edge(content[index], marks, leading=leading)
    if not moved:
        return node, ""
    new = content[:index] + (inner,) + content[index + 1:]
    return dataclasses.replace(node, content=new), moved


def _kinsoku_inlines(inlines: tuple[Inline, ...], closing: str, opening: str) -> tuple[Inline, ...]:
    out: list[Inline] = []
    changed = False
    for node in inlines:
        content = getattr(node, "content", None)
        if content and not isinstance(node, (Code, Ruby)):
            inner = _kinsoku_inlines(content, closing, opening)
            if inner is not content:
                node = dataclasses.replace(node, content=inner)
                changed = True
            if out:  # closing marks opening an inline element join the text before it
                node, moved = _strip_edge(node, closing, leading=True)
                if moved:
                    out.append(Text(moved))
                    changed = True
            node, after = _strip_edge(node, opening, leading=False)
            out.append(node)
            if after:  # opening marks closing an inline element join the text after it
                out.append(Text(after))
                changed = True
            continue
        out.append(node)
    if not changed:
        return inlines
    merged: list[Inline] = []
    for node in out:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return tuple(merged)


@functools.cache
def _joins(lang: str) -> re.Pattern:
    """Where a word joiner goes in ``lang``'s text: before each forbidden-at-start mark that
    Pango may break before, after each forbidden-at-end mark it may break after (never next
    to white space, where a break is wanted, nor next to another joiner)."""
    rules = rules_for(lang)
    before = "".join(c for c in rules.no_start if c not in _BOUND_BEFORE and c not in _ASCII)
    after = "".join(c for c in rules.no_end if c not in _BOUND_AFTER and c not in _ASCII)
    # Within "……" Pango never breaks (UAX #14 LB22), so a joiner there would only get in
    # the way of searching the text.
    free = "".join(c for c in before if c not in "…‥")
    return re.compile(f"(?<=[^\\s{WORD_JOINER}])(?=[{re.escape(free)}])"
                      f"|(?<=[^\\s{WORD_JOINER}…‥])(?=[…‥])"
                      f"|(?<=[{re.escape(after)}])(?=[^\\s{WORD_JOINER}])")


_KINSOKU_FAMILIES = ("zh-Hans", "zh-Hant", "zh-HK", "ja", "ko")


def kinsoku_boundaries(doc, ctx) -> Document:
    """Binds the marks the language forbids at a line's start to what comes before them, and
    those it forbids at a line's end to what follows (CJK.md rule 3, ``core.kinsoku``):

    * at the start of an inline element (``自问<strong>：毛派…``), a closing mark moves
      before the element, and an opening mark at its end moves after it: WeasyPrint may break
      a line between inline boxes without asking whether the mark forbids it;
    * a word joiner goes where Pango would allow a break that the language forbids
      (``3\u2060～5``, ``。\u2060……``, ``っ``)."""
    fam = _doc_family(doc)
    if fam not in _KINSOKU_FAMILIES:
        return doc
    rules = rules_for(fam)
    closing = "".join(c for c in rules.no_start if c not in _ASCII)
    opening = "".join(c for c in rules.no_end if c not in _ASCII)
    doc = dataclasses.replace(doc, blocks=map_inline_runs(
        doc.blocks, functools.partial(_kinsoku_inlines, closing=closing, opening=opening)))
    return _map_leaf_text(doc, _KINSOKU_FAMILIES, _insert(_joins(fam), WORD_JOINER))


HALT = Attrs(classes=("halt",))


def _halt_inlines(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    return wrap_matches(inlines, _PAIR_RE, HALT, lambda n: isinstance(n, Span) and (n.attrs == HALT or _foreign(n)))


def _foreign(node: Span) -> bool:
    return bool(node.attrs.lang) and family(node.attrs.lang) not in ("zh-Hans", "zh-Hant", "zh-HK", "ja")


def halt_pairs(doc, ctx) -> Document:
    """Wrap the first mark of each adjacent full-width pair in a ``halt`` span."""
    if _doc_family(doc) not in ("zh-Hans", "zh-Hant", "zh-HK", "ja"):
        return doc
    return dataclasses.replace(doc, blocks=map_inline_runs(doc.blocks, _halt_inlines))
