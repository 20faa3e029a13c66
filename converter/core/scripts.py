"""Unicode script classes used for CJK decisions (spacing, line breaks, language detection).

Pure functions of one character; no imports from the package.
"""

from __future__ import annotations

import re

# Han ideographs: URO, Extension A, compatibility ideographs, Extensions B-I (supplementary).
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA = r"\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = r"\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_BOPOMOFO = r"\u3100-\u312f\u31a0-\u31bf"
# CJK symbols and punctuation, full-width forms, vertical forms, CJK compatibility forms.
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uff65\ufe10-\ufe1f\ufe30-\ufe4f\u2e80-\u2fdf"

# The classes themselves, for patterns elsewhere (spacing, punctuation width).
HAN_CLASS = _HAN
KANA_CLASS = _KANA

HAN_RE = re.compile(f"[{_HAN}]")
KANA_RE = re.compile(f"[{_KANA}]")
HANGUL_RE = re.compile(f"[{_HANGUL}]")

# Scripts written without spaces between words: a line break between two of these
# characters in the source is not a word space. Hangul is deliberately absent: Korean
# separates words with spaces.
_NO_SPACE = f"{_HAN}{_KANA}{_BOPOMOFO}{_CJK_PUNCT}"
_NO_SPACE_RE = re.compile(f"[{_NO_SPACE}]")
# Curly quotes and the ellipsis are shared with Latin text; next to a Han character they
# belong to the Chinese sentence.
_NO_SPACE_EXTRA = frozenset("“”‘’…—")
# Full-width brackets and marks carry their own white space in the glyph: a space typed
# after an opening one or before a closing one is never wanted, and lets a line end on the
# opening mark or start with the closing one (kinsoku). Double curly quotes too, in any
# language (“ word ” is a typo everywhere); not single ones, which are also apostrophes
# (rock ’n’ roll).
_FULLWIDTH_OPENING = frozenset("（《「『【〔〈〖〘｛［“")
_FULLWIDTH_CLOSING = frozenset("）》」』】〕〉〗〙｝］，。、；：？！”")


def is_hangul(ch: str) -> bool:
    """True for Hangul syllables and jamo."""
    return bool(HANGUL_RE.match(ch))


def is_no_space(ch: str) -> bool:
    """True for characters of scripts that put no space between words (Chinese, Japanese),
    including their full-width punctuation."""
    return bool(_NO_SPACE_RE.match(ch)) or ch in _NO_SPACE_EXTRA


def no_space_between(before: str, after: str) -> bool:
    """Whether white space between the characters ``before`` and ``after`` is no space at
    all: after a full-width opening bracket or before a full-width closing mark."""
    return before in _FULLWIDTH_OPENING or after in _FULLWIDTH_CLOSING
