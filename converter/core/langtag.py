"""BCP 47 language tags: canonical spelling and the CJK family a tag belongs to.

Pure functions; no imports from the package.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TAG_RE = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")

# Families that need their own fonts: Simplified Chinese, Traditional Chinese (Taiwan),
# Hong Kong Chinese, Japanese, Korean. Everything else is "latin" for font purposes.
FAMILIES = ("zh-Hans", "zh-Hant", "zh-HK", "ja", "ko")


@lru_cache(maxsize=4096)  # a book names a few tags, a hundred thousand times
def canonical(tag: str) -> str:
    """Canonical case of a BCP 47 tag (``zh_hant_tw`` → ``zh-Hant-TW``); '' when invalid.

    Language lower case, script title case, region upper case, as RFC 5646 recommends.
    Legacy ``zh-cn``-style tags are kept as they are (only their case changes).
    """
    tag = (tag or "").strip()
    if not _TAG_RE.match(tag):
        return ""
    parts = re.split(r"[-_]", tag)
    out = [parts[0].lower()]
    for p in parts[1:]:
        if len(p) == 4 and p.isalpha():
            out.append(p.title())
        elif len(p) == 2 and p.isalpha() or len(p) == 3 and p.isdigit():
            out.append(p.upper())
        else:
            out.append(p.lower())
    return "-".join(out)


@lru_cache(maxsize=4096)
def family(tag: str) -> str:
    """The font family of a tag: one of :data:`FAMILIES`, or '' for non-CJK languages.

    ``zh``, ``zh-CN``, ``zh-SG``, ``zh-Hans-*`` → zh-Hans; ``zh-TW``, ``zh-MO``,
    ``zh-Hant`` → zh-Hant; ``zh-HK``, ``zh-Hant-HK``, ``yue`` → zh-HK.
    """
    parts = canonical(tag).split("-")
    lang = parts[0]
    rest = set(parts[1:])
    if lang == "ja":
        return "ja"
    if lang == "ko":
        return "ko"
    if lang == "yue" or (lang == "zh" and "HK" in rest):
        return "zh-HK"
    if lang == "zh":
        if "Hant" in rest or rest & {"TW", "MO"}:
            return "zh-Hant"
        return "zh-Hans"
    return ""


def is_cjk_tag(tag: str) -> bool:
    """True when the tag names Chinese, Japanese or Korean."""
    return family(tag) != ""


def is_chinese(tag: str) -> bool:
    """True for any Chinese tag."""
    return family(tag) in ("zh-Hans", "zh-Hant", "zh-HK")


_RTL = frozenset({"ar", "fa", "he", "iw", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})


def is_rtl(tag: str) -> bool:
    """True for languages written right to left (Arabic, Persian, Hebrew, Urdu...)."""
    return canonical(tag).split("-")[0] in _RTL
