"""Accessible books, checked on real output: the EPUB by DAISY Ace (0 critical, 0 serious) and
by reading its package and pages (accessibility metadata that follows the book, a language on
every page, ARIA roles beside epub:type, text alternatives, header cells); the PDF tagged by
default, whole when joined from chunks (our structure checks and the ``pdfua`` package's),
with the text, fonts and about the size of the untagged file; the DOCX with pictures'
descriptions, heading styles, header rows, title and language."""

from __future__ import annotations

import dataclasses
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from converter import pipeline
from converter.core.model import Book, BookMeta, Document, Figure, Image, Meta, Paragraph, Part, Text
from converter.core.options import BookOptions, BuildOptions, ResourceOptions, WriteOptions
from converter.writers import epub_a11y, pdf_layout

from .checks import ace_counts, ace_missing, ace_report, ace_violations, pdf_structure
from .conftest import EXAMPLES, assert_epubcheck_clean, pdf_fonts, pdf_text, run_converter
from .imagefiles import png

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# DPUB-ARIA roles of the epub:type values these books use (the mapping Ace checks).
ROLES = {"chapter": "doc-chapter", "part": "doc-part", "noteref": "doc-noteref", "endnotes": "doc-endnotes",
         "toc": "doc-toc", "footnote": "doc-footnote", "pagebreak": "doc-pagebreak", "page-list": "doc-pagelist"}

# A Chinese post with every kind of image (alt text, caption only, no words: decorative), a
# table with header cells, a footnote, a link and a Japanese quotation.
A11Y_POST = """---
title: 无障碍测试
date: 2024-05-01
lang: zh-Hans
---
这是一篇测试文章[^1]，参见[示例网站](https://example.org/page)。

![一只红色的方块](red.png)

<figure><img src="blue.png"/><figcaption>蓝色方块的说明</figcaption></figure>

<p><img src="green.png"/></p>

| 城市 | 人口 |
|------|------|
| 北京 | 2100 |
| 上海 | 2400 |

<blockquote lang="ja"><p>吾輩は猫である。名前はまだ無い。</p></blockquote>

## 小节

正文。

[^1]: 脚注的内容。
"""


def _post_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2024-05-01-a11y.md").write_text(A11Y_POST, encoding="utf-8")
    for name, color in (("red.png", (200, 30, 30)), ("blue.png", (30, 30, 200)), ("green.png", (30, 200, 30))):
        (folder / name).write_bytes(png(color=color))
    return folder


def _build(*args: str) -> None:
    proc = run_converter("build", *args, "--offline")
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("a11y-examples")
    _build(str(EXAMPLES), "-o", str(out / "tagged"), "--title", "示例", "-f", "pdf,epub,docx", "--no-cache")
    _build(str(EXAMPLES), "-o", str(out / "untagged"), "--title", "示例", "-f", "pdf", "--no-tags", "--no-cache")
    return out


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("a11y-crafted")
    posts = _post_folder(out / "posts")
    _build(str(posts / "2024-05-01-a11y.md"), "-o", str(out), "-f", "pdf,epub,docx", "--no-cache")
    return out


