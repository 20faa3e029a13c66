"""Checks of rendered output against the CJK rules (../shared/CJK.md), shared by the tests
and bench/cjk_check.py: kinsoku on PDF lines, the font of each language's text, Han–space–Han
in extracted text, and which regional face a renderer really used (by glyph shape)."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from converter.core.langtag import family as _family

# CJK.md rule 3: no line starts with a closing mark, none ends with an opening one.
CLOSING = set("，。、；：？！）》」』”’…ー々〕】〉］｝〙〗ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
OPENING = set("（《「『“‘〔【〈［｛〘〖")
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_SPACE_HAN = re.compile(f"([{HAN}])[ \u3000\u00a0]+(?=([{HAN}]))")
FACE_TAGS = {"zh-Hans": "SC", "zh-Hant": "TC", "zh-HK": "HK", "ja": "JP", "ko": "KR"}
_CJK_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@dataclass
class Line:
    page: int
    top: float
    words: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)


def pdf_lines(path: Path, skip_fonts: tuple[str, ...] = ("Mono",)) -> list[Line]:
    """Text lines of a PDF: poppler's words grouped by page and baseline, left to right
    (pdfminer cannot read the text of some fonts WeasyPrint writes, and a line read without
    its first words would seem to start with the punctuation after them). Lines set in a
    monospace font (code, which may break anywhere) are left out, as pdfplumber sees fonts."""
    from .pdfbook import poppler_words

    mono: set[tuple[int, int]] = set()
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for ch in page.chars:
                if any(s in ch.get("fontname", "") for s in skip_fonts):
                    mono.add((number, round(ch["bottom"])))
    lines: list[Line] = []
    for number, words in enumerate(poppler_words(path), 1):
        rows: dict[int, Line] = {}
        for word in words:
            if not word.text.strip():
                continue
            key = round(word.bottom)
            line = rows.get(key) or rows.get(key - 1) or rows.get(key + 1)
            if line is None:
                line = rows[key] = Line(number, word.top)
            line.words.append(word)
        for key, line in rows.items():
            if any((number, key + d) in mono for d in (-1, 0, 1)):
                continue
            line.words.sort(key=lambda w: w.x0)
            lines.append(line)
    lines.sort(key=lambda l: (l.page, l.top))
    return lines


_INVISIBLE_RE = re.compile("[\\s\u2060\u2005\u00ad]+")


def paragraph_edges(texts) -> tuple[set[str], set[str]]:
    """The first characters of paragraphs that the source starts with a closing mark, and the
    last characters of those it ends with an opening one: their first (last) line breaks
    kinsoku whatever the line breaking does, so checks exempt those lines and say so."""
    starts, ends = set(), set()
    for text in texts:
        text = _INVISIBLE_RE.sub("", text)
        # A short paragraph is kept whole ("……"): only a line that is all of it is exempt.
        if text[:1] in CLOSING and text:
            starts.add(text[:8] if len(text) > 8 else f"{text}$")
        if text[-1:] in OPENING and text:
            ends.add(text[-8:] if len(text) > 8 else f"^{text}")
    return starts, ends


def _matches(text: str, edge: str, at_start: bool) -> bool:
    if edge.endswith("$"):
        return text == edge[:-1]
    if edge.startswith("^"):
        return text == edge[1:]
    return text.startswith(edge) if at_start else text.endswith(edge)


def kinsoku_violations(lines: list[Line], exempt: tuple[set[str], set[str]] = (set(), set())) -> list[str]:
    """Lines that start with a closing mark or end with an opening one (CJK text only),
    except the edges of paragraphs written that way (:func:`paragraph_edges`)."""
    starts, ends = exempt
    bad = []
    for line in lines:
        text = _INVISIBLE_RE.sub("", line.text)
        if not text or not _CJK_CHAR.search(text):
            continue
        if text[0] in CLOSING and not any(_matches(text, s, True) for s in starts):
            bad.append(f"p{line.page} starts with {text[0]!r}: {text[:30]}")
        if text[-1] in OPENING and not any(_matches(text, e, False) for e in ends):
            bad.append(f"p{line.page} ends with {text[-1]!r}: {text[-30:]}")
    return bad


def fonts_per_chapter(pdf: Path, langs: list[str]) -> tuple[int, list[str]]:
    """Chapter by chapter (from the PDF's named destinations ``chapter-N``): the regional face
    tags of the CJK characters must be the chapter language's. Returns (chapters checked,
    problems)."""
    from .pdfbook import read_book

    book = read_book(pdf)
    starts = [book.dests.get(f"chapter-{n}") for n in range(1, len(langs) + 1)]
    if None in starts:
        return 0, [f"missing chapter destinations: {starts}"]
    problems = []
    with pdfplumber.open(pdf) as doc:
        for index, (first, lang) in enumerate(zip(starts, langs)):
            last = starts[index + 1] if index + 1 < len(starts) else len(doc.pages)
            expected = FACE_TAGS.get(_family(lang))
            if expected is None:
                continue
            counts: Counter = Counter()
            for page in doc.pages[first:last]:
                for ch in page.chars:
                    if re.match("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", ch["text"]):
                        m = re.search(r"CJK-?(SC|TC|HK|JP|KR)", ch.get("fontname", ""), re.I)
                        counts[m.group(1).upper() if m else "other"] += 1
            allowed = {expected} | ({"TC"} if expected == "HK" else set())
            wrong = sum(v for k, v in counts.items() if k not in allowed)
            # A run tagged in another language (a Japanese quotation) is set in its own face.
            if not counts or wrong > 0.02 * sum(counts.values()):
                problems.append(f"chapter {index + 1} ({lang}): {dict(counts)}")
    return len(starts), problems


def han_space_han(text: str) -> list[tuple[str, str]]:
    """Han–space–Han pairs in extracted text."""
    return [(m.group(1), m.group(2)) for m in HAN_SPACE_HAN.finditer(text)]


# ------------------------------------------------------------------ LibreOffice's reading

_ENCODING_RE = re.compile(rb"dup (\d+) /cid(\d+) put")
_BFCHAR_RE = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE_RE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)
_HEX_RE = re.compile(r"<([0-9A-Fa-f]+)>")


def _to_unicode(cmap: str) -> dict[int, str]:
    """Character codes → text, from a ToUnicode CMap (bfchar and bfrange entries)."""
    table: dict[int, str] = {}
    for block in _BFCHAR_RE.findall(cmap):
        values = _HEX_RE.findall(block)
        for code, text in zip(values[::2], values[1::2]):
            table[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be", "replace")
    for block in _BFRANGE_RE.findall(cmap):
        values = _HEX_RE.findall(block)
        for lo, hi, first in zip(values[::3], values[1::3], values[2::3]):
            start = int(first, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(start + offset)
    return table


def _face_cids(family: str, weight: int) -> dict[str, dict[int, int]]:
    """For each regional face of a Noto CJK family: code point → CID of its default glyph."""
    from fontTools.ttLib import TTFont

    from converter.fonts.files import find_face

    faces = {}
    for tag in ("SC", "TC", "HK", "JP", "KR"):
        face = find_face(f"Noto {family} CJK {tag}", weight)
        if face is None:
            continue
        font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
        faces[tag] = {cp: int(name[3:]) for cp, name in (font.getBestCmap() or {}).items()
                      if name.startswith("cid")}
        font.close()
    return faces


def pdf_cjk_glyph_forms(pdf: Path) -> list[tuple[str, frozenset[str]]]:
    """The regional glyph forms of the CJK characters a PDF shows: for each character whose
    glyph differs between the Noto CJK faces (骨, 直, 角...), the faces (SC, TC, HK, JP, KR)
    whose default glyph for it is the one embedded.

    LibreOffice embeds Noto CJK as Type 1 subsets named after the collection's first face
    (``NotoSerifCJKjp``) whatever face it used, so ``pdffonts`` cannot tell SC from JP; but it
    keeps each glyph's CID as its name (``dup 7 /cid9973 put``), and the ToUnicode map gives
    the character. What this checks is what a reader sees: the form of each glyph."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream, resolve1

    forms: list[tuple[str, frozenset[str]]] = []
    cids_by_style: dict[tuple[str, int], dict[str, dict[int, int]]] = {}
    with open(pdf, "rb") as handle:
        doc = PDFDocument(PDFParser(handle))
        for xref in doc.xrefs:
            for objid in xref.get_objids():
                try:
                    font = resolve1(doc.getobj(objid))
                except Exception:
                    continue
                if not isinstance(font, dict) or getattr(font.get("Subtype"), "name", "") != "Type1":
                    continue
                name = getattr(font.get("BaseFont"), "name", "")
                descriptor = resolve1(font.get("FontDescriptor"))
                if "CJK" not in name or not isinstance(descriptor, dict):
                    continue
                program, unicode_map = resolve1(descriptor.get("FontFile")), resolve1(font.get("ToUnicode"))
                if not isinstance(program, PDFStream) or not isinstance(unicode_map, PDFStream):
                    continue
                style = ("Serif" if "Serif" in name else "Sans", 700 if "Bold" in name else 400)
                if style not in cids_by_style:
                    cids_by_style[style] = _face_cids(*style)
                faces = cids_by_style[style]
                text = _to_unicode(unicode_map.get_data().decode("latin-1"))
                for code, cid in _ENCODING_RE.findall(program.get_data()[:int(program.get("Length1", 0)) or None]):
                    char = text.get(int(code), "")
                    if len(char) != 1:
                        continue
                    matching = frozenset(tag for tag, cids in faces.items() if cids.get(ord(char)) == int(cid))
                    # Only a character whose faces disagree tells them apart.
                    if len({cids.get(ord(char)) for cids in faces.values()}) > 1:
                        forms.append((char, matching))
    return forms


