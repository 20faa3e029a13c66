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

from converter.langtag import family as _family

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

def libreoffice_asian_fonts(docx: Path, workdir: Path) -> tuple[Counter, Counter]:
    """The East Asian fonts and languages LibreOffice assigns to a DOCX's styles and text,
    read from its own ODT conversion (its PDF export names every face of a TTC collection
    after the first one, so pdffonts cannot tell SC from JP there)."""
    import zipfile

    subprocess.run(["soffice", "--headless", "--convert-to", "odt", "--outdir", str(workdir), str(docx)],
                   capture_output=True, timeout=300, check=False)
    odt = workdir / (docx.stem + ".odt")
    fonts: Counter = Counter()
    langs: Counter = Counter()
    with zipfile.ZipFile(odt) as z:
        for part in ("styles.xml", "content.xml"):
            xml = z.read(part).decode("utf-8")
            fonts.update(re.findall(r'style:font-name-asian="([^"]*)"', xml))
            langs.update(f"{a}-{b}" for a, b in re.findall(
                r'style:language-asian="([^"]*)" style:country-asian="([^"]*)"', xml))
    return fonts, langs