def _package(epub: Path) -> tuple[etree._Element, dict[str, etree._Element]]:
    """The package document and every XHTML page of an EPUB, parsed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(epub) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"), parser)
        pages = {name: etree.fromstring(z.read(name), parser) for name in z.namelist() if name.endswith(".xhtml")}
    return opf, pages


def _declared(opf: etree._Element, prop: str) -> list[str]:
    return [m.text for m in opf.iterfind(f"opf:metadata/opf:meta[@property='{prop}']", OPF)]


# ------------------------------------------------------------------------------- EPUB

def test_examples_epub_has_no_serious_ace_violations(examples):
    epub = examples / "tagged" / "示例.epub"
    assert_epubcheck_clean(epub)
    missing = ace_missing()
    if missing:
        pytest.skip(missing)
    report = ace_report(epub)
    counts = ace_counts(report)
    serious = [v for v in ace_violations(report) if v["impact"] in ("critical", "serious")]
    assert counts["critical"] == 0 and counts["serious"] == 0, serious
    # pandoc 3.9's EPUB of the same posts has 1 moderate violation (issue 14): ours no more.
    assert counts["moderate"] <= 1, ace_violations(report)
    assert report["a11y-metadata"]["present"] and not report["a11y-metadata"]["empty"]


def test_epub_declares_its_accessibility_from_the_book(examples, crafted):
    opf, pages = _package(examples / "tagged" / "示例.epub")
    assert opf.get(XML_LANG) == "zh-Hans"
    assert _declared(opf, "schema:accessMode") == ["textual", "visual"]  # the cover is an image
    assert _declared(opf, "schema:accessModeSufficient") == ["textual", "textual,visual"]
    features = _declared(opf, "schema:accessibilityFeature")
    assert {"tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability",
            "alternativeText"} <= set(features)
    # Built with the PDF: a page list of its pages.
    assert {"pageNavigation", "pageBreakMarkers"} <= set(features)
    source = opf.find("opf:metadata/dc:source[@id='page-source']", OPF)
    assert source is not None and "PDF" in source.text
    assert _declared(opf, "schema:accessibilityHazard") == ["none"]
    assert _declared(opf, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert "本书" in _declared(opf, "schema:accessibilitySummary")[0]
    # The crafted post has a picture with no words: no claim that every image is described.
    opf, _ = _package(crafted / "无障碍测试.epub")
    assert "alternativeText" not in _declared(opf, "schema:accessibilityFeature")
    assert _declared(opf, "schema:accessModeSufficient") == ["textual,visual"]
    assert "部分图片没有文字说明" in _declared(opf, "schema:accessibilitySummary")[0]


def _page_marks(epub: Path, pdf: Path) -> tuple[list[int], list[str]]:
    """The page numbers the EPUB marks, in reading order, and the marks whose next block's
    first words are not on that page of the PDF."""
    pages = [re.sub(r"\s+", "", text) for text in pdf_text(pdf).split("\f")]
    opf, roots = _package(epub)
    numbers, wrong = [], []
    for name in sorted(n for n in roots if "/chapter-" in n):
        for span in roots[name].iter(XHTML + "span"):
            if span.get(EPUB_TYPE) != "pagebreak":
                continue
            number = int(span.get("aria-label"))
            numbers.append(number)
            assert span.get("role") == "doc-pagebreak" and span.get("id") == f"page-{number}"
            block = span.getnext()
            while block is not None and block.get(EPUB_TYPE) == "pagebreak":
                block = block.getnext()
            words = re.sub(r"\s+", "", "".join(block.itertext()))[:6] if block is not None else ""
            if not words or words not in pages[number - 1]:
                wrong.append(f"{name} page {number}: {words!r}")
    nav = roots["EPUB/nav.xhtml"].find(f".//{XHTML}nav[@{EPUB_TYPE}='page-list']")
    listed = [int(a.text) for a in nav.iter(XHTML + "a")] if nav is not None else []
    assert listed == sorted(numbers), "the page list names the marked pages"
    return numbers, wrong


def test_epub_page_list_matches_the_pdf_built_with_it(examples, tmp_path):
    numbers, wrong = _page_marks(examples / "tagged" / "示例.epub", examples / "tagged" / "示例.pdf")
    assert not wrong, wrong
    assert numbers == sorted(numbers) and len(numbers) >= 10
    # Every page from the first chapter's to the last page that begins something is marked.
    assert numbers == list(range(numbers[0], numbers[-1] + 1))
    # An EPUB built alone has no page list and claims none.
    _build(str(EXAMPLES), "-o", str(tmp_path), "--title", "示例", "-f", "epub", "--no-cache")
    opf, _ = _package(tmp_path / "示例.epub")
    assert "pageNavigation" not in _declared(opf, "schema:accessibilityFeature")
    assert _page_marks(tmp_path / "示例.epub", examples / "tagged" / "示例.pdf")[0] == []


def test_every_epub_page_has_a_language_and_roles_beside_epub_types(examples):
    _, pages = _package(examples / "tagged" / "示例.epub")
    assert len(pages) > 8
    for name, root in pages.items():
        assert root.get("lang") and root.get(XML_LANG) == root.get("lang"), name
        for element in root.iter():
            for kind in (element.get(EPUB_TYPE) or "").split():
                if kind in ROLES and not element.xpath("ancestor::*[@epub:type='landmarks']",
                                                       namespaces={"epub": "http://www.idpf.org/2007/ops"}):
                    assert element.get("role") == ROLES[kind], (name, etree.tostring(element)[:200])


def test_epub_images_tables_and_headings(crafted):
    epub = crafted / "无障碍测试.epub"
    assert_epubcheck_clean(epub)
    _, pages = _package(epub)
    chapter = next(root for name, root in pages.items() if "chapter-" in name)
    images = {img.get("alt"): img for img in chapter.iter(XHTML + "img")}
    assert "一只红色的方块" in images  # the post's alt text
    assert "蓝色方块的说明" in images  # the caption, when the post gives no alt
    assert images[""].get("role") == "presentation"  # no words at all: decorative
    assert all(figure.find(XHTML + "figcaption") is not None for figure in chapter.iter(XHTML + "figure")
               if figure.find(f".//{XHTML}img[@alt='蓝色方块的说明']") is not None)
    assert [th.get("scope") for th in chapter.iter(XHTML + "th")] == ["col", "col"]
    levels = [int(h.tag[-1]) for h in chapter.iter() if re.fullmatch(r"\{.*\}h[1-6]", str(h.tag))]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))
    # The Japanese quotation carries its language (the nearest lang above its text).
    quoted = chapter.xpath("//x:*[contains(text(), '吾輩')]/ancestor-or-self::x:*[@lang][1]/@lang",
                           namespaces={"x": XHTML[1:-1]})
    assert quoted == ["ja"]
    missing = ace_missing()
    if missing:
        pytest.skip(missing)
    counts = ace_counts(ace_report(epub))
    assert counts["critical"] == 0 and counts["serious"] == 0, counts


@pytest.mark.parametrize("lang, words", [("zh-Hans", "本书"), ("zh-Hant", "本書"), ("ja", "本書は"),
                                         ("ko", "이 책은"), ("en", "This publication"), ("fr", "This publication")])
def test_accessibility_summary_in_the_books_language(lang, words):
    assert epub_a11y.summary(lang, epub_a11y.ImageCensus(), page_list=False).startswith(words)


def test_image_census_counts_captions_and_titles():
    image = Image(src="a.png", alt="")
    doc = Document(Meta(title="t"), (Figure(image, (Text("说明"),)), Paragraph((Image(src="b.png", alt=""),)),
                                     Paragraph((Image(src="c.png", alt="", title="标题"),))))
    book = Book(BookMeta(title="t"), (Part((doc,)),))
    assert epub_a11y.census(book, cover=True) == epub_a11y.ImageCensus(images=4, described=3)


# ------------------------------------------------------------------------------- PDF

def _pdfua_findings(path: Path) -> tuple[list[str], list[str]]:
    """The ``pdfua`` package's findings (rule: message) and the rules it could not run."""
    from pdfua import validate

    report = validate(str(path))
    return ([f"{f.rule_id} {f.severity.name}: {f.message}" for f in report.findings],
            [o.rule_id for o in report.skipped])


