"""Post-process pandoc's DOCX for what its writer gets wrong with CJK languages.

pandoc puts a span's or div's language in ``w:lang/@w:val``, the Latin slot, where Word
ignores it for CJK text, and names no East Asian font for it (CJK.md rules 1 and 15). Here a
CJK tag moves to ``@w:eastAsia`` in Word's spelling (zh-CN, zh-TW, ja-JP, ko-KR) and the run
gets the East Asian font of that language; the document defaults are reset to the book's
language, which pandoc overwrites with its own spelling of the tag. Pictures lose the local
path pandoc records in them, and the package is rewritten with a fixed timestamp.
"""

from __future__ import annotations

from lxml import etree

from ..core.langtag import family
from ..fonts.policy import stack_for
from .docx_reference import WQ, ensure_child

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
_PIC_NAME = "{http://schemas.openxmlformats.org/drawingml/2006/picture}cNvPr"


def _is_heading(run, known: dict) -> bool:
    paragraph = run.getparent()
    while paragraph is not None and paragraph.tag != WQ + "p":
        paragraph = paragraph.getparent()
    if paragraph is None:
        return False
    if paragraph not in known:  # many runs share a paragraph
        style = paragraph.find(f"{WQ}pPr/{WQ}pStyle")
        known[paragraph] = style is not None and style.get(WQ + "val", "").startswith(("Heading", "Title", "Subtitle"))
    return known[paragraph]


def _fix_runs(xml: bytes, style: str) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    changed = False
    headings: dict = {}
    for lang in root.iter(WQ + "lang"):
        value = lang.get(WQ + "val", "")
        fam = family(value)
        if not fam:
            continue
        stack = stack_for(value)
        lang.attrib.pop(WQ + "val", None)
        lang.set(WQ + "eastAsia", stack.docx_lang)
        rpr = lang.getparent()
        run = rpr.getparent() if rpr is not None else None
        sans = style == "sans" or (run is not None and _is_heading(run, headings))
        face = stack.docx_sans if sans else stack.docx
        fonts = rpr.find(WQ + "rFonts")
        if fonts is None:
            fonts = etree.Element(WQ + "rFonts")
            rpr.insert(0, fonts)  # rFonts comes first in rPr (ECMA-376 sequence)
        fonts.set(WQ + "eastAsia", face)
        fonts.attrib.pop(WQ + "eastAsiaTheme", None)
        changed = True
    # pandoc describes each picture by the path it was read from: a temporary folder of
    # this build, which nobody should see and which makes every build differ.
    for picture in root.iter(_PIC_NAME):
        if picture.attrib.pop("descr", None) is not None:
            changed = True
    if not changed:
        return xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _fix_styles(xml: bytes, lang: str) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    fam = family(lang)
    rpr = root.find(f"{WQ}docDefaults/{WQ}rPrDefault/{WQ}rPr")
    if rpr is None:
        return xml
    node = ensure_child(rpr, "lang")
    node.set(WQ + "eastAsia", stack_for(lang).docx_lang if fam else "zh-CN")
    node.set(WQ + "val", "en-US" if fam or not lang else lang)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def fix_piece(parts: dict[str, bytes], style: str) -> dict[str, bytes]:
    """The text parts of one package pandoc made (runs' languages and fonts, pictures'
    paths); ``style`` is the theme's face of running text."""
    return {name: _fix_runs(data, style) if name in _PARTS else data for name, data in parts.items()}


def fix_book(parts: dict[str, bytes], lang: str, core: bytes | None = None) -> dict[str, bytes]:
    """The document-wide parts: default language in the styles, and ``core`` in place of
    pandoc's core properties (``docProps/core.xml``)."""
    out = dict(parts)
    if "word/styles.xml" in out:
        out["word/styles.xml"] = _fix_styles(out["word/styles.xml"], lang)
    if core is not None and "docProps/core.xml" in out:
        out["docProps/core.xml"] = core
    return out
