"""Sources: discovery, decoding, front matter in three syntaxes, field normalization."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.core.errors import FrontMatterError, SourceError
from converter.core.options import ReadOptions
from converter.sources import Discovered, discover, load_post
from converter.sources.feedheader import split_feed_header


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def load(path: Path, **opts):
    return load_post(Discovered(path, path.parent), ReadOptions(**opts))


def test_discover_files_folders_globs_in_order(tmp_path):
    write(tmp_path, "posts/b.md", "b")
    write(tmp_path, "posts/sub/a.markdown", "a")
    write(tmp_path, "posts/c.html", "<p>c</p>")
    write(tmp_path, "posts/notes.txt", "no")
    write(tmp_path, "posts/.hidden/d.md", "hidden")
    write(tmp_path, "other/e.md", "e")
    found, errors = discover([str(tmp_path / "posts"), str(tmp_path / "other" / "*.md"),
                              str(tmp_path / "posts" / "b.md"), str(tmp_path / "missing")])
    names = [f.path.name for f in found]
    assert names == ["b.md", "c.html", "a.markdown", "e.md"]
    assert found[0].root == tmp_path / "posts"
    assert len(errors) == 1 and "missing" in str(errors[0])


def test_yaml_front_matter_fields(tmp_path):
    path = write(tmp_path, "2020-05-16-slug-here.md", """---