# The pdfua 0.1.3 rule for empty headings raises on every /K array (it asks a pikepdf Array for
# an attribute); our own check finds headings with text (pdf_structure's walk, below).
PDFUA_BROKEN = {"UA-14-001"}


def _headings_have_text(path: Path) -> None:
    with pikepdf.open(path) as pdf:
        stack = list(pdf.Root.StructTreeRoot.K)
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                continue
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            if re.fullmatch(r"/H[1-6]", str(node.S)):
                assert kids, "an empty heading"
            stack.extend(kids)


def test_pdf_is_tagged_by_default(examples):
    tagged, untagged = examples / "tagged" / "示例.pdf", examples / "untagged" / "示例.pdf"
    roles, problems = pdf_structure(tagged)
    assert not problems, problems
    for role in ("/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TR", "/TH", "/TD", "/Figure", "/Link", "/Note",
                 "/Caption"):
        assert roles[role], role
    findings, skipped = _pdfua_findings(tagged)
    assert not findings, findings
    assert set(skipped) <= PDFUA_BROKEN, skipped
    _headings_have_text(tagged)
    # --no-tags: the file of before, which the checker finds untagged.
    assert pdf_structure(untagged)[1] == ["no StructTreeRoot"]
    assert any("UA" in f for f in _pdfua_findings(untagged)[0])
    # Tagging changes neither the text, nor its order, nor the fonts; the size hardly.
    assert pdf_text(tagged) == pdf_text(untagged)
    assert [(f["name"], f["type"], f["emb"]) for f in pdf_fonts(tagged)] == \
        [(f["name"], f["type"], f["emb"]) for f in pdf_fonts(untagged)]
    assert tagged.stat().st_size <= 1.3 * untagged.stat().st_size


def _languages(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        stack, found = list(pdf.Root.StructTreeRoot.K), set()
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary) and "/S" in node:
                if "/Lang" in node:
                    found.add(str(node.Lang))
                kids = node.get("/K")
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        return found


def test_pdf_languages_figures_links_and_artifacts(examples, crafted):
    assert {"zh-Hans", "zh-Hant", "ja", "ko", "en"} <= _languages(examples / "tagged" / "示例.pdf")
    pdf_path = crafted / "无障碍测试.pdf"
    roles, problems = pdf_structure(pdf_path)
    assert not problems, problems
    assert "ja" in _languages(pdf_path)
    with pikepdf.open(pdf_path) as pdf:
        alts, contents, artifacts = [], [], 0
        stack = list(pdf.Root.StructTreeRoot.K)
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary) and "/S" in node:
                if node.S == "/Figure":
                    alts.append(str(node.Alt))
                kids = node.get("/K")
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        for page in pdf.pages:
            contents += [str(a.get("/Contents", "")) for a in page.obj.get("/Annots", [])]
            artifacts += sum(1 for operands, op in pikepdf.parse_content_stream(page)
                             if str(op) in ("BMC", "BDC") and operands and operands[0] == pikepdf.Name.Artifact)
        assert sorted(alts) == sorted(["一只红色的方块", "蓝色方块的说明"])  # the decorative one: an artifact
        assert "示例网站" in contents
        assert artifacts  # running heads, page numbers, rules: not read aloud
    # The page number is not in the structure: the text a screen reader gets has no "1" line
    # of its own between the chapter's sentences (it is an artifact).
    assert roles["/Note"] == 1 and roles["/Reference"] == 1


