"""One font policy for every output: which fonts set which language, in CSS and in Word.

Generic families (``serif``) are never relied on: with fontconfig they resolved to the
Japanese face for Chinese text (CJK.md rule 2). Each CJK language family gets an explicit
stack, selected in CSS with ``:lang()``, and an explicit East Asian font and language in
DOCX. CJK languages put the CJK face first so that quotes and punctuation are full-width;
Latin text in a CJK book is set in the CJK face's Latin glyphs, which match it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.langtag import family


@dataclass(frozen=True, slots=True)
class FontStack:
    """Fonts for one language family.

    ``serif``/``sans``: CSS font-family lists, best first. ``docx``: the East Asian font
    named in Word styles, and ``docx_alt`` the name Word falls back to where it is missing.
    ``docx_lang``: the tag Word expects in ``w:lang/@w:eastAsia``.
    """

    serif: tuple[str, ...]
    sans: tuple[str, ...]
    docx: str
    docx_alt: str
    docx_lang: str
    docx_sans: str = ""


LATIN = FontStack(
    serif=("Noto Serif", "DejaVu Serif", "Liberation Serif"),
    sans=("Noto Sans", "DejaVu Sans", "Liberation Sans"),
    docx="Noto Serif", docx_alt="Times New Roman", docx_lang="en-US", docx_sans="Noto Sans",
)
MONO = ("Noto Sans Mono", "DejaVu Sans Mono", "Liberation Mono")
# Emoji are left to fontconfig's fallback: an emoji face named in a CSS stack takes the
# digits too (they have emoji keycap variants), and Pango then sets "2024" in Noto Color
# Emoji with wide advances. The coverage check still counts on the fallback face.
EMOJI: tuple[str, ...] = ()
EMOJI_FALLBACK = ("Noto Color Emoji", "Noto Emoji", "Symbola")
# The fonts Word documents name for symbols and emoji that the text face lacks (Word style
# name, font, the Windows font Word takes where that one is missing).
DOCX_FALLBACK = (("Symbol Fallback", "Noto Sans Symbols2", "Segoe UI Symbol"),
                 ("Emoji Fallback", "Noto Color Emoji", "Segoe UI Emoji"))
# Monochrome emoji faces, for e-books (a colour bitmap face is megabytes that few reading
# systems draw).
MONO_EMOJI = ("Noto Emoji", "Symbola")
# Last resorts for symbols and the other scripts that turn up in posts (Thai book titles,
# Arabic names, math): named, so that coverage is known before rendering.
OTHER_SCRIPTS = (
    "Noto Sans Symbols", "Noto Sans Symbols2", "Noto Sans Math", "Noto Sans Thai", "Noto Sans Arabic",
    "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Bengali", "Noto Sans Tamil", "Noto Sans Georgian",
    "Noto Sans Armenian", "Noto Sans Ethiopic", "Noto Sans Khmer", "Noto Sans Lao", "Noto Sans Myanmar",
    "Noto Sans Syriac", "DejaVu Sans",
)

STACKS: dict[str, FontStack] = {
    "zh-Hans": FontStack(
        serif=("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "Songti SC"),
        sans=("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "PingFang SC"),
        docx="Noto Serif CJK SC", docx_alt="SimSun", docx_lang="zh-CN", docx_sans="Noto Sans CJK SC",
    ),
    "zh-Hant": FontStack(
        serif=("Noto Serif CJK TC", "Source Han Serif TC", "Source Han Serif TW", "Songti TC"),
        sans=("Noto Sans CJK TC", "Source Han Sans TC", "Source Han Sans TW", "PingFang TC"),
        docx="Noto Serif CJK TC", docx_alt="PMingLiU", docx_lang="zh-TW", docx_sans="Noto Sans CJK TC",
    ),
    "zh-HK": FontStack(
        serif=("Noto Serif CJK HK", "Source Han Serif HK", "Noto Serif CJK TC", "Source Han Serif TC"),
        sans=("Noto Sans CJK HK", "Source Han Sans HK", "Noto Sans CJK TC", "PingFang HK"),
        docx="Noto Serif CJK HK", docx_alt="MingLiU_HKSCS", docx_lang="zh-HK", docx_sans="Noto Sans CJK HK",
    ),
    "ja": FontStack(
        serif=("Noto Serif CJK JP", "Source Han Serif", "Source Han Serif JP", "Hiragino Mincho ProN"),
        sans=("Noto Sans CJK JP", "Source Han Sans", "Source Han Sans JP", "Hiragino Sans"),
        docx="Noto Serif CJK JP", docx_alt="Yu Mincho", docx_lang="ja-JP", docx_sans="Noto Sans CJK JP",
    ),
    "ko": FontStack(
        serif=("Noto Serif CJK KR", "Source Han Serif K", "Source Han Serif KR", "AppleMyungjo"),
        sans=("Noto Sans CJK KR", "Source Han Sans K", "Source Han Sans KR", "Apple SD Gothic Neo"),
        docx="Noto Serif CJK KR", docx_alt="Batang", docx_lang="ko-KR", docx_sans="Noto Sans CJK KR",
    ),
}

# :lang() selectors per family, general before specific so the later rule wins.
_SELECTORS = {
    "zh-Hans": (":lang(zh)", ":lang(zh-Hans)", ":lang(zh-CN)", ":lang(zh-SG)"),
    "zh-Hant": (":lang(zh-Hant)", ":lang(zh-TW)", ":lang(zh-MO)"),
    "zh-HK": (":lang(zh-HK)", ":lang(zh-Hant-HK)", ":lang(yue)"),
    "ja": (":lang(ja)",),
    "ko": (":lang(ko)",),
}


def stack_for(lang: str) -> FontStack:
    """The stack of a language tag (Latin for non-CJK languages)."""
    return STACKS.get(family(lang), LATIN)


def _chain(stack: FontStack, style: str) -> tuple[str, ...]:
    """A stack's faces, then Latin faces, then Simplified Chinese and the other scripts as
    last resorts (so a stray character of another script still finds a glyph)."""
    names = getattr(stack, style) + getattr(LATIN, style) + getattr(STACKS["zh-Hans"], style) + OTHER_SCRIPTS + EMOJI
    return tuple(dict.fromkeys(names))


def fallback_families() -> tuple[str, ...]:
    """Where an e-book finds a glyph its CJK faces lack, in order: Latin faces (letters with
    diacritics, signs), the other scripts and symbols, monochrome emoji."""
    return tuple(dict.fromkeys(LATIN.serif + LATIN.sans + OTHER_SCRIPTS + MONO_EMOJI))


def all_families() -> tuple[str, ...]:
    """Every family the policy may use, in any style, for the coverage check."""
    names: list[str] = []
    for stack in (*STACKS.values(), LATIN):
        names.extend(stack.serif + stack.sans)
    names.extend(MONO + OTHER_SCRIPTS + EMOJI_FALLBACK)
    return tuple(dict.fromkeys(names))


def _css_list(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def font_css(style: str = "serif", default_lang: str = "", last: tuple[str, ...] = ()) -> str:
    """CSS rules that give every language its stack (``style``: 'serif' or 'sans').

    The root gets the stack of ``default_lang``; each CJK language overrides it through
    ``:lang()``; English text gets Latin faces first; code gets a monospace face with the
    CJK sans face of its context as fallback. ``last``: families every stack ends with (an
    e-book's embedded fallback subsets).
    """
    base = stack_for(default_lang)

    def stack(names: tuple[str, ...]) -> str:
        return _css_list(tuple(dict.fromkeys(names + last)))

    rules = [f"html {{ font-family: {stack(_chain(base, style))}; }}",
             f":lang(en) {{ font-family: {stack(_chain(LATIN, style))}; }}"]
    for fam, selectors in _SELECTORS.items():
        rules.append(f"{', '.join(selectors)} {{ font-family: {stack(_chain(STACKS[fam], style))}; }}")
    mono = tuple(dict.fromkeys(MONO + base.sans + STACKS["zh-Hans"].sans + EMOJI))
    rules.append(f"code, pre, kbd, samp {{ font-family: {stack(mono)}; }}")
    for fam, selectors in _SELECTORS.items():
        sel = ", ".join(f"{s} code, {s} pre" for s in selectors)
        fam_mono = tuple(dict.fromkeys(MONO + STACKS[fam].sans + EMOJI))
        rules.append(f"{sel} {{ font-family: {stack(fam_mono)}; }}")
    return "\n".join(rules) + "\n"
