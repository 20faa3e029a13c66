"""Hostile and broken input: each case is a way a crafted or damaged post could hang the
tool, exhaust memory, or take other outputs down with it."""

from __future__ import annotations

import json
import time

import pytest

from converter import pipeline
from converter.assemble.grouping import date_key
from converter.core import limits
from converter.core.diagnostics import Diagnostics
from converter.core.model import Document, Meta, Note, Paragraph, Text, to_json
from converter.core.options import BuildOptions, ReadOptions
from converter.readers.html import read_html
from converter.readers.markdown import read_markdown
from converter.resources import Unavailable
from converter.resources.svg import sanitize
from converter.sources import Discovered, load_post
from converter.transforms import Context
from converter.transforms.language import tag_runs
from converter.writers.ziputil import ZIP_EPOCH, zip_time

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}</svg>'


def _notes(blocks) -> list[Note]:
    found = []

    def walk(value):
        if isinstance(value, Note):
            found.append(value)
        if isinstance(value, tuple):
            for item in value:
                walk(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                walk(getattr(value, name))

    walk(blocks)
    return found


def test_svg_use_chains_cannot_explode():
    levels = ['<g id="l0"><rect width="1" height="1"/></g>']
    for i in range(1, 7):  # 10^6 rectangles once drawn, from a file of a few hundred bytes
        levels.append(f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>")
    bomb = SVG.format("<defs>" + "".join(levels) + '</defs><use href="#l6"/>').encode()
    start = time.monotonic()
    with pytest.raises(Unavailable, match="expands"):
        sanitize(bomb)
    assert time.monotonic() - start < 2
    with pytest.raises(Unavailable):
        sanitize(SVG.format('<g id="a"><use href="#a"/></g>').encode())  # a cycle
    ordinary = SVG.format('<g id="a"><rect width="1" height="1"/></g>' + '<use href="#a"/>' * 50).encode()
    assert sanitize(ordinary)[1:] == (10, 10)


def test_svg_css_escapes_cannot_spell_external_urls():
    clean, _w, _h = sanitize(SVG.format(
        '<style>rect { fill: \\75rl(http://tracker.example/x) }</style><rect width="1" height="1"/>').encode())
    assert b"tracker.example" not in clean
    clean, _w, _h = sanitize(SVG.format('<g xml:base="http://tracker.example/"><rect/></g>').encode())
    assert b"tracker.example" not in clean


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+05:00", "9999-12-31", "99999999999999999",
                                   "2020", "1e300", "-62135596800"])
def test_impossible_dates_are_dropped_with_a_warning(tmp_path, value):
    path = tmp_path / "p.md"
    path.write_text(f"---\ntitle: t\ndate: {value}\n---\nbody", encoding="utf-8")
    post, diag = load_post(Discovered(path, tmp_path), ReadOptions())
    assert post.meta.date == ""
    assert [d.code for d in diag.items] == ["bad-date"]


def test_dates_far_out_do_not_overflow_ordering_or_zip():
    assert date_key("0001-01-01T00:00:00+05:00").year == 9999
    assert zip_time("2200-01-01") == ZIP_EPOCH and zip_time("1970-01-01") == ZIP_EPOCH
    assert zip_time("2020-05-06T07:08:09") == (2020, 5, 6, 7, 8, 9)


def test_repeated_citations_of_one_note_stay_linear():
    # 2,000 citations of one long note: a copy at each would be 2,000 x 3 KB of model.
    note = "注" * 3_000
    html = "<p>" + '<sup><a href="#fn1">1</a></sup>' * 2000 + f'</p><ol><li id="fn1">{note}</li></ol>'
    start = time.monotonic()
    blocks = read_html(html, diag=Diagnostics())
    assert time.monotonic() - start < 10
    assert len(_notes(blocks)) == 1
    assert len(json.dumps([to_json(b) for b in blocks], ensure_ascii=False)) < 1_000_000  # 2,000 copies: 6 MB+


def test_notes_citing_notes_are_set_one_level_deep():
    html = ('<p>正文<sup><a href="#fn1">1</a></sup></p><ol>'
            '<li id="fn1">第一注<sup><a href="#fn2">2</a></sup></li>'
            '<li id="fn2">第二注<sup><a href="#fn1">1</a></sup></li></ol>')
    blocks = read_html(html, diag=Diagnostics())
    notes = _notes(blocks)
    assert len(notes) == 1
    assert not _notes(notes[0].blocks)
    text = json.dumps([to_json(b) for b in blocks], ensure_ascii=False)
    assert "第一注" in text and "第二注" in text  # nothing lost: the inner note stays as text


