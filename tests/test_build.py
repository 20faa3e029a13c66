"""End to end through the command line: the bundled examples into PDF, EPUB, DOCX and HTML,
checked the way a reader would see them (EPUBCheck, pdftotext/pdffonts, LibreOffice)."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from converter.core.model import Document, from_json

from .conftest import EXAMPLES, assert_epubcheck_clean, pdf_fonts, pdf_text, run_converter

SEED = next(EXAMPLES.glob("2021-01-06-*.md"))
SEED_SENTENCE = "中国金融监管机构企图迫使蚂蚁集团共享庞大的消费者信用信息"
TITLE = "示例文集 Examples"
OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("examples")
    # --offline: the remote images of the seed post stay placeholders wherever the tests run.
    proc = run_converter("build", str(EXAMPLES), "-o", str(out), "--title", TITLE, "-f", "pdf,epub,docx,html",
                         "--offline")
    assert proc.returncode == 0, proc.stderr
    files = {p.suffix[1:]: p for p in out.iterdir() if not p.name.endswith(".json")}
    assert set(files) == {"pdf", "epub", "docx", "html"}, files
    assert all(p.stem == TITLE for p in files.values())
    return files


def test_epub_is_valid_and_complete(built):
    assert_epubcheck_clean(built["epub"])
    with zipfile.ZipFile(built["epub"]) as z:
        names = z.namelist()
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        chapters = sorted(n for n in names if re.match(r"EPUB/text/chapter-\d+\.xhtml", n))
        assert len(chapters) == len(list(EXAMPLES.glob("*.md")))
        assert "EPUB/nav.xhtml" in names and "EPUB/toc.ncx" in names
        assert opf.findtext("opf:metadata/dc:language", namespaces=OPF_NS) == "zh-Hans"
        assert opf.findtext("opf:metadata/dc:title", namespaces=OPF_NS) == TITLE
        langs = set()
        for name in chapters:
            root = etree.fromstring(z.read(name))
            langs.add(root.get("{http://www.w3.org/XML/1998/namespace}lang"))
            assert root.find(".//{http://www.w3.org/1999/xhtml}link").get("href") == "../styles/book.css"
        assert {"zh-Hans", "zh-Hant", "ja", "ko", "en"} <= langs
        cover = opf.find("opf:manifest/opf:item[@properties='cover-image']", namespaces=OPF_NS).get("href")
        images = [n for n in names if n.startswith("EPUB/images/") and n != "EPUB/" + cover]
        assert len(images) == 1 and z.read(images[0])[:8] == b"\x89PNG\r\n\x1a\n"
        text = "".join(z.read(n).decode() for n in chapters)
        assert SEED_SENTENCE in text
        # Remote images of the seed are visible placeholders, never broken references; the
        # CMS's zoom icons are gone.
        assert text.count('class="image-placeholder"') == 2
        assert "icon-zoom.png" not in text


def test_pdf_fonts_text_and_outline(built):
    fonts = pdf_fonts(built["pdf"])
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    assert not any("Type 3" in f["type"] for f in fonts), fonts
    names = " ".join(f["name"] for f in fonts)
    for face in ("CJK-SC", "CJK-TC", "CJK-JP", "CJK-KR"):
        assert face in names, names
    text = pdf_text(built["pdf"])
    flat = re.sub(r"\s+", "", text)
    assert SEED_SENTENCE in flat
    for phrase in ("臺北秋日散步", "哲学の道", "서울의", "Plain text has", "一杯好茶"):
        assert phrase.replace(" ", "") in flat, phrase
    with pdfplumber.open(built["pdf"]) as pdf:
        catalog = pdf.doc.catalog
        assert catalog["Lang"].decode() == "zh-Hans"
        outline = [o[1] for o in pdf.doc.get_outlines()]
        assert any("臺北秋日散步" in t for t in outline)


def test_pdf_pages_render(built, tmp_path):
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "2", str(built["pdf"]), str(tmp_path / "p")],
                   check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 2


def test_docx_styles_and_libreoffice(built, tmp_path):
    with zipfile.ZipFile(built["docx"]) as z:
        styles = z.read("word/styles.xml").decode()
        document = z.read("word/document.xml").decode()
    assert re.search(r'<w:rFonts [^>]*w:eastAsia="Noto Serif CJK SC"', styles)
    assert re.search(r'<w:lang [^>]*w:eastAsia="zh-CN"', styles)
    # CJK tags never sit in the Latin slot; Japanese runs get the Japanese face.
    assert not re.search(r'<w:lang [^>]*w:val="(zh|ja|ko)', document)
    assert re.search(r'w:eastAsia="Noto Serif CJK JP"', document)
    assert re.search(r'<w:lang [^>]*w:eastAsia="ko-KR"', document)
    import docx

    d = docx.Document(str(built["docx"]))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading 1")]
    assert any("臺北秋日散步" in h for h in headings)
    proc = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(built["docx"])], capture_output=True, text=True, timeout=300)
    pdf = tmp_path / (built["docx"].stem + ".pdf")
    assert pdf.exists(), proc.stderr
    assert SEED_SENTENCE in re.sub(r"\s+", "", pdf_text(pdf))


def test_html_output_is_self_contained(built):
    html = built["html"].read_text(encoding="utf-8")
    etree.fromstring(html.encode())
    assert "data:image/png;base64," in html
    assert SEED_SENTENCE in html


def test_inspect_json_round_trips_for_every_example():
    posts = sorted(EXAMPLES.glob("*.md"))
    proc = run_converter("inspect", *map(str, posts))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().split("\n")
    assert len(lines) == len(posts)
    for line in lines:
        doc = from_json(line)
        assert isinstance(doc, Document) and doc.meta.title and doc.blocks
        assert from_json(json.dumps(json.loads(line))) == doc


def test_inspect_text_and_html():
    proc = run_converter("inspect", "--format", "text", str(SEED))
    assert proc.returncode == 0
    title, body = proc.stdout.split("\n", 1)  # the text writer's output: the title line, then the text
    assert title == "美媒曝北京要分享蚂蚁大数据 马云能拒绝吗？" and body.startswith("据媒体报导")
    assert "https://" not in proc.stdout and "<" not in proc.stdout
    html = run_converter("inspect", "--format", "html", str(SEED)).stdout
    assert html.startswith("<?xml") and "<title>美媒曝北京" in html  # the HTML writer's document
    for img in re.findall(r"<img[^>]*>|<[^>]*placeholder[^>]*>", html):
        assert "src=" in img or "placeholder" in img


def test_per_post_outputs(tmp_path):
    proc = run_converter("build", str(EXAMPLES), "-o", str(tmp_path), "--per-post", "-f", "epub", "--offline")
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in tmp_path.glob("*.epub"))
    assert len(names) == len(list(EXAMPLES.glob("*.md")))
    assert "臺北秋日散步：從大稻埕到淡水河邊.epub" in names
    for epub in tmp_path.glob("*.epub"):
        assert_epubcheck_clean(epub)


def test_ids_stay_inside_their_chapter(tmp_path):
    # Two posts with the same ids (and ids the writers use themselves): each post's "#intro"
    # must land in its own chapter, in Word's book-wide bookmarks as in the EPUB's files.
    posts = tmp_path / "posts"
    posts.mkdir()
    for day, word in ((1, "甲"), (2, "乙")):
        (posts / f"2024-01-0{day}-p{day}.md").write_text(
            f"---\ntitle: 文{word}\n---\n<p><a href=\"#intro\">跳到{word}</a>正文[^1]</p>\n\n"
            f"<h2 id=\"intro\">{word}节</h2>\n\n<p id=\"note-1\">段落</p>\n\n[^1]: {word}注\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_converter("build", str(posts), "-o", str(out), "-f", "epub,docx", "--title", "书")
    assert proc.returncode == 0, proc.stderr
    assert_epubcheck_clean(out / "书.epub")
    with zipfile.ZipFile(out / "书.epub") as z:
        chapters = sorted(n for n in z.namelist() if "chapter-" in n and n.endswith(".xhtml"))
        for number, name in enumerate(chapters, 1):
            page = z.read(name).decode()
            assert f'href="#c{number}-intro"' in page and f'id="c{number}-intro"' in page
    with zipfile.ZipFile(out / "书.docx") as z:
        document = z.read("word/document.xml").decode()
    bookmarks = re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', document)
    assert len(bookmarks) == len(set(bookmarks)) and {"c1-intro", "c2-intro"} <= set(bookmarks)
    assert re.findall(r'w:anchor="(c\d-intro)"', document) == ["c1-intro", "c2-intro"]


def test_bad_posts_are_reported_and_skipped(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "2024-01-01-good.md").write_text("---\ntitle: 好文章\n---\n正文。\n", encoding="utf-8")
    (posts / "broken.md").write_text("---\ntitle: [oops\n---\nbody\n", encoding="utf-8")
    (posts / "empty.md").write_text("", encoding="utf-8")
    (posts / "binary.md").write_bytes(b"\x00\x01\x02\x89PNG")
    (posts / "legacy.md").write_bytes("---\ntitle: 旧编码\n---\n中文".encode("gb18030"))
    out = tmp_path / "out"
    proc = run_converter("build", str(posts), "-o", str(out), "-f", "epub,docx")
    assert proc.returncode == 1
    errors = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert len(errors) == 4, proc.stderr
    for name, problem in (("broken.md", "YAML"), ("empty.md", "empty"), ("binary.md", "binary"),
                          ("legacy.md", "UTF-8")):
        assert any(name in e and problem in e for e in errors), (name, errors)
    assert (out / "好文章.epub").exists() and (out / "好文章.docx").exists()
    assert_epubcheck_clean(out / "好文章.epub")
    assert not list(out.glob("*.part")) and not list(out.glob(".*"))


def test_usage_errors_exit_2(tmp_path):
    assert run_converter("build", str(EXAMPLES), "-f", "mobi", "-o", str(tmp_path)).returncode == 2
    assert run_converter("build").returncode == 2
    assert run_converter("build", str(EXAMPLES), "--lang", "not a tag!", "-o", str(tmp_path)).returncode == 2
