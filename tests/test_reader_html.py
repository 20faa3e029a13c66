"""HTML reader: fixture cases (HTML in, model JSON out) and robustness properties."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.core.diagnostics import Diagnostics
from converter.core.model import Document, Meta, Paragraph, from_json, to_json
from converter.core.urls import absolute_url
from converter.readers.html import read_html

from .conftest import FIXTURES
from .fixture_file import read_cases, write_cases

BASE = "https://news.example.org/2024/05/post.html"
CASES_FILE = FIXTURES / "html_reader.txt"
CASES = read_cases(CASES_FILE)


def render(source: str) -> str:
    return "\n".join(to_json(b) for b in read_html(source, base_url=BASE, diag=Diagnostics()))


@pytest.mark.parametrize("case", CASES, ids=[c.title for c in CASES])
def test_fixture(case, update_golden):
    got = render(case.source)
    if update_golden:
        case.expected = got
        write_cases(CASES_FILE, CASES)
        return
    assert got == case.expected, f"{CASES_FILE}:{case.line}: {case.title}"


def test_fixtures_round_trip_through_json():
    for case in CASES:
        blocks = read_html(case.source, base_url=BASE)
        doc = Document(Meta(title="t"), blocks)
        assert from_json(to_json(doc)) == doc


@pytest.mark.parametrize("url,expected", [
    ("javascript:alert(1)", ""),
    ("JaVaScRiPt:alert(1)", ""),
    ("file:///etc/passwd", ""),
    ("data:text/html,<script>", ""),
    ("vbscript:x", ""),
    ("//cdn.example.org/a.png", "https://cdn.example.org/a.png"),
    ("../b.html", "https://news.example.org/2024/b.html"),
    ("#frag", "#frag"),
    ("mailto:a@example.org", "mailto:a@example.org"),
])
def test_absolute_url(url, expected):
    assert absolute_url(url, BASE) == expected


def test_deep_nesting_is_bounded():
    html = "<div>" * 5000 + "深处的文字" + "</div>" * 5000
    diag = Diagnostics()
    blocks = read_html(html, diag=diag)
    assert "深处的文字" in json.dumps([to_json(b) for b in blocks], ensure_ascii=False)


def test_whitespace_never_joins_korean_words():
    blocks = read_html("<p>서울의\n골목길을 <b>걷다</b></p>")
    assert blocks == (Paragraph(blocks[0].content),)
    assert "서울의 골목길을 " in to_json(blocks[0])


_html_chars = st.sampled_from(list("<>/=\"' \n\tab中文。、，ア한&;#") + [
    "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<br>", "<img src=x>", "<a href='#fn1'>", "</a>",
    "<sup>", "</sup>", "<li id=fn1>", "<ul>", "<table><tr><td>", "<pre>", "</pre>", "<ruby>", "<rt>",
    "&nbsp;", "&amp;#x4E2D;", "<!--", "-->", "<script>", "</script>", "\x00", "\u3000"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_html_chars, max_size=60).map("".join))
def test_never_raises_and_round_trips(html):
    blocks = read_html(html, base_url=BASE)
    doc = Document(Meta(), blocks)
    assert from_json(to_json(doc)) == doc
