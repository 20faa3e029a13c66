"""Line-breaking rules of CJK text (kinsoku): what a line may not start or end with, per language.

One table serves every place that breaks or declares lines: the PDF transform that binds
these marks to their neighbours, the DOCX settings that Word and LibreOffice obey, the cover's
title breaking and the checks.

Sources: clreq 3.1.7 (Chinese: 行首/行尾禁则), jlreq 3.1.7 and appendix A (Japanese: classes
cl-01 to cl-11), KLREQ 3.1 (Korean). Where a language leaves a mark free, so does the table:
Korean allows small kana and the prolonged sound mark anywhere, since it never writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .langtag import family

# jlreq cl-01 / cl-02: opening and closing brackets and quotation marks, with the full-width,
# white and half-width forms that Chinese and Japanese text uses.
_OPENING = "（〔［｛〈《「『【〘〖｟“‘«｢"
_CLOSING = "）〕］｝〉》」』】〙〗｠”’»｣"
# cl-04 dividing punctuation, cl-06 full stops, cl-07 commas, cl-05 middle dots.
_STOPS = "。．、，？！‼⁇⁈⁉：；"
_MIDDLE_DOTS = "・･"
# cl-08: inseparable characters (ellipsis, two-dot leader) and the range marks written
# between numbers (3～5, 3〜5): a line starting with one reads as a new item.
_INSEPARABLE = "…‥"
_WAVE_DASHES = "～〜"
# cl-03 hyphens, cl-09 iteration marks, cl-10 prolonged sound mark, cl-11 small kana.
_HYPHENS = "‐゠–"
_ITERATION = "ヽヾゝゞ々〻"
_PROLONGED = "ーｰ"
_SMALL_KANA = "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿｧｨｩｪｫｬｭｮｯ"
# Signs written after a number (50％, 30℃) and the ASCII marks that close Latin phrases in
# CJK text; before a number, currency signs.
_POSTFIX = "%％‰℃°′″¢"
_ASCII_CLOSING = "!),.:;?]}"
_ASCII_OPENING = "([{"
_PREFIX = "$£¥￥＄￡₩￦"


@dataclass(frozen=True, slots=True)
class Rules:
    """A language's kinsoku: characters no line may start with, and none may end with."""

    no_start: str
    no_end: str


# Chinese posts quote Japanese words, and write ーー for a dash that must not split.
_CHINESE = Rules(no_start=_CLOSING + _STOPS + _MIDDLE_DOTS + _INSEPARABLE + _WAVE_DASHES + _ITERATION + _PROLONGED
                 + _SMALL_KANA + _POSTFIX + _ASCII_CLOSING,
                 no_end=_OPENING + _PREFIX + _ASCII_OPENING)
_JAPANESE = Rules(no_start=_CLOSING + _STOPS + _MIDDLE_DOTS + _INSEPARABLE + _WAVE_DASHES + _HYPHENS
                  + _ITERATION + _PROLONGED + _SMALL_KANA + _POSTFIX + _ASCII_CLOSING,
                  no_end=_OPENING + _PREFIX + _ASCII_OPENING)
_KOREAN = Rules(no_start=_CLOSING + _STOPS + _INSEPARABLE + _WAVE_DASHES + _POSTFIX + _ASCII_CLOSING,
                no_end=_OPENING + _PREFIX + _ASCII_OPENING)

RULES: dict[str, Rules] = {"zh-Hans": _CHINESE, "zh-Hant": _CHINESE, "zh-HK": _CHINESE, "ja": _JAPANESE,
                           "ko": _KOREAN}
# What any CJK text forbids, for checks that do not know a line's language.
ANY = Rules(no_start="".join(sorted({c for r in RULES.values() for c in r.no_start})),
            no_end="".join(sorted({c for r in RULES.values() for c in r.no_end})))


def rules_for(lang: str) -> Rules | None:
    """The kinsoku of ``lang``'s family (``zh-TW`` → Traditional Chinese), or None for
    languages that break lines at spaces."""
    return RULES.get(family(lang))
