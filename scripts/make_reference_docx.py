"""Regenerate styles/default/reference.docx from pandoc's own reference document.

The theme's choices: 11 pt text with 1.5 line spacing and a little space after paragraphs,
Latin faces named explicitly (Noto Serif / Noto Sans), byline, caption, placeholder, cover,
title-page and contents (toc 1, toc 2) styles that the DOCX writer refers to. The language-dependent parts (East Asian font and language,
first-line indent) are patched per build by converter/writers/docx_reference.py.

Run: .venv/bin/python scripts/make_reference_docx.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypandoc
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from converter.writers.ziputil import rezipped  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
OUT = Path(__file__).resolve().parent.parent / "styles" / "default" / "reference.docx"
_EXTRA_STYLES = f"""
<w:styles xmlns:w="{W}">
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Byline">
    <w:name w:val="Byline"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/>
    <w:pPr><w:spacing w:before="0" w:after="240"/></w:pPr>
    <w:rPr><w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="ImagePlaceholder">
    <w:name w:val="Image Placeholder"/><w:basedOn w:val="Normal"/><w:qFormat/>
    <w:pPr><w:pBdr><w:top w:val="dashed" w:sz="4" w:space="4" w:color="888888"/>
      <w:left w:val="dashed" w:sz="4" w:space="4" w:color="888888"/>
      <w:bottom w:val="dashed" w:sz="4" w:space="4" w:color="888888"/>
      <w:right w:val="dashed" w:sz="4" w:space="4" w:color="888888"/></w:pBdr></w:pPr>
    <w:rPr><w:color w:val="444444"/><w:sz w:val="18"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Cover">
    <w:name w:val="Cover"/><w:basedOn w:val="Normal"/><w:qFormat/>
    <w:pPr><w:jc w:val="center"/><w:spacing w:before="0" w:after="0"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Publisher">
    <w:name w:val="Publisher"/><w:basedOn w:val="Author"/><w:qFormat/>
    <w:pPr><w:spacing w:before="960"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Rights">
    <w:name w:val="Rights"/><w:basedOn w:val="Author"/><w:qFormat/>
    <w:rPr><w:sz w:val="18"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="TOC1">
    <w:name w:val="toc 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/>
    <w:pPr><w:spacing w:before="120" w:after="60"/></w:pPr><w:rPr><w:b/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="TOC2">
    <w:name w:val="toc 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/>
    <w:pPr><w:spacing w:before="0" w:after="60"/><w:ind w:left="440"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Embed">
    <w:name w:val="Embed"/><w:basedOn w:val="Normal"/><w:qFormat/>
    <w:pPr><w:pBdr><w:left w:val="single" w:sz="12" w:space="6" w:color="999999"/></w:pBdr></w:pPr>
    <w:rPr><w:sz w:val="20"/></w:rPr>
  </w:style>
</w:styles>"""


def main() -> int:
    pandoc = pypandoc.get_pandoc_path()
    base = subprocess.run([pandoc, "--print-default-data-file", "reference.docx"], check=True,
                          capture_output=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "pandoc-reference.docx"
        source.write_bytes(base)
        OUT.write_bytes(rezipped(source, change=lambda name, data: _styles(data) if name == "word/styles.xml"
                                 else data))
    print(f"wrote {OUT}")
    return 0


def _styles(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    rpr = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
    for tag, val in (("sz", "22"), ("szCs", "22")):
        rpr.find(_W + tag).set(_W + "val", val)
    for style in root.iter(_W + "style"):
        sid = style.get(_W + "styleId")
        if sid == "Title":
            # The title page: the title a third of the way down.
            ppr = style.find(_W + "pPr")
            spacing = ppr.find(_W + "spacing")
            if spacing is None:
                spacing = etree.SubElement(ppr, _W + "spacing")
            spacing.set(_W + "before", "3600")
        if sid in ("BodyText", "FirstParagraph"):
            ppr = style.find(_W + "pPr")
            if ppr is None:
                ppr = etree.SubElement(style, _W + "pPr")
            spacing = ppr.find(_W + "spacing")
            if spacing is None:
                spacing = etree.SubElement(ppr, _W + "spacing")
            for key, val in (("before", "0"), ("after", "120"), ("line", "360"), ("lineRule", "auto")):
                spacing.set(_W + key, val)
    for style in etree.fromstring(_EXTRA_STYLES):
        root.append(style)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


if __name__ == "__main__":
    sys.exit(main())
