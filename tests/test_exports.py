"""New sources end to end: a WordPress export (WXR), RSS 2.0 and Atom feeds from files and from
a URL (a local HTTP server), each read into the same posts as files and built into books."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.core.model import CodeBlock, Figure, Link, from_json, to_json
from converter.core.options import ReadOptions
from converter.core.tree import iter_tree
from converter.pipeline import read_all
from converter.sources import discover
from converter.sources.wordpress import wpautop

from .conftest import FIXTURES, assert_epubcheck_clean, pdf_text, run_converter
from .httpserver import Route, Server
from .imagefiles import png
from .test_sites import chapters

SOURCES = FIXTURES / "sources"
WXR = SOURCES / "sample-wxr.xml"
RSS = SOURCES / "sample-rss.xml"
ATOM = SOURCES / "sample-atom.xml"


def read(path: Path, **options) -> list:
    found, errors = discover([str(path)])
    assert not errors
    return read_all(found, ReadOptions(**options), jobs=1)


def docs_of(path: Path, **options) -> dict:
    return {r.doc.meta.title: r.doc for r in read(path, **options) if r.doc is not None}


# -- WordPress


def test_wpautop_as_wordpress_writes_it():
    assert wpautop("Line one\nline two\n\nSecond para") == "<p>Line one<br />\nline two</p>\n<p>Second para</p>\n"
    assert wpautop("Intro\n<h2>Title</h2>\nMore text") == "<p>Intro</p>\n<h2>Title</h2>\n<p>More text</p>\n"
    assert "<p>" not in wpautop("<ul>\n\t<li>A</li>\n\t<li>B</li>\n</ul>")
    assert wpautop("<pre>\n$ ls\n\nfoo\n</pre>").startswith("<pre>\n$ ls\n\nfoo\n</pre>")


def test_wxr_posts_pages_statuses():
    results = read(WXR)
    kept = {r.doc.meta.title for r in results if r.doc is not None}
    assert kept == {"上海外滩夜游", "在东京的第一周", "关于我"}  # published posts and pages
    assert sum(1 for r in results if r.doc is None and r.error is None) == 2  # the draft and the private post
    assert set(docs_of(WXR, drafts=True, private=True)) == kept | {"草稿：苏州园林", "非公開メモ"}
    assert set(docs_of(WXR, wordpress_types=("post",))) == {"上海外滩夜游", "在东京的第一周"}


def test_wxr_fields_dates_categories_authors():
    docs = docs_of(WXR)
    bund, tokyo = docs["上海外滩夜游"].meta, docs["在东京的第一周"].meta
    # post_date is the site's wall clock, post_date_gmt the instant: the post's own offset.
    assert bund.date == "2018-06-10T21:30:00+08:00" and tokyo.date == "2018-06-11T00:30:00+08:00"
    assert bund.updated == "2018-06-12T10:02:11+08:00"
    assert bund.categories == ("旅行 / 上海之行",) and bund.tags == ("上海", "夜景")
    assert bund.authors == ("林小雨",) and tokyo.authors == ("Tom Baker",)
    assert bund.url.startswith("https://blog.example.com/2018/06/10/") and "https://blog.example.com/?p=41" in bund.aliases
    assert docs["关于我"].meta.source_path.endswith("sample-wxr.xml#page-2")


def test_wxr_content_shortcodes_and_attachments():
    doc = docs_of(WXR)["上海外滩夜游"]
    figures = [b for b in doc.blocks if isinstance(b, Figure)]
    captions = ["".join(t.text for t in f.caption) for f in figures]
    assert captions == ["从外白渡桥望向陆家嘴", "旧式写法：说明写在属性里", "外滩的夜景"]
    # The gallery's image is the attachment's file, with the attachment's alt text.
    assert figures[2].image.src == "https://blog.example.com/wp-content/uploads/2018/06/shanghai-bund.jpg"
    assert figures[2].image.alt == "外滩夜景"
    [code] = [b for b in doc.blocks if isinstance(b, CodeBlock)]
    assert code.text == "$ exiftool shanghai-bund.jpg\n\nAperture : 2.8\nISO      : 800"
    text = to_json(doc)
    assert "[gallery]" in text and "[[gallery]]" not in text and "[caption" not in text and "<!--more" not in text
    assert '"Embed", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in text


def test_wxr_versions_and_broken_exports(tmp_path):
    old = tmp_path / "old.xml"
    old.write_text(WXR.read_text(encoding="utf-8").replace("export/1.2/", "export/1.0/"), encoding="utf-8")
    assert set(docs_of(old)) == {"上海外滩夜游", "在东京的第一周", "关于我"}
    broken = tmp_path / "broken.xml"
    broken.write_text("<?xml version='1.0'?>\n<rss><channel><title>x</title>", encoding="utf-8")
    found, errors = discover([str(broken)])
    assert not found and len(errors) == 1 and str(errors[0]).startswith(f"{broken}: ")
    other = tmp_path / "sitemap.xml"
    other.write_text("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>x</loc></url></urlset>")
    found, errors = discover([str(other)])
    assert "not a WordPress export, an RSS or an Atom feed" in str(errors[0])


@pytest.fixture(scope="module")
def wxr_book(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wxr")
    proc = run_converter("build", str(WXR), "-o", str(out), "-f", "epub,pdf,docx", "--offline", "--group", "category")
    assert proc.returncode == 0, proc.stderr
    assert "3 post(s), 3 file(s) written, 2 unpublished post(s) skipped" in proc.stderr
    return {p.suffix[1:]: p for p in out.iterdir() if p.suffix in (".epub", ".pdf", ".docx")} | {"stderr": proc.stderr}


def test_wxr_book_epub(wxr_book):
    assert wxr_book["epub"].stem == "山海笔记"  # the export's site title
    assert_epubcheck_clean(wxr_book["epub"])
    docs, parts = chapters(wxr_book["epub"])
    assert parts[:2] == ["旅行 / 上海之行", "随笔"] and len(parts) == 3  # the page has no category: last
    by_title = {d["title"]: d for d in docs}
    bund, tokyo = by_title["上海外滩夜游"], by_title["在东京的第一周"]
    # Links between the posts: by permalink, and by the short ?p=48 link.
    assert sum(1 for l in bund["links"] if l.split("#")[0] == tokyo["file"]) == 2
    assert any(l.split("#")[0] == bund["file"] for l in tokyo["links"])
    assert "Aperture : 2.8" in bund["code"][0] and "\n\n" in bund["code"][0]


def test_wxr_book_pdf_and_docx(wxr_book):
    text = pdf_text(wxr_book["pdf"])
    assert "从外白渡桥望向陆家嘴" in text and "Aperture : 2.8" in text
    paragraphs = [p.text for p in docx.Document(str(wxr_book["docx"])).paragraphs]
    assert "从外白渡桥望向陆家嘴" in paragraphs
    assert any("写代码时要用 [gallery] 这样的双括号" in p for p in paragraphs)


# -- feeds


def test_rss_full_content_summary_and_bases():
    docs = docs_of(RSS)
    rust = docs["用 Rust 重写日志解析器"]
    assert rust.meta.date == "2018-06-10T21:30:00+08:00" and rust.meta.authors == ("陈默",)
    assert rust.meta.categories == ("编程", "Rust")
    links = [n.url for n in iter_tree(rust.blocks) if isinstance(n, Link)]
    assert links == ["https://notes.example.net/2018/06/09/old-parser/"]  # ../../09/ against the item's link
    images = [b.image.src for b in rust.blocks if isinstance(b, Figure)]
    assert images == ["https://notes.example.net/images/flamegraph.png"]
    assert docs["A short note on time zones"].meta.authors == ("Chen Mo",)
    results = read(RSS)
    warnings = [d for r in results for d in r.diagnostics if d.code == "summary-only"]
    assert len(warnings) == 1 and warnings[0].path.endswith(docs["旅行清单（持续更新）"].meta.source_path.split("/")[-1])


def test_atom_content_kinds_and_xml_base():
    docs = docs_of(ATOM)
    first = docs["東京での最初の一週間"]
    assert [b.image.src for b in first.blocks if isinstance(b, Figure)] == [
        "https://blog.example.org/posts/first-week/river.jpg"]  # xml:base, not the entry's link
    cat = docs["猫と <div>"]
    assert cat.meta.authors == ("Taro Yamada",) and cat.meta.date == "2018-06-11T10:00:00+00:00"
    assert "https://blog.example.org/posts/2018/cat.png" in json.dumps(
        [b.image.src for b in cat.blocks if isinstance(b, Figure)])
    assert [n.url for n in iter_tree(cat.blocks) if isinstance(n, Link)] == ["https://blog.example.org/posts/first-week/"]
    assert docs["発表スライド"].meta.date.startswith("2018-06-13T09:00:00.25")
    codes = sorted(d.code for r in read(ATOM) for d in r.diagnostics if d.severity == "warning")
    assert codes.count("summary-only") == 2


def test_atom_book_links_between_entries(tmp_path):
    proc = run_converter("build", str(ATOM), "-o", str(tmp_path), "-f", "epub", "--offline")
    assert proc.returncode == 0, proc.stderr
    [epub] = tmp_path.glob("*.epub")
    assert epub.stem == "砂時計ブログ"
    assert_epubcheck_clean(epub)
    docs, _ = chapters(epub)
    by_title = {d["title"]: d for d in docs}
    assert by_title["持ち物リスト"]["file"] in {l.split("#")[0] for l in by_title["東京での最初の一週間"]["links"]}
    assert by_title["東京での最初の一週間"]["file"] in {l.split("#")[0] for l in by_title["猫と <div>"]["links"]}


FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>本地订阅</title><link>{base}/</link>
<item><title>第一篇</title><link>{base}/posts/1/</link><guid>{base}/posts/1/</guid>
<pubDate>Sun, 10 Jun 2018 21:30:00 +0800</pubDate>
<content:encoded><![CDATA[<p>全文在此。<img src="../../img/a.png" alt="图"></p><p>见<a href="/posts/2/">第二篇</a>。</p>]]></content:encoded></item>
<item><title>第二篇</title><link>{base}/posts/2/</link><guid>{base}/posts/2/</guid>
<pubDate>Mon, 11 Jun 2018 21:30:00 +0800</pubDate><description>&lt;p&gt;第二篇的全文。&lt;/p&gt;</description></item>
</channel></rss>"""


