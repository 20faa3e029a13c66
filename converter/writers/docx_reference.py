"""Patch a theme's reference.docx for a book's language: East Asian font and language.

pandoc names no East Asian font (the theme's is empty, so Word and LibreOffice pick any CJK
face: LibreOffice took the Japanese one for Chinese, CJK.md rule 15) and has no option for a
first-line indent. The patched reference document names the language's font explicitly in
the style defaults and in every style that used a theme font, sets the East Asian language,
lists the font with the name Word should fall back to, indents body paragraphs by
characters (``firstLineChars``) for Chinese and Japanese, and declares the language's
line-breaking rules (kinsoku) in the settings.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..core.kinsoku import rules_for
from ..core.langtag import family
from ..fonts.policy import DOCX_FALLBACK, LATIN, stack_for
from .ziputil import rezipped

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
WQ = f"{{{W}}}"  # qualified-name prefix
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
# Paragraph styles of running text (pandoc's names).
_BODY_STYLES = ("BodyText", "FirstParagraph")
# Indent of the first line in hundredths of a character, by language family.
_FIRST_LINE_CHARS = {"zh-Hans": 200, "zh-Hant": 200, "zh-HK": 200, "ja": 100}
_THEME_SCRIPT = {"zh-Hans": "Hans", "zh-Hant": "Hant", "zh-HK": "Hant", "ja": "Jpan", "ko": "Hang"}
_CHARSET = {"zh-Hans": "86", "zh-Hant": "88", "zh-HK": "88", "ja": "80", "ko": "81"}


def ensure_child(parent, tag: str, **attrs: str):
    child = parent.find(WQ + tag)
    if child is None:
        child = etree.SubElement(parent, WQ + tag)
    for key, value in attrs.items():
        child.set(WQ + key, value)
    return child


def _set_fonts(rfonts, latin: str, east_asia: str) -> None:
    for theme_attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(WQ + theme_attr, None)
    for key, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin)):
        rfonts.set(WQ + key, value)


def _patch_styles(xml: bytes, lang: str, style: str) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    fam = family(lang)
    stack = stack_for(lang)
    east_sans = stack.docx_sans if fam else stack_for("zh-Hans").docx_sans
    east = east_sans if style == "sans" else stack.docx if fam else stack_for("zh-Hans").docx
    latin = LATIN.docx_sans if style == "sans" else LATIN.docx
    east_lang = stack.docx_lang if fam else "zh-CN"
    latin_lang = lang if lang and not fam else "en-US"

    rpr = root.find(f"{WQ}docDefaults/{WQ}rPrDefault/{WQ}rPr")
    _set_fonts(ensure_child(rpr, "rFonts"), latin, east)
    ensure_child(rpr, "lang", val=latin_lang, eastAsia=east_lang)
    # Styles that used the theme's (empty) East Asian font: headings and titles get the sans
    # face, everything else the text face.
    for style in root.iter(WQ + "style"):
        rfonts = style.find(f"{WQ}rPr/{WQ}rFonts")
        if rfonts is None:
            continue
        style_id = style.get(WQ + "styleId", "")
        heading = style_id.startswith(("Heading", "Title", "Subtitle")) or "major" in "".join(rfonts.attrib.values())
        if heading:
            _set_fonts(rfonts, LATIN.docx_sans, east_sans)
        elif any(k.endswith("Theme") or k.endswith("theme") for k in rfonts.attrib):
            _set_fonts(rfonts, latin, east)
    for style in root.iter(WQ + "style"):
        if style.get(WQ + "styleId") not in _BODY_STYLES:
            continue
        ppr = style.find(WQ + "pPr")
        if ppr is None:
            ppr = etree.SubElement(style, WQ + "pPr")
        ensure_child(ppr, "jc", val="both")
        chars = _FIRST_LINE_CHARS.get(fam)
        if chars:
            # firstLine (twips, for readers that ignore firstLineChars): chars × 12pt.
            ensure_child(ppr, "ind", firstLineChars=str(chars), firstLine=str(chars * 240 // 100))
    if rules_for(lang) is not None:
        _line_breaking_defaults(root)
    _add_fallback_styles(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# Paragraph properties after overflowPunct in CT_PPrBase's sequence (ECMA-376 17.3.1.26).
_AFTER_OVERFLOW_PUNCT = ("topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
                         "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
                         "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
                         "rPr", "sectPr", "pPrChange")


def _line_breaking_defaults(root) -> None:
    """Kinsoku on and punctuation allowed past the margin, declared in the paragraph defaults.
    Word's defaults already; LibreOffice imports ``overflowPunct`` as the opposite of its
    hanging punctuation, and without hanging punctuation it keeps its kinsoku (with it, it
    breaks after a full stop that hangs and starts the next line with an ellipsis)."""
    defaults = ensure_child(root, "docDefaults")
    ppr = ensure_child(ensure_child(defaults, "pPrDefault"), "pPr")
    successors = {WQ + name for name in _AFTER_OVERFLOW_PUNCT}
    anchor = next((child for child in ppr if child.tag in successors), None)
    for tag in ("kinsoku", "overflowPunct"):
        if ppr.find(WQ + tag) is None:
            node = etree.Element(WQ + tag)
            if anchor is None:
                ppr.append(node)
            else:
                anchor.addprevious(node)


def _add_fallback_styles(root) -> None:
    """Character styles that name a face for symbols and emoji the text face lacks (the
    DOCX writer puts such runs in them); a template that defines them keeps its own."""
    names = {n.get(WQ + "val") for n in root.iter(WQ + "name")}
    for style_name, font, _alt in DOCX_FALLBACK:
        if style_name in names:
            continue
        style = etree.SubElement(root, WQ + "style")
        style.set(WQ + "type", "character")
        style.set(WQ + "customStyle", "1")
        style.set(WQ + "styleId", style_name.replace(" ", ""))
        ensure_child(style, "name", val=style_name)
        ensure_child(style, "basedOn", val="DefaultParagraphFont")
        rpr = etree.SubElement(style, WQ + "rPr")
        _set_fonts(ensure_child(rpr, "rFonts"), font, font)


# Settings that come after the kinsoku lists in CT_Settings' sequence (ECMA-376 17.15.1.78).
_AFTER_KINSOKU = ("savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent",
                  "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving",
                  "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults",
                  "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
                  "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
                  "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                  "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def _set_kinsoku(root, lang: str) -> None:
    """Word's custom line-breaking lists for the book's East Asian language (``core.kinsoku``).
    LibreOffice ignores them (its own tables apply; ``transforms.cjk`` binds what they lack)."""
    rules = rules_for(lang)
    if rules is None:
        return
    for tag in ("noLineBreaksAfter", "noLineBreaksBefore"):
        for old in root.findall(WQ + tag):
            root.remove(old)
    successors = {f"{WQ}{name}" for name in _AFTER_KINSOKU} | {f"{{{M}}}mathPr"}
    anchor = next((child for child in root if child.tag in successors), None)
    for tag, chars in (("noLineBreaksAfter", rules.no_end), ("noLineBreaksBefore", rules.no_start)):
        node = etree.Element(WQ + tag)
        node.set(WQ + "lang", stack_for(lang).docx_lang)
        node.set(WQ + "val", chars)
        if anchor is None:
            root.append(node)
        else:
            anchor.addprevious(node)


def _patch_settings(xml: bytes, lang: str, style: str) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    fam = family(lang)
    east_lang = stack_for(lang).docx_lang if fam else "zh-CN"
    node = root.find(WQ + "themeFontLang")
    if node is None:
        node = etree.SubElement(root, WQ + "themeFontLang")
    node.set(WQ + "eastAsia", east_lang)
    _set_kinsoku(root, lang)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _patch_theme(xml: bytes, lang: str, style: str) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    fam = family(lang) or "zh-Hans"
    stack = stack_for(fam)
    body_face = stack.docx_sans if style == "sans" else stack.docx
    for kind, face in (("majorFont", stack.docx_sans), ("minorFont", body_face)):
        for font in root.iter(f"{{{A}}}{kind}"):
            ea = font.find(f"{{{A}}}ea")
            if ea is not None:
                ea.set("typeface", face)
            for script_font in font.findall(f"{{{A}}}font"):
                if script_font.get("script") == _THEME_SCRIPT[fam]:
                    script_font.set("typeface", face)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _patch_font_table(xml: bytes, lang: str, style: str) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    fam = family(lang) or "zh-Hans"
    stack = stack_for(fam)
    present = {f.get(WQ + "name") for f in root.findall(WQ + "font")}
    wanted = [(stack.docx, stack.docx_alt, _CHARSET[fam], "roman"), (stack.docx_sans, stack.docx_alt, _CHARSET[fam],
                                                                        "swiss")]
    wanted += [(font, alt, "00", "auto") for _style, font, alt in DOCX_FALLBACK]
    for name, alt, charset, generic in wanted:
        if name in present:
            continue
        font = etree.SubElement(root, WQ + "font")
        font.set(WQ + "name", name)
        ensure_child(font, "altName", val=alt)
        ensure_child(font, "charset", val=charset)
        ensure_child(font, "family", val=generic)
        ensure_child(font, "pitch", val="variable")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_PATCHES = {
    "word/styles.xml": _patch_styles,
    "word/settings.xml": _patch_settings,
    "word/theme/theme1.xml": _patch_theme,
    "word/fontTable.xml": _patch_font_table,
}


def patched_reference(base: Path, lang: str, style: str = "serif") -> bytes:
    """The bytes of ``base`` with its styles set up for ``lang``; ``style`` is the face of
    running text ('serif' or 'sans')."""
    def change(name: str, data: bytes) -> bytes:
        patch = _PATCHES.get(name)
        return patch(data, lang, style) if patch is not None else data

    return rezipped(base, change=change)