def test_tagged_pdf_joined_from_chunks_has_one_whole_structure_tree(tmp_path, monkeypatch):
    posts = tmp_path / "posts"
    posts.mkdir()
    for post in EXAMPLES.glob("*.md"):
        shutil.copy(post, posts / post.name)
    _post_folder(posts)
    chunks = []

    def build(out: Path, chunk_chars: int) -> Path:
        monkeypatch.setattr(pdf_layout, "CHUNK_CHARS", chunk_chars)
        options = BuildOptions(
            output_dir=out, formats=("epub", "pdf"), output_name="book", build_cache=False,
            book=dataclasses.replace(BookOptions(), title="分块", group="year"),
            write=dataclasses.replace(WriteOptions(), print_mode=True),
            resources=ResourceOptions(offline=True, cache_dir=out / "cache"))
        report = pipeline.build((str(posts),), options, jobs=2)
        assert not report.failures, [str(f) for f in report.failures]
        return out / "book.pdf"

    original = pdf_layout.ChunkedLayout.run

    def spy(layout):
        chunks.append(len(layout.chunks))
        return original(layout)

    monkeypatch.setattr(pdf_layout.ChunkedLayout, "run", spy)
    one = build(tmp_path / "one", 10**9)
    many = build(tmp_path / "many", 200)
    assert chunks[1] >= 5 and chunks[1] > chunks[0]
    one_roles, one_problems = pdf_structure(one)
    many_roles, many_problems = pdf_structure(many)
    assert not one_problems and not many_problems, many_problems
    assert many_roles == one_roles
    # The page list of an EPUB built with a PDF in chunks follows the joined pages.
    numbers, wrong = _page_marks(tmp_path / "many" / "book.epub", many)
    assert numbers and not wrong, wrong
    assert numbers == _page_marks(tmp_path / "one" / "book.epub", one)[0]
    findings, skipped = _pdfua_findings(many)
    assert not findings and set(skipped) <= PDFUA_BROKEN, findings
    with pikepdf.open(many) as pdf:
        root = pdf.Root.StructTreeRoot
        keys = [int(p.obj.StructParents) for p in pdf.pages if "/StructParents" in p.obj]
        assert len(keys) == len(set(keys)) and int(root.ParentTreeNextKey) > max(keys)
        assert len(list(pikepdf.NameTree(root.IDTree).keys())) == len(
            [1 for r in ("/TH", "/Note") for _ in range(many_roles[r])])


# ------------------------------------------------------------------------------- DOCX

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def test_docx_alt_text_headings_header_rows_title_and_language(crafted):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    with zipfile.ZipFile(crafted / "无障碍测试.docx") as z:
        document = etree.fromstring(z.read("word/document.xml"), parser)
        styles = etree.fromstring(z.read("word/styles.xml"), parser)
        core = etree.fromstring(z.read("docProps/core.xml"), parser)
    descriptions = [d.get("descr") for d in document.iter(WP + "docPr")]
    assert "一只红色的方块" in descriptions and "蓝色方块的说明" in descriptions
    used = {s.get(W + "val") for s in document.iter(W + "pStyle")}
    assert {"Heading1", "Heading2"} <= used
    table = next(document.iter(W + "tbl"))
    rows = table.findall(W + "tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert core.findtext(dc + "title") == "无障碍测试" and core.findtext(dc + "language") == "zh-Hans"
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default.get(W + "eastAsia") == "zh-CN"


def test_headings_go_down_one_level_at_a_time_and_empty_header_cells_are_data():
    from converter.core.model import Heading, Table, TableCell, TableRow
    from converter.writers.html import HtmlRenderer

    class NoResources:
        def get(self, _):
            return None

        def source(self, src):
            return src

    blocks = (Heading(3, (Text("深"),)), Heading(1, (Text("浅"),)), Heading(4, (Text("又深"),)),
              Table((TableRow((TableCell((), header=True), TableCell((Paragraph((Text("人口"),)),), header=True))),),
                    (TableRow((TableCell((Paragraph((Text("北京"),)),)), TableCell((Paragraph((Text("1"),)),)))),)))
    html = HtmlRenderer(NoResources(), lambda r: "").chapter(Document(Meta(title="章"), blocks))
    assert re.findall(r"<h(\d)", html) == ["1", "2", "2", "3"]
    assert re.findall(r"<t[hd](?: [^>]*)?>", html)[:2] == ["<td>", '<th scope="col">']
