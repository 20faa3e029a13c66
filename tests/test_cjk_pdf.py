"""CJK rules measured on the rendered PDF of the examples (../shared/CJK.md rows 2–9, 11, 13):
positions and faces of glyphs read back with pdfplumber."""

from __future__ import annotations

import json
import re
import statistics

import pdfplumber
import pytest

from .checks import fonts_per_chapter, han_space_han, justification_gaps, kinsoku_violations, pdf_lines
from .conftest import EXAMPLES, pdf_text, run_converter

BODY_SIZE = 10.5  # pt, the default theme's text size


@pytest.fixture(scope="module")
def examples_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("cjkpdf")
    proc = run_converter("build", str(EXAMPLES), "-o", str(out), "-f", "pdf", "--title", "t", "--offline",
                         "--cover", "none")
    assert proc.returncode == 0, proc.stderr
    return out / "t.pdf"


@pytest.fixture(scope="module")
def chapter_langs():
    proc = run_converter("inspect", *map(str, sorted(EXAMPLES.glob("*.md"))))
    docs = sorted((json.loads(line) for line in proc.stdout.splitlines()), key=lambda d: d["meta"]["date"])
    return [d["meta"].get("lang", "") for d in docs]


def body_chars(pdf_path, pattern: str):
    """(page, visible chars) of the pages whose text (white space left out) contains ``pattern``."""
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if c["text"].strip()]
            if pattern in "".join(c["text"] for c in chars):
                yield page, chars


def find_run(pdf_path, pattern: str) -> tuple[list, int]:
    """The visible chars of the first page holding ``pattern`` and the index where it starts."""
    _page, chars = next(body_chars(pdf_path, pattern))
    return chars, "".join(c["text"] for c in chars).index(pattern)


def test_each_chapter_is_set_in_its_language_face(examples_pdf, chapter_langs):
    checked, problems = fonts_per_chapter(examples_pdf, chapter_langs)
    assert checked == len(chapter_langs) and not problems, problems


@pytest.mark.parametrize("size", ["A4", "6x9in", "Letter"])
def test_kinsoku_at_several_page_widths(tmp_path, size):
    assert run_converter("build", str(EXAMPLES), "-o", str(tmp_path), "-f", "pdf", "--title", "t", "--offline",
                         "--page-size", size).returncode == 0
    lines = pdf_lines(tmp_path / "t.pdf")
    assert len(lines) > 100 and not kinsoku_violations(lines)


def test_kinsoku_and_no_new_han_space_han(examples_pdf):
    assert not kinsoku_violations(pdf_lines(examples_pdf))
    sources = "\n".join(re.sub(r"<[^>]*>", "", p.read_text(encoding="utf-8")) for p in EXAMPLES.glob("*.md"))
    typed = set(han_space_han(sources))
    assert [pair for pair in han_space_han(pdf_text(examples_pdf)) if pair not in typed] == []


def test_cjk_lines_are_justified_between_characters(examples_pdf):
    """clreq 3.8: the slack of a justified line is spread over its character gaps and word
    spaces, so no gap is wider than half an em and pure CJK lines are flush on both sides;
    the text layer stays the same (no Han–space–Han above)."""
    found = justification_gaps(examples_pdf)
    assert found.lines > 40 and not found.wide and not found.ragged, (found.wide, found.ragged)


def test_first_line_indent_by_language(examples_pdf):
    """zh: 2em; ja: 1em; ko and en: none (CJK.md rule 5)."""
    expected = {"三年前，我把博客": 2.0, "四月のはじめ": 1.0, "오월의 서울은": 0.0, "I have kept a journal": 0.0}
    for start, ems in expected.items():
        chars, index = find_run(examples_pdf, start.replace(" ", ""))
        first = chars[index]
        # The text block's left edge: the smallest x0 of body-size characters on the page.
        left = min(c["x0"] for c in chars if abs(c["size"] - BODY_SIZE) < 0.2)
        assert abs((first["x0"] - left) - ems * first["size"]) <= 0.5, (start, first["x0"] - left)


def test_even_line_spacing_with_sup_and_code(examples_pdf):
    """Baselines of a zh paragraph holding inline code and a note call are evenly spaced
    (CJK.md rule 6)."""
    page, chars = next(body_chars(examples_pdf, "可检索"))
    baselines = sorted({round(c["bottom"], 1) for c in chars if abs(c["size"] - BODY_SIZE) < 0.2
                        and re.match("[\u4e00-\u9fff]", c["text"])})
    gaps = [b - a for a, b in zip(baselines, baselines[1:]) if b - a < 2.5 * BODY_SIZE]
    mode = statistics.mode(round(g, 1) for g in gaps)
    # Lines within a block are one step apart; paragraph and list margins add whole steps
    # or a little space, never a fraction pushed in by sup/sub/code.
    odd = [g for g in gaps if abs(g - mode) > 0.3 and g < mode]
    assert 1.7 * BODY_SIZE <= mode <= 1.9 * BODY_SIZE and not odd, (mode, odd)


def test_quarter_em_between_han_and_latin(examples_pdf):
    chars, index = find_run(examples_pdf, "5日报导")
    gap = (chars[index + 1]["x0"] - chars[index]["x1"]) / chars[index]["size"]
    assert 0.2 <= gap <= 0.3, gap


def test_adjacent_punctuation_is_compressed(examples_pdf):
    pairs = []
    for _page, chars in body_chars(examples_pdf, "。”"):
        for a, b in zip(chars, chars[1:]):
            if a["text"] in "。，、！？」』）" and b["text"] in "」』”’）。，":
                pairs.append((b["x0"] - a["x0"]) / a["size"])
    assert pairs and max(pairs) <= 0.55, pairs


def test_korean_lines_break_between_words(examples_pdf):
    words = set(re.sub(r"<[^>]*>", "", next(EXAMPLES.glob("2024-05-20-*.md")).read_text(encoding="utf-8")).split())
    # Lines of Korean text as poppler reads them (with their word spaces), contents page left out.
    body = [line for line in pdf_text(examples_pdf).splitlines()
            if re.search("[\uac00-\ud7af]", line) and len(line) > 12 and "..." not in line]
    assert body
    for line in body[:-1]:
        last = re.split(r"\s+", line.replace("\u2060", ""))[-1]
        assert last in words, line  # a whole word of the source, never a piece of one


def test_ruby_is_set_above_its_base(examples_pdf):
    _page, chars = next(body_chars(examples_pdf, "てつがく"))
    reading = [c for c in chars if c["text"] in "てつがく" and c["size"] < 7]
    assert len(reading) == 4
    left, right, bottom = min(c["x0"] for c in reading), max(c["x1"] for c in reading), max(c["bottom"] for c in reading)
    # The base 哲学 sits right under its reading, centred on it.
    base = [c for c in chars if c["text"] in "哲学" and c["size"] > 7 and 0 <= c["top"] - bottom < 6
            and c["x0"] < right and c["x1"] > left]
    assert len(base) == 2
    assert abs((left + right) / 2 - (base[0]["x0"] + base[1]["x1"]) / 2) < 2
