"""Front matter as Jekyll, Hugo and Hexo read it: the cases of their own tests and docs.

``fixtures/frontmatter_cases.json`` restates cases from the generators' test suites and
documentation (each names its source: jekyll/jekyll test/test_post.rb, gohugoio/hugo
hugolib/dates_test.go, hexojs/hexo test/scripts/processors/post.ts, hexojs/hexo-front-matter
test/index.ts...). Each case is a post written into a site of its generator with its
configuration, read through discovery as a user's build reads it, and compared with what the
generator makes of it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from converter.core.diagnostics import Diagnostics
from converter.core.options import ReadOptions
from converter.sources import discover, load_post
from converter.sources.frontmatter import escape_tabs
from converter.sources.generators import _hexo_split, split_post

from .conftest import FIXTURES

CASES = json.loads((FIXTURES / "frontmatter_cases.json").read_text(encoding="utf-8"))["cases"]
# Cases whose expectation is about something a book does not reproduce, with the reason.
NOT_APPLICABLE = {
    "hexo-D5": "Hexo falls back to the file's birth time; a book warns and takes the file-name date",
    "hexo-D9-offset": "released Hexo re-labels an offset; the written offset is honoured (hexo-front-matter#146)",
    "hexo-asset-img-7": "Hexo renders nothing for an unknown asset; a book shows a placeholder and warns",
}
# Expectation keys that describe the generator's internals, not a post's metadata.
IGNORED = {"category_names_in_order", "category_nodes", "hierarchy", "params.date", "aliases_resolved_multilingual_en",
           "date_hexo_released", "url_hexo_released", "date_intended", "published"}
DEFAULT_FILES = {"jekyll": "_posts/2020-01-01-case.md", "hexo": "source/_posts/case.md", "hugo": "content/posts/case.md"}


def _site(case: dict, tmp_path: Path, config: dict | None = None) -> Path:
    """The case's post inside a site of its generator; returns the post's path."""
    generator = case["generator"]
    root = tmp_path / "site"
    config = dict(case["config"] if config is None else config)
    config.pop("assets_of_post", None)
    if generator == "hugo":
        (root / "content").mkdir(parents=True)
        (root / "hugo.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    else:
        (root / ("source/_posts" if generator == "hexo" else "_posts")).mkdir(parents=True)
        (root / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    name = case["file"] or DEFAULT_FILES[generator]
    if generator == "hugo" and not name.startswith("content/"):
        name = "content/" + name
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    # An empty file is refused ("file is empty"); a body alone keeps the case's point.
    path.write_text(case["raw"] if case["raw"].strip() else "正文\n", encoding="utf-8")
    return path


def _read(path: Path):
    [found], errors = discover([str(path)])
    assert not errors
    post, diag = load_post(found, ReadOptions(drafts=True))
    return post, diag


def _wall(value: str) -> str:
    """The wall-clock time of an ISO date as 'YYYY-MM-DD HH:MM:SS' (a date alone is midnight)."""
    parsed = dt.datetime.fromisoformat(value) if "T" in value else dt.datetime.fromisoformat(value + "T00:00:00")
    return parsed.strftime("%Y-%m-%d %H:%M:%S")


def _path(url: str) -> str:
    return urlsplit(url).path


def _hexo_split_case(case: dict) -> None:
    expect = case["expect"]
    if "fm_text" in expect:
        front, body, _ = _hexo_split(case["raw"])
        assert (front, body) == (expect["fm_text"], expect["body"])
    if "escaped" in expect:
        assert escape_tabs(case["raw"]) == expect["escaped"]
    if "meta" in expect:
        meta, body, _ = split_post(case["raw"], Path("post.md"), "hexo", Diagnostics())
        assert meta == expect["meta"]
        if "body" in expect:
            assert body == expect["body"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_generator_case(case, tmp_path):
    if case["id"] in NOT_APPLICABLE:
        pytest.skip(NOT_APPLICABLE[case["id"]])
    expect = {k: v for k, v in case["expect"].items() if k not in IGNORED}
    if case["file"] is None and case["generator"] == "hexo" and ({"fm_text", "escaped"} & set(expect) or (
            "meta" in expect and "title" not in expect)):
        _hexo_split_case(case)
        return
    if "html" in expect:
        from converter.readers.ssg import rewrite
        from selectolax.lexbor import LexborHTMLParser

        got = LexborHTMLParser(rewrite(case["raw"], Diagnostics(), "foo")).css_first("img")
        want = LexborHTMLParser(expect["html"]).css_first("img")
        # Hexo writes the asset's site URL (/foo/bar); a book names it relative to the post's
        # file (_posts/foo/bar): the same file of the post's asset folder.
        assert unquote(got.attributes["src"]) == unquote(want.attributes["src"].removeprefix("/root").removeprefix("/"))
        for attribute in ("title", "alt", "width", "height"):
            if attribute in want.attributes:
                assert got.attributes[attribute] == want.attributes[attribute], attribute
        return
    if "paths_by_pattern" in expect:
        for pattern, path in expect["paths_by_pattern"].items():
            post, _ = _read(_site(case, tmp_path / pattern.replace("/", "_").replace(":", ""),
                                  {**case["config"], "permalink": pattern}))
            assert _path(post.meta.url).strip("/") == path.strip("/"), pattern
        return
    for key, zone_name in (("url_tz_utc", "UTC"), ("url_tz_shanghai", "Asia/Shanghai")):
        if key in expect:
            post, _ = _read(_site(case, tmp_path / zone_name.replace("/", "_"), {**case["config"], "timezone": zone_name}))
            assert _path(post.meta.url) == expect.pop(key)
    if not expect:
        return
    post, diag = _read(_site(case, tmp_path))
    meta = post.meta
    for key, value in expect.items():
        if key == "title":
            assert meta.title == value
        elif key == "categories":
            assert meta.categories == tuple(value)
        elif key == "category_paths":
            assert meta.categories == tuple(" / ".join(p) for p in value)
        elif key == "tags":
            assert meta.tags == tuple(value)
        elif key == "tags_unordered":
            assert set(meta.tags) == set(value)
        elif key == "date" or (key == "publishDate" and "date" not in expect):
            # Hugo's date chain: date, else publishDate.
            assert meta.date == (value or ""), (key, meta.date, [str(d) for d in diag])
        elif key == "publishDate":
            continue
        elif key in ("date_wall", "date_local"):
            assert _wall(meta.date) == value
        elif key == "updated_wall":
            if case["config"].get("updated_option") == "date":
                continue  # Hexo's updated_option is not read: an undated update stays unknown
            assert _wall(meta.updated) == value
        elif key in ("updated", "lastmod"):
            assert meta.updated == value
        elif key == "expiryDate":
            assert meta.expires == value
        elif key == "draft":
            assert meta.draft is value
        elif key == "slug":
            # Hugo's date handler sets no slug for a name without a date; the page keeps its
            # file's name then, as its URL does.
            undated = case["generator"] == "hugo" and case["expect"].get("date", "") is None
            assert meta.slug == (value or (Path(case["file"]).stem if undated else ""))
        elif key in ("url", "path"):
            assert _path(meta.url) == value
        elif key == "output_file":
            assert _path(meta.url).lstrip("/") == value
        elif key == "params":
            assert meta.authors == (value["author"],)
        elif key == "aliases_resolved_monolingual":
            assert [_path(a).rstrip("/") for a in meta.aliases] == [v.rstrip("/") for v in value]
        elif key in ("meta", "body", "fm_text"):
            continue  # the split cases above
        else:
            raise AssertionError(f"case key {key!r} is not checked")


def test_hexo_nested_categories_are_one_path_each():
    from converter.sources.generators import hexo_category_paths

    assert hexo_category_paths([["Linux", "Kernel"]]) == ["Linux / Kernel"] == hexo_category_paths(["Linux", "Kernel"])
    assert hexo_category_paths([["Linux"], ["Kernel"]]) == ["Linux", "Kernel"]
    assert hexo_category_paths(["vps"]) == ["vps"] == hexo_category_paths([["vps"]])


def test_tab_indented_front_matter_is_read_with_a_warning(tmp_path):
    case = {"generator": "hexo", "config": {}, "file": None, "raw": "---\ntitle: 制表符\ntags:\n\t- 甲\n\t- 乙\n---\n正文"}
    post, diag = _read(_site(case, tmp_path / "hexo"))
    assert (post.meta.title, post.meta.tags) == ("制表符", ("甲", "乙"))
    assert [d.code for d in diag] == ["front-matter-tabs"]
    # A file of no known site is read the same way; Hugo refuses it, as Hugo does.
    loose = tmp_path / "loose" / "post.md"
    loose.parent.mkdir()
    loose.write_text(case["raw"], encoding="utf-8")
    post, diag = _read(loose)
    assert post.meta.tags == ("甲", "乙") and [d.code for d in diag] == ["front-matter-tabs"]
    hugo = _site({**case, "generator": "hugo"}, tmp_path / "hugo")
    from converter.core.errors import FrontMatterError
    with pytest.raises(FrontMatterError, match="tabs"):
        _read(hugo)


def test_jekyll_reads_broken_yaml_without_front_matter(tmp_path):
    case = {"generator": "jekyll", "config": {}, "file": "_posts/2019-03-07-broken.md",
            "raw": "---\ntitle: [unclosed\n---\n正文还在。\n"}
    post, diag = _read(_site(case, tmp_path))
    assert post.body.strip() == "正文还在。" and post.meta.title == "Broken" and post.meta.date == "2019-03-07"
    assert [d.code for d in diag] == ["bad-front-matter"]


def test_site_configuration_gives_addresses_and_zone(tmp_path):
    # Jekyll: url + baseurl; the date's day in the site's zone decides the address.
    case = {"generator": "jekyll", "file": "_posts/2018-06-10-some-post.md",
            "config": {"url": "https://ex.com", "baseurl": "/blog", "permalink": "pretty", "timezone": "Asia/Shanghai"},
            "raw": "---\ntitle: Some Post\ncategories: [Tech]\ndate: 2018-06-10 01:00:00 +0800\n---\nx\n"}
    post, _ = _read(_site(case, tmp_path / "jekyll"))
    assert post.meta.url == "https://ex.com/blog/tech/2018/06/10/some-post/"
    assert "https://ex.com/tech/2018/06/10/some-post/" in post.meta.aliases  # the base path forgotten
    # Hexo: an offset-less date is wall-clock time in the configured zone.
    case = {"generator": "hexo", "file": "source/_posts/时区.md", "config": {"url": "https://hexo.example.org/blog",
            "timezone": "Asia/Shanghai"}, "raw": "---\ntitle: 时区\ndate: 2020-09-29 23:00:00\n---\nx\n"}
    post, _ = _read(_site(case, tmp_path / "hexo"))
    assert post.meta.date == "2020-09-29T23:00:00+08:00"
    assert post.meta.url == "https://hexo.example.org/blog/2020/09/29/时区/"
    # The timezone setting is used where the site gives none.
    case = {"generator": "hugo", "file": "content/posts/x.md", "config": {"baseURL": "https://h.example.org/"},
            "raw": "---\ntitle: X\ndate: 2021-07-10 15:28:01\n---\nx\n"}
    path = _site(case, tmp_path / "hugo")
    [found], _ = discover([str(path)])
    post, _ = load_post(found, ReadOptions(timezone="America/Antigua"))
    assert post.meta.date == "2021-07-10T15:28:01-04:00" and post.meta.url == "https://h.example.org/posts/x/"


def test_hugo_expired_posts_are_left_out_unless_asked(tmp_path):
    from converter.assemble.books import assemble
    from converter.core.options import BookOptions, Filters
    from converter.pipeline import read_one

    posts = []
    for name, extra in (("live", ""), ("gone", "expiryDate: 2020-01-01\n")):
        case = {"generator": "hugo", "file": f"content/posts/{name}.md", "config": {},
                "raw": f"---\ntitle: {name}\ndate: 2019-01-01\n{extra}---\n正文。\n"}
        path = _site(case, tmp_path / name)
        [found], _ = discover([str(path)])
        posts.append(read_one(found, ReadOptions()).doc)
    diag = Diagnostics()
    [book] = assemble(posts, BookOptions(), "x", diag)
    assert [d.meta.title for d in book.chapters] == ["live"] and [d.code for d in diag] == ["expired"]
    [book] = assemble(posts, BookOptions(filters=Filters(expired=True)), "x")
    assert len(book.chapters) == 2


def test_jekyll_front_matter_defaults(tmp_path):
    # jekyll test_post "site config with category(ies)": defaults apply; the post's own wins.
    config = {"defaults": [{"scope": {"path": ""}, "values": {"categories": ["article"], "author": "林小雨"}},
                           {"scope": {"path": "_posts/notes", "type": "posts"}, "values": {"lang": "ja"}},
                           {"scope": {"path": "", "type": "pages"}, "values": {"author": "nobody"}}]}
    own = {"generator": "jekyll", "config": config, "file": "_posts/2020-01-01-own.md",
           "raw": "---\ncategories: foo bar baz\n---\nx\n"}
    post, _ = _read(_site(own, tmp_path / "a"))
    assert post.meta.categories == ("foo", "bar", "baz") and post.meta.authors == ("林小雨",)
    plain = {**own, "file": "_posts/notes/2020-01-02-plain.md", "raw": "---\ntitle: x\n---\nx\n"}
    post, _ = _read(_site(plain, tmp_path / "b"))
    assert post.meta.categories == ("article",) and post.meta.lang == "ja"


def test_a_site_named_by_a_relative_path_is_walked_as_its_generator_does(tmp_path, monkeypatch):
    case = {"generator": "hexo", "config": {"post_asset_folder": True}, "file": "source/_posts/a.md",
            "raw": "---\ntitle: A\n---\nx\n"}
    _site(case, tmp_path)
    (tmp_path / "site" / "source" / "_posts" / "a" / "note.md").parent.mkdir()
    (tmp_path / "site" / "source" / "_posts" / "a" / "note.md").write_text("an asset", encoding="utf-8")
    (tmp_path / "site" / "source" / "about.md").write_text("a page, not a post", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found, errors = discover(["site"])
    assert not errors and [f.path.name for f in found] == ["a.md"] and found[0].site.generator == "hexo"


def test_an_impossible_timestamp_is_a_warning_not_a_refused_post(tmp_path):
    # It has a YAML timestamp's shape, so the loader used to raise while building it (found
    # by make fuzz): the post is kept, the field warns, a later valid date wins.
    post_file = tmp_path / "post.md"
    post_file.write_text("---\ntitle: 日期\ndate: 2020-13-45T99:99:99\n---\n正文", encoding="utf-8")
    post, diag = _read(post_file)
    assert post.meta.title == "日期" and post.meta.date == ""
    assert [d.code for d in diag] == ["bad-date"]
    post_file.write_text("---\ndate: 2020-13-45T99:99:99\ndate: 2020-07-05\n---\n正文", encoding="utf-8")
    post, diag = _read(post_file)
    assert post.meta.date == "2020-07-05" and not list(diag)
