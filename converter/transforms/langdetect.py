"""Guess the language of a text from its scripts: kana → ja, Hangul → ko, Han → Simplified
or Traditional Chinese by character statistics, mostly Latin letters → en.

A Han character is Simplified-only when OpenCC's ``s2t`` changes it and Traditional-only when
``t2s`` changes it (CJK.md rule 17). Characters shared by both scripts say nothing, so text
made only of them is undetermined ('') and the caller falls back to the book's language.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..core.scripts import HAN_RE, HANGUL_RE, KANA_RE

_MIN_SIGNAL = 2


@lru_cache(maxsize=1)
def _converters():
    from opencc import OpenCC

    return OpenCC("s2t"), OpenCC("t2s")


@lru_cache(maxsize=65536)
def han_class(ch: str) -> int:
    """+1 for a Simplified-only character, -1 for Traditional-only, 0 for shared."""
    s2t, t2s = _converters()
    if s2t.convert(ch) != ch:
        return 1
    if t2s.convert(ch) != ch:
        return -1
    return 0


_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")


@lru_cache(maxsize=65536)
def _classes(ch: str) -> tuple[str, ...]:
    """The counts a character adds to: its script, and for Han its Simplified/Traditional
    share."""
    if HAN_RE.match(ch):
        cls = han_class(ch)
        return ("han", "simp") if cls > 0 else ("han", "trad") if cls < 0 else ("han",)
    if KANA_RE.match(ch):
        return ("kana",)
    if HANGUL_RE.match(ch):
        return ("hangul",)
    if _LATIN_RE.match(ch):
        return ("latin",)
    return ()


def counts(text: str) -> dict[str, int]:
    """Counts of Han (and its Simplified/Traditional-only share), kana, Hangul, Latin."""
    out = dict.fromkeys(("han", "kana", "hangul", "latin", "simp", "trad"), 0)
    for ch, n in Counter(text).items():  # each distinct character once
        for key in _classes(ch):
            out[key] += n
    return out


_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_RE = re.compile("[پچژگیک]")
_HEBREW_RE = re.compile("[\u0590-\u05ff]")


def detect(text: str) -> str:
    """A BCP 47 tag for ``text`` ('zh-Hans', 'zh-Hant', 'ja', 'ko', 'en', 'ar', 'fa', 'he') or
    '' when unsure."""
    c = counts(text)
    letters = c["han"] + c["kana"] + c["hangul"] + c["latin"]
    arabic = len(_ARABIC_RE.findall(text))
    if arabic > letters and arabic >= 4:
        return "fa" if _PERSIAN_RE.search(text) else "ar"
    hebrew = len(_HEBREW_RE.findall(text))
    if hebrew > letters and hebrew >= 4:
        return "he"
    cjk = c["han"] + c["kana"] + c["hangul"]
    # Latin letters are counted per five (about one word per CJK character).
    if c["latin"] / 5 > 4 * cjk and c["latin"] >= 20:
        return "en"
    if cjk < _MIN_SIGNAL:
        return ""
    if c["hangul"] >= 0.3 * cjk:
        return "ko"
    # Chinese posts about Japan quote some kana (up to ~6% in the measured corpus).
    if c["kana"] >= 0.15 * (c["han"] + c["kana"]):
        return "ja"
    decided = c["simp"] + c["trad"]
    if decided < _MIN_SIGNAL:
        return ""
    return "zh-Hant" if c["trad"] / decided > 0.5 else "zh-Hans"