def test_feed_from_a_url(tmp_path):
    routes = {"/img/a.png": Route(png(color=(1, 2, 3)), headers={"Content-Type": "image/png"})}
    with Server(routes) as server:
        base = server.url("").rstrip("/")
        routes["/feed.xml"] = Route(FEED.format(base=base).encode("utf-8"),
                                    headers={"Content-Type": "application/rss+xml"})
        host = f"127.0.0.1:{server.port}"
        proc = run_converter("build", server.url("/feed.xml"), "-o", str(tmp_path / "out"), "-f", "epub",
                             "--allow-host", host, "--cache-dir", str(tmp_path / "cache"))
        assert proc.returncode == 0, proc.stderr
        assert "/feed.xml" in server.paths() and "/img/a.png" in server.paths()
        accept = dict(server.requests)["/feed.xml"]["accept"]
        assert "application/rss+xml" in accept
        # Offline, a URL is not read, and the error names it.
        offline = run_converter("build", server.url("/feed.xml"), "-o", str(tmp_path / "off"), "--offline")
        assert offline.returncode == 1 and f"error: {server.url('/feed.xml')}: not read: the network is off" in offline.stderr
        # A private address is refused unless allowed, as for images.
        refused = run_converter("build", server.url("/feed.xml"), "-o", str(tmp_path / "refused"))
        assert refused.returncode == 1 and server.url("/feed.xml") in refused.stderr
    [epub] = (tmp_path / "out").glob("*.epub")
    assert epub.stem == "本地订阅"
    assert_epubcheck_clean(epub)
    docs, _ = chapters(epub)
    assert [d["title"] for d in docs] == ["第一篇", "第二篇"]
    assert docs[0]["images"] and docs[0]["images"][0].startswith("../images/")
    assert docs[1]["file"] in {l.split("#")[0] for l in docs[0]["links"]}
    with zipfile.ZipFile(epub) as z:
        assert any(n.startswith("EPUB/images/") for n in z.namelist())


