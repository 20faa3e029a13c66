"""Blogs as their generator builds them, end to end through ``converter build``: a Hexo blog
with nested categories, tabs and asset folders; a Hugo site with page bundles and aliases; a
Jekyll site with a base path; and loose posts whose site links cannot be resolved. Every
EPUB is checked with EPUBCheck, whatever the links."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from .conftest import assert_epubcheck_clean, run_converter
from .imagefiles import png

XHTML = "{http://www.w3.org/1999/xhtml}"


def write(root: Path, name: str, text: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def chapters(epub: Path) -> list[dict]:
    """Per chapter, in reading order: title, text, the links' hrefs, the images' sources."""
    out = []
    with zipfile.ZipFile(epub) as z:
        names = sorted((n for n in z.namelist() if re.match(r"EPUB/text/chapter-\d+\.xhtml$", n)),
                       key=lambda n: int(re.search(r"(\d+)", n.rsplit("/", 1)[1]).group(1)))
        parts = [etree.fromstring(z.read(n)) for n in z.namelist() if re.match(r"EPUB/text/part-\d+\.xhtml$", n)]
        for name in names:
            root = etree.fromstring(z.read(name))
            out.append({"file": name.rsplit("/", 1)[1], "title": "".join(root.find(f".//{XHTML}h1").itertext()),
                        "text": "".join(root.find(f"{XHTML}body").itertext()),
                        "links": [a.get("href") for a in root.iter(f"{XHTML}a")],
                        "images": [i.get("src") for i in root.iter(f"{XHTML}img")],
                        "code": ["".join(p.itertext()) for p in root.iter(f"{XHTML}pre")]})
    part_titles = ["".join(p.find(f".//{XHTML}h1").itertext()) for p in parts]
    return out, part_titles


def build(*args: str, out: Path) -> tuple[Path, str]:
    proc = run_converter("build", *args, "-o", str(out), "-f", "epub", "--offline")
    assert proc.returncode == 0, proc.stderr
    [epub] = out.glob("*.epub")
    assert_epubcheck_clean(epub)
    return epub, proc.stderr


HEXO_POSTS = {
    "kernel.md": "---\ntitle: 内核调度\ndate: 2018-06-10 10:00:00\ncategories:\n- [Linux, Kernel]\ntags: [调度]\n---\n"
                 "调度器的演变，见[上一篇](/2018/06/09/vps/)和{% post_link 文件系统 %}。\n\n{% asset_img cfs.png CFS 示意 %}\n",
    "vps.md": "---\ntitle: 买一台 VPS\ndate: 2018-06-09 09:00:00\ncategories:\n- [vps]\n---\n一台小机器足够了。\n",
    "文件系统.md": "---\ntitle: 文件系统\ndate: 2018-06-11 09:00:00\ncategories:\n- Linux\n- Kernel\n---\n"
                 "ext4 与 btrfs。![日志](文件系统/journal.png)\n",
    # Hexo reads front matter indented with tabs (two spaces per tab).
    "tabs.md": "---\ntitle: 制表符\ndate: 2018-06-12\ncategories:\n\t- [随笔]\ntags:\n\t- 杂\n---\n用制表符缩进的前言。\n",
    # Hexo's front matter without its opening separator.
    "bare.md": "title: 无开头分隔线\ndate: 2018-06-13\ncategories: [随笔]\n---\n正文。\n",
}


@pytest.fixture(scope="module")
def hexo_book(tmp_path_factory) -> tuple[list[dict], list[str], str]:
    site = tmp_path_factory.mktemp("hexo")
    write(site, "_config.yml", "title: 内核笔记\nurl: https://notes.example.org\npermalink: :year/:month/:day/:title/\n"
                               "timezone: Asia/Shanghai\npost_asset_folder: true\n")
    write(site, "package.json", '{"dependencies": {"hexo": "^7.0.0"}}')
    for name, text in HEXO_POSTS.items():
        write(site, f"source/_posts/{name}", text)
    write(site, "source/_posts/kernel/cfs.png", png(color=(10, 120, 200)))
    write(site, "source/_posts/文件系统/journal.png", png(color=(200, 120, 10)))
    write(site, "source/_posts/kernel/notes.md", "an asset of the post, not a post")
    epub, stderr = build(str(site), "--group", "category", out=tmp_path_factory.mktemp("hexo-out"))
    return (*chapters(epub), stderr)


def test_hexo_blog_every_post_is_a_chapter(hexo_book):
    docs, parts, stderr = hexo_book
    assert sorted(d["title"] for d in docs) == sorted(["内核调度", "买一台 VPS", "文件系统", "制表符", "无开头分隔线"])
    assert "warning[front-matter-tabs]" in stderr and "error" not in stderr


def test_hexo_nested_categories_group_as_a_path(hexo_book):
    docs, parts, _ = hexo_book
    assert parts == ["vps", "Linux / Kernel", "随笔"]  # in the order of their first post


def test_hexo_links_and_asset_folders(hexo_book):
    docs, _, _ = hexo_book
    by_title = {d["title"]: d for d in docs}
    kernel = by_title["内核调度"]
    # /2018/06/09/vps/ is the VPS post's address on the site; {% post_link %} names a file.
    assert {by_title["买一台 VPS"]["file"], by_title["文件系统"]["file"]} <= {l.split("#")[0] for l in kernel["links"]}
    assert len(kernel["images"]) == 1 and kernel["images"][0].startswith("../images/")
    assert len(by_title["文件系统"]["images"]) == 1


@pytest.fixture(scope="module")
def hugo_book(tmp_path_factory) -> tuple[list[dict], list[str], str]:
    site = tmp_path_factory.mktemp("hugo")
    write(site, "hugo.toml", 'baseURL = "https://hugo.example.com/"\ntitle = "Bundles"\ntimeZone = "Asia/Tokyo"\n'
                             '[permalinks]\nposts = "/:year/:month/:slug/"\n')
    write(site, "content/_index.md", "---\ntitle: Home\n---\nsection metadata, not a post\n")
    write(site, "content/posts/_index.md", "---\ntitle: Posts\n---\n")
    write(site, "content/posts/river/index.md",
          "---\ntitle: 川沿いの朝\ndate: 2018-06-10T06:00:00\nslug: river\naliases: [/old/river-walk/]\n---\n"
          "![隅田川](sumida.png)\n\n前の記事は[こちら](/2018/06/tea/)。古い住所でも[同じ記事](/old/river-walk/)。\n")
    write(site, "content/posts/river/sumida.png", png(color=(0, 90, 160)))
    write(site, "content/posts/river/notes.md", "a resource of the bundle, not a post")
    write(site, "content/posts/tea.md", "---\ntitle: お茶\ndate: 2018-06-09\nslug: tea\ndraft: false\n---\n"
                                         "[次の記事]({{< relref \"river\" >}})と[外部](/about/)。\n")
    epub, stderr = build(str(site), out=tmp_path_factory.mktemp("hugo-out"))
    return (*chapters(epub), stderr)


def test_hugo_bundles_are_one_post_with_their_images(hugo_book):
    docs, _, _ = hugo_book
    assert [d["title"] for d in docs] == ["お茶", "川沿いの朝"]
    river = docs[1]
    assert len(river["images"]) == 1 and river["images"][0].startswith("../images/")


def test_hugo_links_by_address_alias_and_relref(hugo_book):
    docs, _, _ = hugo_book
    tea, river = docs
    assert river["links"][:2] == [tea["file"] + "#chapter-1", river["file"] + "#chapter-2"]
    assert tea["links"][0] == river["file"] + "#chapter-2"
    # A page of the site that is not in the book: its absolute address.
    assert "https://hugo.example.com/about/" in tea["links"]


def test_jekyll_site_with_a_base_path(tmp_path):
    site = tmp_path / "jekyll"
    write(site, "_config.yml", "title: 前端笔记\nurl: https://fe.example.kr\nbaseurl: /blog\npermalink: pretty\n")
    write(site, "_posts/2018-06-10-frontend-engineer-guide.md",
          "---\ntitle: 프런트엔드 엔지니어 가이드\ncategory: 개발\n---\n가이드입니다.\n")
    write(site, "_posts/2018-06-11-next.md",
          "---\ntitle: 다음 글\ncategories: 개발 웹\n---\n"
          "[가이드]({{ site.baseurl }}{% post_url 2018-06-10-frontend-engineer-guide %})와 "
          "[같은 글](/2018/06/10/frontend-engineer-guide/)과 [수업](/learn/creating-a-react-app)과 [목록](../1).\n")
    epub, _ = build(str(site), out=tmp_path / "out")
    docs, _ = chapters(epub)
    guide, nxt = docs
    assert nxt["links"][:2] == [guide["file"] + "#chapter-1"] * 2
    # Site links to pages outside the book become the site's absolute addresses.
    assert "https://fe.example.kr/learn/creating-a-react-app" in nxt["links"]
    assert "https://fe.example.kr/blog/%EA%B0%9C%EB%B0%9C/%EC%9B%B9/2018/06/11/1" in nxt["links"] or any(
        l.startswith("https://fe.example.kr/blog/") and l.endswith("/1") for l in nxt["links"])


def test_links_that_cannot_be_resolved_become_text(tmp_path):
    posts = tmp_path / "posts"
    write(posts, "2018-06-10-a.md", "---\ntitle: 甲\n---\n见[指南](/2018/06/10/frontend-engineer-guide/)、[下一页](../1)和"
                                    "[乙篇](2018-06-11-b.md)。\n")
    write(posts, "2018-06-11-b.md", "---\ntitle: 乙\n---\n回到[甲篇](2018-06-10-a.md#top)。\n")
    epub, stderr = build(str(posts), out=tmp_path / "out")
    docs, _ = chapters(epub)
    first = docs[0]
    assert first["links"] == [docs[1]["file"] + "#chapter-2"]
    assert "指南" in first["text"] and "下一页" in first["text"]
    assert stderr.count("warning[link-unresolved]") == 2 and "set site_url" in stderr
    # With the site's address, the same links are the site's pages.
    epub, stderr = build(str(posts), "--site-url", "https://blog.example.net/", out=tmp_path / "out2")
    docs, _ = chapters(epub)
    assert "https://blog.example.net/2018/06/10/frontend-engineer-guide/" in docs[0]["links"]
    assert "warning[link-unresolved]" in stderr  # ../1 from a post whose own address is unknown


def test_tab_indented_loose_post_and_refused_inputs_name_the_file(tmp_path):
    posts = tmp_path / "posts"
    write(posts, "tabs.md", "---\ntitle: Tabs\ntags:\n\t- a\n---\nbody\n")
    bad = write(posts, "bad.md", "---\ntitle: [unclosed\n---\nbody\n")
    proc = run_converter("build", str(posts), "-o", str(tmp_path / "out"), "-f", "txt", "--offline")
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {bad}: broken YAML front matter at line 2: "
                      + errors[0].split("at line 2: ", 1)[1]] and len(errors) == 1
    assert "1 post(s), 1 file(s) written, 1 failure(s)" in proc.stderr


def test_epub_is_valid_whatever_the_links(tmp_path):
    hrefs = ["../1", "./x", "x.html?y=1#z", "/a b/c", "/%zz", "//cdn.example.org/x", "#missing", "?page=2",
             "mailto:a@example.org", "tel:+8612345", "ftp://ftp.example.org/a", "javascript:alert(1)", "data:text/html,x",
             "file:///etc/passwd", "http://[::1", "https://例子.测试/路径", "https://x.example/a%20b", "C:\\\\docs\\\\a.doc",
             "", " ", "#", "chapter:9", "../../../../etc/passwd", "index.md", "2018-06-11-b.md#sec"]
    body = "".join(f'<p><a href="{h}">链接{i}</a></p>\n' for i, h in enumerate(hrefs))
    posts = tmp_path / "posts"
    write(posts, "2018-06-10-a.md", f"---\ntitle: 链接\n---\n{body}")
    write(posts, "2018-06-11-b.md", "---\ntitle: 乙\n---\n## 小节 {#sec}\n\n正文。\n")
    epub, _ = build(str(posts), out=tmp_path / "out")
    docs, _ = chapters(epub)
    text = docs[0]["text"].replace("\u2005", "")  # the quarter-em CJK–Latin space
    for i in range(len(hrefs)):
        assert f"链接{i}" in text  # every link's text is kept, as a link or as text
    assert f"{docs[1]['file']}#" in " ".join(docs[0]["links"])


def test_a_link_a_day_off_finds_its_post_by_the_end_of_its_address():
    # Released Hexo moves a post with an offset by a day (hexo-front-matter#28): links
    # written from the published site name /2018/06/09/t/ for the post the book files under
    # /2018/06/10/t/. The end of the address finds it when no other post shares it.
    from converter.assemble.books import assemble
    from converter.core.diagnostics import Diagnostics
    from converter.core.model import Document, Link, Meta, Paragraph, Text, chapter_target
    from converter.core.options import BookOptions

    target = Document(Meta(title="T", date="2018-06-10", url="https://h.example.org/2018/06/10/t/",
                           source_path="/s/source/_posts/t.md"), (Paragraph((Text("x"),)),))
    links = (Link((Text("a"),), "/2018/06/09/t/"), Link((Text("b"),), "https://h.example.org/2018/06/09/t/"),
             Link((Text("c"),), "/2018/06/09/other/"))
    source = Document(Meta(title="S", date="2018-06-11", url="https://h.example.org/2018/06/11/s/",
                           source_path="/s/source/_posts/s.md"), (Paragraph(links),))
    diag = Diagnostics()
    [book] = assemble([source, target], BookOptions(), "x", diag)
    urls = [n.url for n in book.chapters[1].blocks[0].content if isinstance(n, Link)]
    assert [chapter_target(u) for u in urls[:2]] == [(1, ""), (1, "")]
    assert urls[2] == "https://h.example.org/2018/06/09/other/"
    assert [d.code for d in diag] == ["link-guessed", "link-guessed"]
