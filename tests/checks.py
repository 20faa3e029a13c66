"""Checks of rendered output shared by the tests and the benchmarks: the CJK rules
(../shared/CJK.md) — kinsoku on PDF lines, the font of each language's text, Han–space–Han
in extracted text, which regional face a renderer really used (by glyph shape) — and DAISY
Ace's accessibility report of an EPUB (bench/a11y.py, tests/test_a11y.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from converter.core.langtag import family as _family

# CJK.md rule 3: no line starts with a closing mark, none ends with an opening one.
CLOSING = set("，。、；：？！）》」』”’…‥～〜ー々〕】〉］｝〙〗ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
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
    """The first characters of paragraphs (and of lines after a source line break) that the
    source starts with a closing mark, and the last characters of those it ends with an
    opening one: their first (last) line breaks kinsoku whatever the line breaking does, so
    checks exempt those lines and say so."""
    starts, ends = set(), set()
    for text in (line for text in texts for line in text.split("\n")):  # a <br> starts a line too
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


# DAISY Ace, installed by `make setup-test` (scripts/setup-ace.sh) into the clone's .tools/.
ACE = Path(__file__).resolve().parent.parent / ".tools" / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = Path(os.environ.get("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium"))
IMPACTS = ("critical", "serious", "moderate", "minor")


def ace_missing() -> str:
    """Why Ace cannot run here ('' when it can)."""
    if not ACE.is_file():
        return f"DAISY Ace is not installed ({ACE}; `make setup-test` installs it)"
    if not CHROMIUM.is_file():
        return f"Ace's browser {CHROMIUM} is missing (apt-get install chromium)"
    return ""


def ace_report(epub: Path, timeout: float = 900) -> dict:
    """Ace's JSON report of ``epub`` (Ace drives Chromium through puppeteer)."""
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM)}
    with tempfile.TemporaryDirectory(prefix="ace-") as out:
        proc = subprocess.run([str(ACE), "--silent", "--force", "--outdir", out, str(epub)],
                              capture_output=True, text=True, timeout=timeout, env=env, cwd=out)
        report = Path(out) / "report.json"
        if not report.is_file():
            raise RuntimeError(f"Ace made no report for {epub} (status {proc.returncode}): "
                               f"{(proc.stderr or proc.stdout)[-2000:]}")
        return json.loads(report.read_text(encoding="utf-8"))


def ace_violations(report: dict) -> list[dict]:
    """Every violation of an Ace report: impact, rule, file, message and the markup."""
    found = []
    for subject in report.get("assertions", []):
        where = subject.get("earl:testSubject", {}).get("url", "")
        for check in subject.get("assertions", []):
            if check.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            found.append({"impact": check["earl:test"].get("earl:impact", ""),
                          "rule": check["earl:test"].get("dct:title", ""), "file": where,
                          "message": check["earl:result"].get("dct:description", ""),
                          "html": check["earl:result"].get("html", "")[:300]})
    return found


def ace_counts(report: dict) -> dict[str, int]:
    """Violations per impact: critical, serious, moderate, minor."""
    counts = dict.fromkeys(IMPACTS, 0)
    for violation in ace_violations(report):
        counts[violation["impact"]] = counts.get(violation["impact"], 0) + 1
    return counts


# --------------------------------------------------------------------------- tagged PDF

def _struct_walk(root) -> list:
    """Every structure element reachable from the structure tree root, depth first."""
    import pikepdf

    found, stack, seen = [], list(root.get("/K", [])) if isinstance(root.get("/K"), pikepdf.Array) else [root.K], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue
        if node.objgen != (0, 0):
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        found.append(node)
        kids = node.get("/K")
        stack.extend(reversed(list(kids)) if isinstance(kids, pikepdf.Array) else [kids])
    return found