title: "美媒曝北京 &amp; 马云   能拒绝吗？"
date: 2021-01-06T20:27:10.000Z
author: A, B &#38; more
from: https://www.rfa.org/a.html
tags: [ 自由亚洲电台 ]
categories: 新闻, 评论
comments: True
---
body
""")
    post, diag = load(path)
    meta = post.meta
    assert meta.title == "美媒曝北京 & 马云 能拒绝吗？"
    assert meta.date == "2021-01-06T20:27:10+00:00"
    assert meta.authors == ("A, B & more",)
    assert meta.source_url == "https://www.rfa.org/a.html"
    assert meta.tags == ("自由亚洲电台",)
    assert meta.categories == ("新闻", "评论")
    assert meta.slug == "slug-here"
    assert dict(meta.extra) == {"comments": "true"}
    assert post.body_format == "markdown"
    assert not diag.items


def test_toml_and_json_front_matter(tmp_path):
    toml = write(tmp_path, "t.md", '+++\ntitle = "茶"\ndate = 2024-07-12T15:00:00+08:00\nauthors = ["王子墨"]\n+++\n正文\n')
    post, _ = load(toml)
    assert (post.meta.title, post.meta.date, post.meta.authors) == ("茶", "2024-07-12T15:00:00+08:00", ("王子墨",))
    js = write(tmp_path, "j.md", '{\n"title": "JSON 标题",\n"lang": "zh-hant"\n}\n正文\n')
    post, _ = load(js)
    assert (post.meta.title, post.meta.lang) == ("JSON 标题", "zh-Hant")


def test_date_from_file_name_and_other_keys(tmp_path):
    post, _ = load(write(tmp_path, "2019-10-14-.md", "---\ntitle: x\n---\nbody"))
    assert post.meta.date == "2019-10-14"
    post, _ = load(write(tmp_path, "x.md", "---\npubdate: 2018-02-03 10:00:00 +0800\n---\nbody"))
    assert post.meta.date == "2018-02-03T10:00:00+08:00"
    post, diag = load(write(tmp_path, "2020-01-02-y.md", "---\ndate: someday\n---\nbody"))
    assert post.meta.date == "2020-01-02"
    assert [d.code for d in diag] == ["bad-date"]


def test_drafts_skipped_unless_asked(tmp_path):
    path = write(tmp_path, "d.md", "---\ntitle: d\ndraft: true\n---\nbody")
    assert load(path)[0] is None
    assert load(path, drafts=True)[0].meta.draft
    unpublished = write(tmp_path, "u.md", "---\ntitle: u\npublished: false\n---\nbody")
    assert load(unpublished)[0] is None


def test_feed_header_is_metadata_not_body(tmp_path):
    seed = (Path(__file__).parent.parent / "examples" / "posts" / "2021-01-06-美媒曝北京要分享蚂蚁大数据.md")
    post, _ = load(seed)
    assert post.body_format == "html"
    assert post.body.lstrip().startswith("<div>")
    assert post.meta.source_url.startswith("https://www.rfa.org/")
    header, rest = split_feed_header("<!--NaN-->\n[标题 [video]](https://x.org/a)\n------\n\n<div>x</div>")
    assert header.title == "标题 [video]" and header.url == "https://x.org/a" and header.date == ""
    assert rest.strip() == "<div>x</div>"


def test_html_body_detection(tmp_path):
    assert load(write(tmp_path, "a.md", "---\ntitle: a\n---\n<article>\n <p>x</p>\n</article>\n"))[0].body_format == "html"
    assert load(write(tmp_path, "b.md", "---\ntitle: b\n---\n<div>intro</div>\n\nThen *markdown*.\n"))[0].body_format == "markdown"
    assert load(write(tmp_path, "c.html", "<p>x</p> tail"))[0].body_format == "html"
    assert load(write(tmp_path, "d.md", "---\nformat: html\n---\nplain"))[0].body_format == "html"


@pytest.mark.parametrize("name,content,message", [
    ("broken.md", "---\ntitle: [unclosed\n---\nbody", "broken YAML front matter at line 2"),
    ("tabs.md", "---\ntitle: x\n\tdate: 2020\n---\nbody", "YAML does not allow tabs"),
    ("list.md", "---\n- a\n- b\n---\nbody", "front matter must be a mapping"),
    ("empty.md", "", "file is empty"),
    ("blank.md", "  \n\n", "file is empty"),
    ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("gbk.md", "---\ntitle: 标题\n---\n中文正文".encode("gb18030"), "not valid UTF-8"),
    ("badtoml.md", "+++\ntitle = \n+++\nbody", "broken TOML front matter"),
    ("unclosed.md", "---\ntitle: x\nbody without end", "not closed"),
])
def test_bad_input_is_a_clear_error(tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    with pytest.raises(SourceError) as info:
        load(path)
    text = str(info.value)
    assert text.startswith(str(path)), text
    assert message in text


def test_legacy_encoding_hint(tmp_path):
    path = write(tmp_path, "big5.md", "---\ntitle: 標題\n---\n繁體中文正文".encode("big5"))
    with pytest.raises(SourceError, match="iconv"):
        load(path)


def test_bom_crlf_and_invalid_characters(tmp_path):
    path = write(tmp_path, "bom.md", b"\xef\xbb\xbf---\r\ntitle: \"a\x08b\"\r\n---\r\nline\x0bone\r\n")
    post, diag = load(path)
    assert post.meta.title == "ab"
    assert "\r" not in post.body and "\x0b" not in post.body
    assert [d.code for d in diag] == ["invalid-characters"]


def test_front_matter_error_type(tmp_path):
    with pytest.raises(FrontMatterError):
        load(write(tmp_path, "x.md", "---\ntitle: [unclosed\n---\nbody"))


def test_a_field_of_an_unexpected_kind_is_a_warning_and_a_fallback(tmp_path):
    post, diag = load(write(tmp_path, "2020-01-02-fallback.md", "---\ntitle: [a, b]\ndraft: maybe\n"
                                                                 "date: [2020]\nauthor: {name: x}\n---\nbody"))
    assert post is not None and not post.meta.draft
    assert post.meta.title == "" and post.meta.date == "2020-01-02" and post.meta.authors == ("x",)
    messages = " ".join(d.message for d in diag)
    assert [d.code for d in diag] == ["bad-field", "bad-date", "bad-field"], messages
    assert "'title' should be text, not a list" in messages and "'draft' should be true or false" in messages


def test_dates_from_page_bundles_and_path_segments(tmp_path):
    post, _ = load(write(tmp_path, "content/posts/2020-05-16-bundle/index.md", "---\ntitle: b\n---\nbody"))
    assert (post.meta.date, post.meta.slug) == ("2020-05-16", "bundle")
    post, _ = load(write(tmp_path, "blog/2019/03/07/hello.md", "---\ntitle: h\n---\nbody"))
    assert (post.meta.date, post.meta.slug) == ("2019-03-07", "hello")