def libreoffice_glyph_forms(docx: Path, workdir: Path) -> list[tuple[str, frozenset[str]]]:
    """The regional glyph forms in LibreOffice's own PDF of a DOCX (:func:`pdf_cjk_glyph_forms`)."""
    return pdf_cjk_glyph_forms(libreoffice_convert(docx, workdir, "pdf"))


def libreoffice_convert(docx: Path, workdir: Path, fmt: str) -> Path:
    """LibreOffice's own conversion of a DOCX, in a folder of its own (never over the
    converter's outputs of the same name)."""
    outdir = workdir / "libreoffice"
    subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", str(outdir), str(docx)],
                   capture_output=True, timeout=300, check=False)
    return outdir / f"{docx.stem}.{fmt}"


def libreoffice_asian_fonts(docx: Path, workdir: Path) -> tuple[Counter, Counter]:
    """The East Asian fonts and languages LibreOffice assigns to a DOCX's styles and text,
    read from its own ODT conversion (what it renders is checked by
    :func:`libreoffice_glyph_forms`)."""
    import zipfile

    odt = libreoffice_convert(docx, workdir, "odt")
    fonts: Counter = Counter()
    langs: Counter = Counter()
    with zipfile.ZipFile(odt) as z:
        for part in ("styles.xml", "content.xml"):
            xml = z.read(part).decode("utf-8")
            fonts.update(re.findall(r'style:font-name-asian="([^"]*)"', xml))
            langs.update(f"{a}-{b}" for a, b in re.findall(
                r'style:language-asian="([^"]*)" style:country-asian="([^"]*)"', xml))
    return fonts, langs
