"""Post-process pandoc's DOCX for what its writer gets wrong with CJK languages.

pandoc puts a span's or div's language in ``w:lang/@w:val``, the Latin slot, where Word
ignores it for CJK text, and names no East Asian font for it (CJK.md rules 1 and 15). Here a
CJK tag moves to ``@w:eastAsia`` in Word's spelling (zh-CN, zh-TW, ja-JP, ko-KR) and the run
gets the East Asian font of that language; the document defaults are reset to the book's
language, which pandoc overwrites with its own spelling of the tag.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from ..fonts import stack_for
from ..langtag import family
from .docx_reference import WQ, ensure_child

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _is_heading(run) -> bool:
    paragraph = run.getparent()
    while paragraph is not None and paragraph.tag != WQ + "p":
        paragraph = paragraph.getparent()
    if paragraph is None:
        return False
    style = paragraph.find(f"{WQ}pPr/{WQ}pStyle")
    return style is not None and style.get(WQ + "val", "").startswith(("Heading", "Title", "Subtitle"))


def _fix_runs(xml: bytes) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    changed = False
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
        face = stack.docx_sans if run is not None and _is_heading(run) else stack.docx
        fonts = rpr.find(WQ + "rFonts")
        if fonts is None:
            fonts = etree.Element(WQ + "rFonts")
            rpr.insert(0, fonts)  # rFonts comes first in rPr (ECMA-376 sequence)
        fonts.set(WQ + "eastAsia", face)
        fonts.attrib.pop(WQ + "eastAsiaTheme", None)
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


def fix_docx(path: Path, lang: str) -> None:
    """Rewrite the DOCX at ``path`` in place (entries in the same order, fixed timestamps)."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in _PARTS:
                data = _fix_runs(data)
            elif info.filename == "word/styles.xml":
                data = _fix_styles(data, lang)
            entry = zipfile.ZipInfo(info.filename, _FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    path.write_bytes(out.getvalue())