def pdf_structure(path: Path) -> tuple[Counter, list[str]]:
    """The roles of a tagged PDF's structure elements (counted) and what is wrong with its
    tagging, as checks the ``pdfua`` package does not make: one structure tree reachable from
    the catalog whose parent tree maps every marked-content id of every page to an element
    of that tree (so a tree joined from chunks is whole), nothing but artifacts outside it,
    MarkInfo, /Lang, the title in the window, PDF/UA identification in XMP, links described
    or in the tree, figures with /Alt, IDs unique and in the IDTree."""
    import pikepdf

    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return Counter(), ["no StructTreeRoot"]
        if not bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)):
            problems.append("MarkInfo /Marked is not true")
        if not str(pdf.Root.get("/Lang", "")):
            problems.append("no /Lang in the catalog")
        if not bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            problems.append("DisplayDocTitle is not true")
        if b"pdfuaid:part>1<" not in pdf.Root.Metadata.read_bytes().replace(b" ", b""):
            problems.append("no PDF/UA identification (pdfuaid:part 1) in XMP")
        elements = _struct_walk(root)
        reachable = {e.objgen for e in elements}
        roles = Counter(str(e.S) for e in elements)
        if [str(k.S) for k in (root.K if isinstance(root.K, pikepdf.Array) else [root.K])] != ["/Document"]:
            problems.append("the tree root does not hold exactly one Document element")
        parents: dict[int, object] = {}
        nums = root.ParentTree.get("/Nums", [])
        for i in range(0, len(nums) - 1, 2):
            parents[int(nums[i])] = nums[i + 1]
        for number, page in enumerate(pdf.pages, 1):
            mcids = []
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    mcids.append(int(operands[1].MCID))
            if not mcids:
                continue
            key = page.obj.get("/StructParents")
            entry = parents.get(int(key)) if key is not None else None
            if not isinstance(entry, pikepdf.Array):
                problems.append(f"page {number}: marked content but no parent tree array for it")
                continue
            for mcid in mcids:
                if mcid >= len(entry) or entry[mcid].objgen not in reachable:
                    problems.append(f"page {number}: MCID {mcid} belongs to no element of the tree")
                elif "/Pg" in entry[mcid] and entry[mcid].Pg.objgen != page.obj.objgen:
                    # A parent tree shifted wrongly maps the content to another page's element.
                    problems.append(f"page {number}: MCID {mcid} maps to an element of another page")
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") != pikepdf.Name.Link:
                    continue
                parent = parents.get(int(annotation.get("/StructParent", -1)))
                in_tree = parent is not None and parent.objgen in reachable and parent.get("/S") == pikepdf.Name.Link
                if not str(annotation.get("/Contents", "")) and not in_tree:
                    problems.append(f"page {number}: a link with neither /Contents nor a Link element")
        problems += [f"Figure without /Alt on page {e.get('/Pg') and pdf.pages.index(e.Pg) + 1}"
                     for e in elements if e.S == "/Figure" and "/Alt" not in e]
        ids = [str(e.ID) for e in elements if "/ID" in e]
        if len(ids) != len(set(ids)):
            problems.append("structure element IDs are not unique")
        named = set(pikepdf.NameTree(root.IDTree).keys()) if "/IDTree" in root else set()
        if set(ids) - named:
            problems.append(f"IDs missing from the IDTree: {sorted(set(ids) - named)[:5]}")
    return roles, problems


_HAN_KANA = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_HANGUL = re.compile("[\uac00-\ud7af]")


@dataclass
class Justification:
    """What :func:`justification_gaps` found: lines checked, lines with a gap wider than the
    limit, and pure-CJK lines that stop short of the right edge."""

    lines: int = 0
    wide: list[str] = field(default_factory=list)
    ragged: list[str] = field(default_factory=list)