def test_inspect_names_items(tmp_path):
    proc = run_converter("inspect", "--report", str(WXR))
    assert proc.returncode == 0, proc.stderr
    assert f"# {WXR}#post-41" in proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    titles = [from_json(json.dumps(line)).meta.title for line in lines]
    assert "草稿：苏州园林" in titles  # inspect shows drafts


# -- hostile exports and feeds


def test_xml_entities_are_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xxe = tmp_path / "xxe.xml"
    xxe.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>
<rss version="2.0"><channel><title>t</title><link>https://x.example/</link>
<item><title>甲 &xxe; &e;</title><link>https://x.example/1</link><description>正文 &xxe; &e;</description></item>
</channel></rss>""", encoding="utf-8")
    [result] = read(xxe)
    text = to_json(result.doc) if result.doc is not None else str(result.error)
    assert "TOP-SECRET" not in text and "aaaaaaaaaa" not in text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["[caption", "[gallery", "]", "[/caption]", "[[", "]]", "<p>", "</p>", "<pre>",
                                  "</pre>", "<!--", "-->", "<!-- wp:p -->", "\n", "\n\n", " ", "x", "中",
                                  "https://youtu.be/x", '"', "<a href=\"", "[code]", "[/code]", "<br>"]),
                max_size=80).map("".join))
def test_wordpress_content_never_breaks_the_reader(content):
    from converter.core.diagnostics import Diagnostics
    from converter.readers.html import read_html
    from converter.sources.wordpress import render

    read_html(render(content, 1, {}, {}, Diagnostics()))


def test_hostile_wordpress_content_reads_in_linear_time():
    import time

    from converter.core.diagnostics import Diagnostics
    from converter.sources.wordpress import render

    for piece in ("<!--", "[gallery ", "[caption]", "[embed]", "[code]", "<pre>", "<div", "<a href=\"", "<svg"):
        start = time.perf_counter()
        render(piece * 20_000, 1, {}, {}, Diagnostics())
        assert time.perf_counter() - start < 5, piece


def test_exports_and_feed_urls_in_the_configuration_file(tmp_path):
    from converter.config import BookConfig, load_config, plan

    config = tmp_path / "converter.toml"
    config.write_text('[[book]]\nname = "wp"\ninputs = ["blog.xml"]\n[wordpress]\ntypes = ["post"]\nprivate = true\n\n'
                      '[[book]]\nname = "feed"\ninputs = ["https://example.org/feed.xml"]\n', encoding="utf-8")
    (tmp_path / "blog.xml").write_bytes(WXR.read_bytes())
    specs = {s.name: s for s in plan((), load_config(config), BookConfig(), ())}
    assert specs["wp"].inputs == (str(tmp_path / "blog.xml"),)
    assert specs["feed"].inputs == ("https://example.org/feed.xml",)
    assert specs["wp"].options.read.wordpress_types == ("post",) and specs["wp"].options.read.private
    proc = run_converter("build", "--book", "wp", "-f", "txt", "-o", str(tmp_path / "out"), "--offline", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "out" / "山海笔记.txt").read_text(encoding="utf-8")
    assert "非公開メモ" in text and "关于我" not in text and "草稿" not in text
