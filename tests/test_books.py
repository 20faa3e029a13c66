"""Books end to end through the command line, checked as a reader would: covers, contents
pages whose numbers match where chapters start, bookmarks, running heads, print layout,
metadata in all three formats, links between posts, reproducible files, configuration
files, themes. Every EPUB made here passes EPUBCheck."""

from __future__ import annotations

import re
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from .conftest import EXAMPLES, assert_epubcheck_clean, run_converter
from .pdfbook import BookPdf, pages_with_images, read_book

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
      "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "xmp": "http://ns.adobe.com/xap/1.0/"}
A5 = (419.5, 595.3)  # points


def build(*args: str, cwd: Path | None = None) -> str:
    proc = run_converter("build", *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    return proc.stderr


def opf(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def xml_part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


# ------------------------------------------------------------------ what every book PDF shows

def check_contents_matches_chapter_pages(pdf: BookPdf, chapters: int) -> None:
    """The contents lists every chapter once, in order, and its number is the page where the
    chapter starts: the page the link goes to, and the folio printed on that page."""
    anchors = [a for a, _ in pdf.toc if a.startswith("chapter-")]
    assert anchors == [f"chapter-{i}" for i in range(1, chapters + 1)]
    for anchor, number in pdf.toc:
        start = pdf.dests[anchor]
        assert number == start + 1, (anchor, number, start + 1)
        if anchor.startswith("chapter-"):
            assert pdf.feet[start] == str(number), (anchor, pdf.feet[start])


def check_running_heads(pdf: BookPdf, title: str, chapter_titles: list[str]) -> int:
    """Left pages carry the book's title, right pages the chapter's; a chapter's opening page,
    and every page before the first chapter, carry none. Returns the pages checked."""
    squash = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    starts = sorted((pdf.dests[f"chapter-{i + 1}"], t) for i, t in enumerate(chapter_titles))
    parts = {index for name, index in pdf.dests.items() if name.startswith("part-")}
    first = starts[0][0]
    assert not any(pdf.heads[:first]), "no running head in the front matter"
    assert not any(pdf.heads[i] for i in parts), "no running head on part pages"
    checked = 0
    for (start, chapter), (end, _) in zip(starts, starts[1:] + [(pdf.pages, "")]):
        assert pdf.heads[start] == "", f"opening page {start + 1} has a head: {pdf.heads[start]}"
        for index in range(start + 1, end):
            if not pdf.texts[index].strip() or index in parts:
                continue  # a blank page before a chapter that must open on the right, or a part page
            expected = squash(title) if (index + 1) % 2 == 0 else squash(chapter)
            assert pdf.heads[index] == expected, (index + 1, pdf.heads[index], expected)
            checked += 1
    return checked


def check_cover(pdf: BookPdf) -> None:
    """The first page is the cover image, edge to edge, with no text."""
    assert not pdf.texts[0].strip() and not pdf.heads[0] and not pdf.feet[0]
    [(x0, top, x1, bottom)] = pdf.first_page_images
    assert x0 <= 0.5 and top <= 0.5 and x1 >= pdf.width - 0.5 and bottom >= pdf.height - 0.5


# ------------------------------------------------------------------ the dev corpus, one book a year

@pytest.fixture(scope="module")
def by_year(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("by-year")
    build(str(corpus), "--split", "year", "-f", "epub,pdf,docx", "-o", str(out), "-q")
    return out


@pytest.mark.slow
def test_split_year_makes_one_book_per_year(by_year, corpus):
    years = {p.name[:4] for p in corpus.glob("*.md")}
    for suffix in (".epub", ".pdf", ".docx"):
        assert {p.stem for p in by_year.glob(f"*{suffix}")} == {f"dev · {y}" for y in years}


@pytest.mark.slow
def test_split_year_epubs_pass_epubcheck_with_cover_and_nav(by_year):
    for epub in sorted(by_year.glob("*.epub")):
        assert_epubcheck_clean(epub)
        package = opf(epub)
        year = epub.stem[-4:]
        assert package.findtext("opf:metadata/dc:title", namespaces=NS) == f"dev · {year}"
        assert package.findtext("opf:metadata/opf:meta[@property='belongs-to-collection']", namespaces=NS) == "dev"
        assert package.find("opf:manifest/opf:item[@properties='cover-image']", namespaces=NS) is not None
        assert package.findtext("opf:metadata/dc:coverage", namespaces=NS).startswith(year)


@pytest.mark.slow
def test_split_year_pdfs_contents_bookmarks_heads_cover(by_year):
    checked = 0
    paths = sorted(by_year.glob("*.pdf"))
    with ThreadPoolExecutor(2) as pool:  # most of the time is poppler's, in another process
        books = dict(zip(paths, pool.map(read_book, paths)))
    for path, pdf in books.items():
        with zipfile.ZipFile(path.with_suffix(".epub")) as z:
            nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        titles = [a.text for a in nav.iterfind(".//x:nav[@epub:type='toc']//x:a", NS)]
        check_cover(pdf)
        check_contents_matches_chapter_pages(pdf, len(titles))
        checked += check_running_heads(pdf, path.stem, titles)
        # Bookmarks: the contents, every chapter, and the sections of posts nested under them.
        top = [(title, page) for level, title, page in pdf.outline if level == 1]
        assert [t for t, _ in top[1:]] == titles
        assert [p for _, p in top[1:]] == [pdf.dests[f"chapter-{i}"] for i in range(1, len(titles) + 1)]
        levels = [level for level, _, _ in pdf.outline]
        assert set(levels) <= {1, 2} and all(b <= a + 1 for a, b in zip(levels, levels[1:]))
    assert checked > 1000  # running heads were really looked at
    assert any(level == 2 for level, _, _ in books[by_year / "dev · 2020.pdf"].outline)


@pytest.mark.slow
def test_split_year_docx_have_cover_contents_and_headings(by_year):
    import docx

    for path in sorted(by_year.glob("*.docx")):
        document = docx.Document(str(path))
        body = xml_part(path, "word/document.xml")
        first = body.find(".//w:body/w:p", NS)
        assert first.find(".//w:drawing", NS) is not None, "the first page is the cover"
        assert "TOC \\o" in "".join(body.itertext())
        headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        assert len(headings) >= 1 and document.core_properties.title == path.stem


# ------------------------------------------------------------------ a printed A5 book

@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> BookPdf:
    out = tmp_path_factory.mktemp("print")
    build(str(EXAMPLES), "--print", "--group", "year", "--title", "示例文集", "-f", "pdf", "-o", str(out))
    return read_book(out / "示例文集.pdf")


def test_print_pdf_is_a5_with_chapters_and_parts_on_right_hand_pages(printed):
    assert (round(printed.width, 1), round(printed.height, 1)) == A5
    check_cover(printed)
    starts = {name: index for name, index in printed.dests.items() if name.startswith(("chapter-", "part-"))}
    assert len(starts) == 7 + 3
    assert all(index % 2 == 0 for index in starts.values()), starts  # page numbers 1, 3, 5...
    # The pages skipped to get there are blank: no head, no folio.
    images = pages_with_images(printed.path)
    blank = [i for i, text in enumerate(printed.texts) if not text and i not in images]
    assert blank and all(not printed.heads[i] and not printed.feet[i] for i in blank)


def test_print_pdf_contents_bookmarks_and_heads(printed):
    check_contents_matches_chapter_pages(printed, 7)
    assert [a for a, _ in printed.toc][:2] == ["part-1", "chapter-1"]
    parts = [(level, title) for level, title, _ in printed.outline if level == 1]
    assert parts == [(1, "目录"), (1, "2021"), (1, "2023"), (1, "2024")]
    chapters = [title for level, title, _ in printed.outline if level == 2]
    assert len(chapters) == 7 and chapters[1].startswith("臺北秋日散步")
    titles = [t for t in chapters]
    assert check_running_heads(printed, "示例文集", titles) >= 5


def test_print_pdf_has_binding_margins(printed):
    """The inner margin (at the spine) is wider than the outer one: body text starts further
    right on right-hand pages than on left-hand pages."""
    right = [x for i, x in enumerate(printed.left_edges) if x is not None and i % 2 == 0 and i > 4]
    left = [x for i, x in enumerate(printed.left_edges) if x is not None and i % 2 == 1 and i > 4]
    assert min(right) - min(left) > 2 * 72 / 25.4  # more than 2 mm


def test_print_pdf_puts_link_urls_in_footnotes(printed):
    text = "\n".join(printed.texts)
    # "[Jekyll 的官方文档](https://jekyllrb.com/docs/)": the URL is printed, at the foot.
    page = next(i for i, t in enumerate(printed.texts) if "Jekyll" in t)
    assert "https://jekyllrb.com/docs/" in printed.texts[page]
    assert text.count("https://jekyllrb.com/docs/") == 1


@pytest.mark.parametrize("size, points", [("A4", (595.3, 841.9)), ("B5", (498.9, 708.7)),
                                          ("Letter", (612.0, 792.0)), ("6x9in", (432.0, 648.0))])
def test_page_sizes(tmp_path, size, points):
    build(str(next(EXAMPLES.glob("2024-06-01-*.md"))), "--page-size", size, "-f", "pdf", "-o", str(tmp_path))
    [path] = tmp_path.glob("*.pdf")
    with pdfplumber.open(path) as pdf:
        assert (round(float(pdf.pages[0].width), 1), round(float(pdf.pages[0].height), 1)) == points


# ------------------------------------------------------------------ metadata in three formats

META_CONFIG = """
title = "示例文集"
subtitle = "七篇文章"
authors = ["林小雨", "Jane Doe"]
publisher = "converter 出版"
rights = "CC BY 4.0"
description = "一本用来测试的书。"
lang = "zh-Hans"
inputs = ["{examples}"]
output_dir = "out"
formats = ["epub", "pdf", "docx"]
"""


@pytest.fixture(scope="module")
def described(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("meta")
    (folder / "converter.toml").write_text(META_CONFIG.replace("{examples}", str(EXAMPLES)), encoding="utf-8")
    build(cwd=folder)
    return folder / "out"


def test_epub_metadata(described):
    epub = described / "示例文集.epub"
    assert_epubcheck_clean(epub)
    meta = opf(epub).find("opf:metadata", NS)
    text = lambda tag: [e.text for e in meta.iterfind(tag, NS)]  # noqa: E731
    assert text("dc:title") == ["示例文集", "七篇文章"]
    assert text("dc:creator") == ["林小雨", "Jane Doe"]
    assert text("dc:language") == ["zh-Hans"] and text("dc:publisher") == ["converter 出版"]
    assert text("dc:rights") == ["CC BY 4.0"] and text("dc:description") == ["一本用来测试的书。"]
    assert text("dc:date") == ["2024-07-12"] and text("dc:coverage") == ["2021-01-06/2024-07-12"]
    assert "旅行" in text("dc:subject") and text("dc:identifier")[0].startswith("urn:uuid:")
    assert meta.findtext("opf:meta[@property='dcterms:modified']", namespaces=NS) == "2024-07-12T07:00:00Z"
    assert meta.find("opf:meta[@refines='#subtitle'][@property='title-type']", NS).text == "subtitle"
    with zipfile.ZipFile(epub) as z:
        nav = z.read("EPUB/nav.xhtml").decode()
    assert 'epub:type="landmarks"' in nav and 'epub:type="cover"' in nav and 'epub:type="bodymatter"' in nav


def test_pdf_document_info_and_xmp(described):
    identifier = opf(described / "示例文集.epub").findtext("opf:metadata/dc:identifier", namespaces=NS)
    with pdfplumber.open(described / "示例文集.pdf") as pdf:
        info = {k: (v.decode("utf-16") if v[:2] == b"\xfe\xff" else v.decode("latin-1")) if isinstance(v, bytes)
                else v for k, v in pdf.doc.info[0].items()}
        xmp = etree.fromstring(pdf.doc.catalog["Metadata"].resolve().get_data().split(b"?>", 1)[1]
                               .rsplit(b"<?xpacket", 1)[0])
    assert info["Title"] == "示例文集" and info["Author"] == "林小雨, Jane Doe"
    assert info["Subject"] == "一本用来测试的书。" and "旅行" in info["Keywords"]
    assert info["CreationDate"].startswith("D:20240712") and info["ModDate"].startswith("D:20240712")
    assert info["publisher"] == "converter 出版" and info["identifier"] == identifier
    values = lambda tag: [e.text for e in xmp.iter(tag)]  # noqa: E731
    items = lambda prop: [li.text for li in xmp.find(f".//{{{NS['dc']}}}{prop}").iter(f"{{{NS['rdf']}}}li")]  # noqa: E731
    assert items("title") == ["示例文集: 七篇文章"] and items("creator") == ["林小雨", "Jane Doe"]
    assert items("language") == ["zh-Hans"] and items("publisher") == ["converter 出版"]
    assert values(f"{{{NS['dc']}}}identifier") == [identifier]
    assert values(f"{{{NS['dc']}}}coverage") == ["2021-01-06/2024-07-12"]
    assert values(f"{{{NS['xmp']}}}ModifyDate") == ["2024-07-12T07:00:00Z"]


def test_docx_core_properties_and_title_page(described):
    import docx

    document = docx.Document(str(described / "示例文集.docx"))
    core = document.core_properties
    assert core.title == "示例文集: 七篇文章" and core.author == "林小雨; Jane Doe"
    assert core.language == "zh-Hans" and "旅行" in core.keywords and core.comments == "一本用来测试的书。"
    assert core.created.isoformat().startswith("2024-07-12") and core.identifier.startswith("urn:uuid:")
    styles = {p.style.name: p.text for p in document.paragraphs if p.text}
    assert styles["Title"] == "示例文集" and styles["Subtitle"] == "七篇文章"
    assert styles["Publisher"] == "converter 出版"


# ------------------------------------------------------------------ reproducible builds

def _without_creation_date(data: bytes) -> bytes:
    return re.sub(rb"/CreationDate \([^)]*\)", b"", data)


def test_same_inputs_give_the_same_files(tmp_path):
    posts = sorted(EXAMPLES.glob("*.md"))
    build(*map(str, posts), "--title", "T", "-f", "epub,docx,pdf", "-o", str(tmp_path / "a"))
    build(*map(str, reversed(posts)), "--title", "T", "-f", "epub,docx,pdf", "-o", str(tmp_path / "b"))
    for suffix in (".epub", ".docx"):
        assert (tmp_path / "a" / f"T{suffix}").read_bytes() == (tmp_path / "b" / f"T{suffix}").read_bytes(), suffix
    assert_epubcheck_clean(tmp_path / "a" / "T.epub")  # and so its byte-identical twin
    pdf_a, pdf_b = ((tmp_path / d / "T.pdf").read_bytes() for d in "ab")
    assert _without_creation_date(pdf_a) == _without_creation_date(pdf_b)
    with zipfile.ZipFile(tmp_path / "a" / "T.epub") as z:
        assert {info.date_time for info in z.infolist()} == {(2024, 7, 12, 7, 0, 0)}
        assert z.infolist()[0].filename == "mimetype" and z.infolist()[0].compress_type == zipfile.ZIP_STORED


# ------------------------------------------------------------------ links between posts

LINKING = {
    # Linked by its source URL (spelt another way, with a tracking parameter)...
    "2024-01-01-first.md": "---\ntitle: 第一篇\nfrom: https://www.blog.example/posts/%E7%AC%AC%E4%B8%80/\n---\n"
                           "请看[第二篇](https://blog.example/posts/second?utm_source=feed)和"
                           "[别处](https://elsewhere.example/x)。\n",
    # ... by its permalink on the same site, and by its file.
    "2024-01-02-second.md": "---\ntitle: 第二篇\npermalink: /posts/second/\n---\n"
                            "## 小节\n\n回到[第一篇](http://blog.example/posts/%e7%ac%ac%e4%b8%80)"
                            "或[文件](2024-01-01-first.md)。\n",
}


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("linked")
    for name, text in LINKING.items():
        (folder / "posts").mkdir(exist_ok=True)
        (folder / "posts" / name).write_text(text, encoding="utf-8")
    build(str(folder / "posts"), "--title", "互链", "-f", "epub,pdf,docx", "-o", str(folder / "screen"))
    build(str(folder / "posts"), "--title", "互链", "-f", "pdf", "--print", "-o", str(folder / "print"))
    return folder


def test_links_between_posts_in_epub(linked):
    epub = linked / "screen" / "互链.epub"
    assert_epubcheck_clean(epub)
    first = xml_part(epub, "EPUB/text/chapter-0001.xhtml")
    second = xml_part(epub, "EPUB/text/chapter-0002.xhtml")
    hrefs = lambda page: [a.get("href") for a in page.iterfind(".//x:section//x:p/x:a", NS)  # noqa: E731
                          if a.get("class") != "source"]
    assert hrefs(first) == ["chapter-0002.xhtml#chapter-2", "https://elsewhere.example/x"]
    assert hrefs(second) == ["chapter-0001.xhtml#chapter-1", "chapter-0001.xhtml#chapter-1"]


def test_links_between_posts_in_pdf(linked):
    pdf = read_book(linked / "screen" / "互链.pdf")
    first, second = pdf.dests["chapter-1"], pdf.dests["chapter-2"]
    assert ("internal", "chapter-2") in pdf.links[first]
    assert ("uri", "https://elsewhere.example/x") in pdf.links[first]
    assert pdf.links[second].count(("internal", "chapter-1")) == 2
    # In print, a link to a chapter names its page.
    printed = read_book(linked / "print" / "互链.pdf")
    page = printed.dests["chapter-2"] + 1
    assert f"（第{page}页）" in re.sub(r"\s+", "", printed.texts[printed.dests["chapter-1"]])


def test_links_between_posts_in_docx(linked):
    body = xml_part(linked / "screen" / "互链.docx", "word/document.xml")
    anchors = [h.get("{%s}anchor" % NS["w"]) for h in body.iter("{%s}hyperlink" % NS["w"])]
    assert anchors.count("chapter-2") == 2 and anchors.count("chapter-1") >= 3  # + the contents entries
    bookmarks = {b.get("{%s}name" % NS["w"]) for b in body.iter("{%s}bookmarkStart" % NS["w"])}
    assert {"chapter-1", "chapter-2"} <= bookmarks


# ------------------------------------------------------------------ a configuration with two books

TWO_BOOKS = """
inputs = ["{examples}"]
formats = ["epub", "docx", "pdf"]
output_dir = "books"

[[book]]
name = "by-category"
title = "按分类"
group = "category"

[[book]]
name = "2024-chinese"
title = "二〇二四中文"
[book.filter]
since = 2024-01-01
until = 2024-12-31
lang = ["zh"]
"""


def test_config_with_two_books_builds_both(tmp_path):
    (tmp_path / "converter.toml").write_text(TWO_BOOKS.replace("{examples}", str(EXAMPLES)), encoding="utf-8")
    build(cwd=tmp_path)
    out = tmp_path / "books"
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".json")) == sorted(
        f"{t}.{s}" for t in ("按分类", "二〇二四中文") for s in ("epub", "docx", "pdf"))
    for epub in out.glob("*.epub"):
        assert_epubcheck_clean(epub)
    nav = xml_part(out / "按分类.epub", "EPUB/nav.xhtml")
    parts = [li.find("x:a", NS).text for li in nav.find(".//x:nav[@epub:type='toc']/x:ol", NS)]
    assert parts == ["自由亚洲电台", "技术", "essays", "生活", "未分类"]
    chapters = [a.text for a in xml_part(out / "二〇二四中文.epub", "EPUB/nav.xhtml")
                .iterfind(".//x:nav[@epub:type='toc']//x:a", NS)]
    assert chapters == ["用静态网站记录生活：我的写作工具链", "一杯好茶的三个秘诀"]
    # Only the second book, by name; command-line flags override the file.
    shutil.rmtree(out)
    build("--book", "2024-chinese", "-f", "epub", cwd=tmp_path)
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".epub") == ["二〇二四中文.epub"]
    assert_epubcheck_clean(out / "二〇二四中文.epub")


def test_config_with_an_unknown_key_fails_naming_it(tmp_path):
    (tmp_path / "converter.toml").write_text("[[book]]\ninputs = ['posts']\ncolour = 'red'\n", encoding="utf-8")
    proc = run_converter("build", cwd=tmp_path)
    assert proc.returncode == 2
    assert "unknown key 'book[1].colour'" in proc.stderr and "converter.toml" in proc.stderr


# ------------------------------------------------------------------ themes

def test_sans_theme_and_a_user_theme(tmp_path):
    build(str(EXAMPLES), "--theme", "sans", "-f", "pdf,epub,docx", "--title", "S", "-o", str(tmp_path / "sans"))
    with pdfplumber.open(tmp_path / "sans" / "S.pdf") as pdf:
        fonts = {c["fontname"].split("+")[-1] for page in pdf.pages[3:6] for c in page.chars}
    assert any("Sans-CJK-SC" in f for f in fonts) and not any("Serif-CJK-SC" in f for f in fonts), fonts
    assert_epubcheck_clean(tmp_path / "sans" / "S.epub")
    styles = xml_part(tmp_path / "sans" / "S.docx", "word/styles.xml")
    default_fonts = styles.find(".//w:docDefaults//w:rFonts", NS)
    assert default_fonts.get("{%s}eastAsia" % NS["w"]) == "Noto Sans CJK SC"

    theme = tmp_path / "mine"
    theme.mkdir()
    (theme / "print.css").write_text(".chapter-title { color: #ff0000; }\n", encoding="utf-8")
    build(str(EXAMPLES), "--theme", str(theme), "-f", "pdf", "--title", "U", "-o", str(tmp_path / "user"))
    pdf = read_book(tmp_path / "user" / "U.pdf")
    with pdfplumber.open(tmp_path / "user" / "U.pdf") as doc:
        page = doc.pages[pdf.dests["chapter-1"]]
        red = {c["text"] for c in page.chars if tuple(c["non_stroking_color"] or ()) == (1, 0, 0)}
    assert red and pdf.feet[pdf.dests["chapter-1"]]  # the user's rule applied, the default theme's still there

    (theme / "theme.toml").write_text("fonts = 'serif'\nfont = 'x'\n", encoding="utf-8")
    proc = run_converter("build", str(EXAMPLES), "--theme", str(theme), "-f", "pdf", "-o", str(tmp_path / "bad"))
    assert proc.returncode == 2 and "unknown key 'font'" in proc.stderr and "theme.toml" in proc.stderr
