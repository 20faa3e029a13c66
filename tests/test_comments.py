"""Comment threads and spam link walls, found by their shape in any CMS and language, and the
author's own text kept: the posts of fixtures/fidelity.json (the same expectations that
bench/fidelity.py holds posts from outside the dev corpus to), read as ``build`` reads them."""

from __future__ import annotations

import json

import pytest

from converter.core.model import Document, Meta
from converter.core.options import CleanupOptions, ReadOptions
from converter.pipeline import read_all
from converter.readers.html import read_html
from converter.sources import discover
from converter.writers.plaintext import document_text

from .conftest import FIXTURES, run_converter

EXPECT = json.loads((FIXTURES / "fidelity.json").read_text(encoding="utf-8"))["posts"]
HTML_POSTS = [case for case in EXPECT if case["file"].endswith(".html")]


def _read(case: dict):
    found, errors = discover([str(FIXTURES / case["file"])])
    assert not errors
    [result] = read_all(found, ReadOptions(), jobs=1)
    assert result.error is None, result.error
    return result


@pytest.mark.parametrize("case", HTML_POSTS, ids=[c["file"].rsplit("/", 1)[1] for c in HTML_POSTS])
def test_threads_go_and_the_article_stays(case):
    result = _read(case)
    text = result.doc.meta.title + "\n" + document_text(result.doc)
    for phrase in case["kept"]:
        assert phrase in text, f"lost {phrase!r}"
    for phrase in case["gone"]:
        assert phrase not in text, f"kept {phrase!r}:\n{text}"
    reported = {d.code for d in result.diagnostics if d.severity == "info"}
    assert set(case["rules"]) <= reported
    if not case["rules"]:
        assert not reported & {"generic.comment-threads", "generic.spam-links", "generic.comments"}


def test_the_rule_reports_each_comment_and_can_be_switched_off():
    case = next(c for c in HTML_POSTS if c["file"].endswith("drupal-zh.html"))
    result = _read(case)
    [info] = [d for d in result.diagnostics if d.code == "generic.comment-threads"]
    assert info.message.startswith("3, first: 'Anonymous (未验证) 星期二, 06/04/2019")
    html = (FIXTURES / case["file"]).read_text(encoding="utf-8")
    blocks = read_html(html, cleanup=CleanupOptions(disabled=frozenset({"generic.comment-threads"})))
    assert "谢谢分享" in document_text(Document(result.doc.meta, blocks))
    proc = run_converter("inspect", "--report", str(FIXTURES / case["file"]))
    assert "removed  generic.comment-threads        3, first: 'Anonymous (未验证)" in proc.stderr


def test_essays_in_a_comment_section_are_the_article():
    essay = "This is a considered response to the question, written at length by an invited expert. " * 12
    items = "".join(f'<div class="comment"><p class="author">Expert {i}</p><p>June {i + 1}, 2020</p>'
                    f'<p><a href="/comment/{i}#comment-{i}">Permalink</a></p><p>{essay}</p></div>' for i in range(4))
    html = f"<p>Four experts answer one question.</p><h2>Comments</h2><div>{items}</div>"
    text = document_text(Document(Meta(title="t"), read_html(html, cleanup=CleanupOptions())))
    assert text.count("considered response") >= 4 and "Expert 3" in text