def justification_gaps(pdf: Path, limit: float = 0.5, skip_fonts: tuple[str, ...] = ("Mono",)) -> Justification:
    """Inter-character justification (clreq 3.8) measured on glyph positions, in the chapters
    (from the ``chapter-1`` destination on; the contents are not justified text): in every
    line of CJK text that a line of the same paragraph follows (the next line below at one
    line's distance, not indented further), the widest gap between two drawn glyphs, a word
    space included, in ems of the font size; and whether a pure-CJK line reaches the right
    edge of the text on its page. Glyphs more than 3 em apart on one baseline are separate
    lines (table cells side by side)."""
    from .pdfbook import read_book

    first = max(read_book(pdf).dests.get("chapter-1", 0), 0)
    result = Justification()
    with pdfplumber.open(pdf) as doc:
        # Running text only: the most common size (headings and notes are set otherwise).
        sizes = Counter(round(ch["size"], 1) for page in doc.pages[:200] for ch in page.chars)
        body = sizes.most_common(1)[0][0] if sizes else 0
        for number, page in enumerate(doc.pages[first:], first + 1):
            rows: dict[int, list[dict]] = {}
            for ch in page.chars:
                if any(s in ch.get("fontname", "") for s in skip_fonts) or abs(ch["size"] - body) > 0.2:
                    continue
                rows.setdefault(round(ch["bottom"]), []).append(ch)
            lines = []
            for key in sorted(rows):
                drawn = [c for c in sorted(rows[key], key=lambda c: c["x0"]) if c["text"].strip() and c["x1"] > c["x0"]]
                segment: list[dict] = []
                for ch in drawn:
                    if segment and ch["x0"] - segment[-1]["x1"] > 3 * ch["size"]:
                        lines.append((key, segment))
                        segment = []
                    segment.append(ch)
                if segment:
                    lines.append((key, segment))
            if not lines:
                continue
            right = sorted(d[-1]["x1"] for _, d in lines)[int(len(lines) * 0.9)]
            # A block set narrower (a quotation) has its own right edge: where most lines that
            # begin where this one begins end (pdfplumber measures a mark compressed by halt
            # at full width, so the longest line can pass the edge).
            ends: dict[int, Counter] = {}
            for _, d in lines:
                ends.setdefault(round(d[0]["x0"]), Counter())[round(d[-1]["x1"])] += 1
            edges = {x0: counts.most_common(1)[0][0] for x0, counts in ends.items()}
            for (key, drawn), (next_key, next_drawn) in zip(lines, lines[1:]):
                size = max(c["size"] for c in drawn)
                text = "".join(c["text"] for c in drawn)
                if (not _HAN_KANA.search(text) or _HANGUL.search(text) or not 0 < next_key - key < 2.2 * size
                        or abs(next_drawn[0]["x0"] - drawn[0]["x0"]) > 1 and next_drawn[0]["x0"] > drawn[0]["x0"]
                        or drawn[-1]["x1"] < right - 3 * size):
                    continue
                result.lines += 1
                gaps = [(b["x0"] - a["x1"]) / size for a, b in zip(drawn, drawn[1:])]
                widest = max(gaps, default=0)
                if widest > limit:
                    at = gaps.index(widest)
                    result.wide.append(f"p{number} {widest:.2f} em at {text[max(0, at - 6):at + 7]!r}")
                pure = all(_CJK_CHAR.search(c["text"]) or c["text"] in CLOSING | OPENING or not c["text"].isascii()
                           for c in drawn)
                edge = edges[round(drawn[0]["x0"])]
                if pure and drawn[-1]["x1"] < edge - 1:
                    result.ragged.append(f"p{number} {edge - drawn[-1]['x1']:.1f} pt short: {text[-12:]!r}")
    return result


def epub_uncovered(epub: Path) -> list[str]:
    """Characters of the EPUB's chapters (text and alt text of CJK-language chapters) that none of its
    embedded fonts maps: what a reading system would draw from its own fonts, or as tofu."""
    import io
    import zipfile

    from fontTools.ttLib import TTFont

    from converter.fonts.coverage import needs_glyph
    from lxml import etree

    with zipfile.ZipFile(epub) as z:
        have = set()
        for name in z.namelist():
            if name.endswith(".woff2"):
                have |= set(TTFont(io.BytesIO(z.read(name))).getBestCmap())
        used = set()
        for name in z.namelist():
            if name.startswith("EPUB/text/chapter-"):
                root = etree.fromstring(z.read(name))
                if _family(root.get("{http://www.w3.org/XML/1998/namespace}lang") or "") not in FACE_TAGS:
                    continue
                used.update("".join(root.itertext()))
                used.update("".join(e.get("alt", "") for e in root.iter("{http://www.w3.org/1999/xhtml}img")))
    return sorted(c for c in used if ord(c) not in have and needs_glyph(c))


def pdf_notdef(pdf: Path) -> tuple[int, list[str]]:
    """Characters the PDF draws in a font that has no glyph for them (a .notdef box): each
    drawn character against the cmap of the installed face its font was subset from (WeasyPrint
    names a font after its Pango description: family, then style words). Returns the number
    of drawn characters checked (those of fonts found installed) and the missing ones."""
    from converter.fonts.files import cmap, find_face

    styles = r"(?:[- ](?:Thin|Ultra|Extra|Light|Semi|Demi|Medium|Bold|Heavy|Black|Book|Italic|Oblique|Condensed))+$"
    cmaps: dict[str, frozenset[int] | None] = {}
    bad = set()
    checked = 0
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for ch in page.chars:
                name = ch.get("fontname", "").split("+")[-1]
                if name not in cmaps:
                    family = re.sub(styles, "", name).replace("-", " ")
                    face = find_face(family, 700 if "Bold" in name[len(family):] else 400)
                    cmaps[name] = cmap(face.path, face.index) if face else None
                text = ch["text"]
                if cmaps[name] is None or len(text) != 1 or text.isspace():
                    continue
                checked += 1
                if ord(text) not in cmaps[name]:
                    bad.add(text)
    return checked, sorted(bad)