def test_a_slow_post_is_skipped_not_waited_for(tmp_path, monkeypatch):
    for name in ("slow.md", "fine.md"):
        (tmp_path / name).write_text(f"---\ntitle: {name}\n---\n正文", encoding="utf-8")
    real = pipeline.load_post

    def load(found, options):
        if found.path.name == "slow.md":
            time.sleep(5)
        return real(found, options)

    monkeypatch.setattr(pipeline, "load_post", load)
    results = pipeline.read_all(list(map(lambda p: Discovered(p, tmp_path), sorted(tmp_path.iterdir()))),
                                ReadOptions(time_limit=0.5), jobs=1)
    by_name = {r.path.name: r for r in results}
    assert by_name["fine.md"].doc is not None
    assert by_name["slow.md"].doc is None and "longer than 0.5 s" in str(by_name["slow.md"].error)
    with pytest.raises(limits.TimeLimitExceeded):
        with limits.time_limit(0.2):
            time.sleep(2)


def test_a_writer_bug_costs_only_its_own_output(tmp_path, monkeypatch):
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: 文章\n---\n正文。", encoding="utf-8")
    from converter.writers import WRITERS

    def broken(book, path, ctx):
        raise KeyError("boom")

    monkeypatch.setattr(WRITERS["txt"], "write", broken)
    out = tmp_path / "out"
    report = pipeline.build((str(post),), BuildOptions(output_dir=out, formats=("txt", "html")))
    assert [p.suffix for p in report.outputs] == [".html"]
    (failure,) = report.failures
    assert "internal error while writing txt" in str(failure) and failure.path == str(out / "文章.txt")
    assert sorted(p.name for p in out.iterdir()) == ["文章.html"]  # no temporary file left behind


def test_table_spans_are_cut_to_the_grid():
    row = "<tr>" + '<td colspan="1000" rowspan="1000">格</td>' * 50 + "</tr>"
    (table,) = read_html(f"<table>{row * 3}</table>", diag=Diagnostics())
    assert [sum(c.colspan for c in r.cells) for r in table.body] == [64 + 49] * 3
    assert [max(c.rowspan for c in r.cells) for r in table.body] == [3, 2, 1]


@pytest.mark.parametrize("text", [
    "{{< x " * 20_000, "$$ a\n" * 20_000, "\\[ a\n" * 20_000, "{% raw %}" * 20_000,
    "{% highlight py %}" * 10_000, "{% comment %}" * 20_000, "[" * 100_000, "*a " * 30_000,
])
def test_markdown_sources_read_in_linear_time(text):
    # Each of these took from 3 s to 30 s per 100 KB before the patterns were tempered; a
    # generous bound keeps this a test of "no blow-up", not of speed.
    start = time.monotonic()
    read_markdown(text, diag=Diagnostics())
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("text", ["a" + "'-" * 30_000 + "。", "a " + "a-" * 30_000, "a-" * 30_000])
def test_language_runs_read_in_linear_time(text):
    doc = Document(Meta(title="t", lang="zh-Hans"), (Paragraph((Text("中文" + text),)),))
    start = time.monotonic()
    tag_runs(doc, Context(ReadOptions(), Diagnostics()))
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:void", "data:text/html,x"])
def test_feed_header_links_must_be_web_addresses(tmp_path, url):
    path = tmp_path / "p.md"
    path.write_text(f"<!--1577923200-->\n[标题]({url})\n------\n\n<div>正文</div>", encoding="utf-8")
    post, _diag = load_post(Discovered(path, tmp_path), ReadOptions())
    assert post.meta.title == "标题" and post.meta.source_url == "" and post.meta.date.startswith("2020-01-02")


@pytest.mark.parametrize("url, expected", [
    # Found by the fuzz run: markup cut into a front-matter URL made an href EPUBCheck refuses.
    ("https://x.org/%e8%9a<![CDATA[%84/", "https://x.org/%e8%9a%3C!%5BCDATA%5B%84/"),
    ('https://x.org/a b"c', "https://x.org/a%20b%22c"),
    ("http://https：//x.org/", ""),
    # Character references to no character (&#0;, a surrogate, past U+10FFFF) unescape to
    # U+FFFD, which no IRI may hold; letters of any script stay as they are.
    ("https://x.org/at&#0;&#xD800;&#x110000;om/中文", "https://x.org/at%EF%BF%BD%EF%BF%BD%EF%BF%BDom/中文"),
])
def test_front_matter_source_urls_are_clean_uris(tmp_path, url, expected):
    path = tmp_path / "p.md"
    path.write_text(f"---\ntitle: t\nfrom: '{url}'\n---\n正文\n", encoding="utf-8")
    post, _diag = load_post(Discovered(path, tmp_path), ReadOptions())
    assert post.meta.source_url == expected


def test_many_comments_before_the_body_are_read_at_once(tmp_path):
    # Found by the fuzz run: 50 comments in a row made the HTML-or-Markdown check backtrack
    # for hours (a 6 KB post).
    path = tmp_path / "p.md"
    path.write_text("---\ntitle: t\n---\n" + "<!--1574747263000-->" * 50 + "\n[x](y)\n", encoding="utf-8")
    start = time.monotonic()
    post, _diag = load_post(Discovered(path, tmp_path), ReadOptions())
    assert time.monotonic() - start < 2
    assert post.body_format == "markdown"
