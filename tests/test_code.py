"""Code is never lost: every character and every line break of a listing, in every format.

Listings come as ``<pre>``, as fenced Markdown, and as ``<code>`` runs with ``<br>`` line
breaks (a tool's option list, a call trace); a paragraph of nothing but such code is a code
block. Checked on a fixture of hard cases (runs of spaces, tabs, ``<`` and ``&``, a very long
line, CJK comments) and on the listings of the dev corpus, through EPUB, DOCX, PDF, HTML and
text.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from lxml import html as lxml_html
from selectolax.lexbor import LexborHTMLParser

from converter.core.model import Code, CodeBlock, Paragraph
from converter.core.options import ReadOptions
from converter.core.tree import iter_tree
from converter.pipeline import read_one
from converter.readers.html import read_html
from converter.sources import Discovered
from converter.sources.decode import XML_INVALID_RE
from converter.sources.frontmatter import split

from .conftest import FIXTURES, run_converter

LISTINGS = FIXTURES / "code" / "listings.md"


def test_code_with_line_breaks_is_a_listing():
    [block] = read_html("<p><code>usage: x [-h]<br>&nbsp;&nbsp;-h&nbsp;help<br>\n   <br>a &lt; b &amp;&amp; c</code></p>")
    assert block == CodeBlock("usage: x [-h]\n\xa0\xa0-h\xa0help\n\na < b && c")
    [block] = read_html("<div><code>$ ls</code><br><code>total 0</code></div>")
    assert block == CodeBlock("$ ls\ntotal 0")
    # Code whose text has lines of its own (a theme showing <code> as pre), indentation kept.
    [block] = read_html("<p><code>\n    def f():\n        return 1\n</code></p>")
    assert block == CodeBlock("def f():\n    return 1")
    # Inside prose, the lines stay lines of the paragraph.
    [block] = read_html("<p>Run <code>ls<br>pwd</code> now.</p>")
    assert [type(n).__name__ for n in block.content] == ["Text", "Code", "LineBreak", "Code", "Text"]
    assert [n.text for n in block.content if isinstance(n, Code)] == ["ls", "pwd"]
    # One line of code in a paragraph is inline code, as before.
    assert read_html("<p><code>one line</code></p>") == (Paragraph((Code("one line"),)),)


def _listings(doc) -> list[str]:
    return [b.text for b in iter_tree(doc.blocks) if isinstance(b, CodeBlock)]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _epub_listings(path: Path) -> list[str]:
    out = []
    with zipfile.ZipFile(path) as z:
        names = sorted((n for n in z.namelist() if re.match(r"EPUB/text/chapter-\d+\.xhtml$", n)),
                       key=lambda n: int(re.search(r"chapter-(\d+)", n).group(1)))
        for name in names:
            root = etree.fromstring(z.read(name))
            out.extend("".join(pre.itertext()) for pre in root.iter("{http://www.w3.org/1999/xhtml}pre"))
    return out


def _docx_listings(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Source Code"]


def _html_listings(path: Path) -> list[str]:
    root = lxml_html.fromstring(path.read_bytes())
    return ["".join(pre.itertext()) for pre in root.iter("pre")]


_FORMAT_CHARS = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _pdf_body(pdf: Path, titles: set[str]) -> str:
    """The PDF's text without its running heads (the book's or a chapter's title at the top
    of a page) and page numbers (``pdftotext -layout``; pages end with a form feed)."""
    layout = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout
    pages = []
    for page in layout.split("\f"):
        lines = [line for line in page.splitlines() if line.strip()]
        if lines and re.fullmatch(r"\s*\d+\s*", lines[-1]):
            lines.pop()
        if lines and lines[0].strip() in titles:
            lines.pop(0)
        pages.append("\n".join(lines))
    return "\n".join(pages)


def _check_pdf(pdf: Path, listings: list[str], titles: set[str]) -> None:
    """Every character of every listing, in order (lines wrap at the page's edge, and
    zero-width characters draw nothing); every short line on a line of its own."""
    body = _pdf_body(pdf, titles)
    flat = _squash(_FORMAT_CHARS.sub("", body))
    lines = {" ".join(line.split()) for line in body.splitlines()}
    position = 0
    for listing in listings:
        found = flat.find(_squash(_FORMAT_CHARS.sub("", listing)), position)
        assert found >= 0, f"listing lost in the PDF: {listing[:80]!r}"
        position = found
        for line in listing.split("\n"):
            if 0 < len(line) <= 40 and not _FORMAT_CHARS.search(line):
                assert " ".join(line.split()) in lines, f"line not on a line of its own: {line!r}"


@pytest.fixture(scope="module")
def listing_book(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("listings")
    proc = run_converter("build", str(LISTINGS), "-o", str(out), "-f", "epub,docx,pdf,html,txt", "--offline")
    assert proc.returncode == 0, proc.stderr
    files = {p.suffix[1:]: p for p in out.iterdir() if p.suffix in (".epub", ".docx", ".pdf", ".html", ".txt")}
    doc = read_one(Discovered(LISTINGS, LISTINGS.parent), ReadOptions()).doc
    return {"files": files, "listings": _listings(doc)}


def test_fixture_listings_are_read_whole(listing_book):
    listings = listing_book["listings"]
    source = LISTINGS.read_text(encoding="utf-8")
    assert len(listings) == 4
    assert listings[0] == source.split("```python\n")[1].split("\n```")[0]  # tabs, <, &, CJK comments
    assert "\n    indented   with   runs   of   spaces\n<tag attr=\"&\"> &amp; literal" in listings[1]
    assert len(max(listings[1].split("\n"), key=len)) > 200
    assert listings[2].split("\n")[3:] == ["", "调用栈：", "main() → run() → 解析()"]


@pytest.mark.parametrize("fmt", ["epub", "docx", "html"])
def test_fixture_listings_survive_each_format_exactly(listing_book, fmt):
    found = {"epub": _epub_listings, "docx": _docx_listings, "html": _html_listings}[fmt](listing_book["files"][fmt])
    assert found == listing_book["listings"]


def test_fixture_listings_survive_pdf_and_text(listing_book):
    _check_pdf(listing_book["files"]["pdf"], listing_book["listings"], {"代码清单"})
    text = listing_book["files"]["txt"].read_text(encoding="utf-8")
    for listing in listing_book["listings"]:
        assert listing in text


def _source_listings(path: Path) -> list[str]:
    """The listings of a corpus post read independently of the converter: ``<pre>`` text
    with ``<br>`` as line breaks, as a browser shows it (Cloudflare e-mail stubs decoded;
    characters XML cannot hold are the ones a book drops, with a warning)."""
    _meta, body, _ = split(path.read_text(encoding="utf-8"), path)
    tree = LexborHTMLParser(body)
    for node in tree.css("[data-cfemail]"):
        data = bytes.fromhex(node.attributes.get("data-cfemail") or "00")
        node.replace_with(bytes(b ^ data[0] for b in data[1:]).decode("utf-8", "replace"))
    out = []
    for pre in tree.css("pre"):
        parts = [n.text_content or "" if n.tag == "-text" else "\n" for n in pre.traverse(include_text=True)
                 if n.tag in ("-text", "br")]
        text = XML_INVALID_RE.sub("", "".join(parts)).removeprefix("\n").rstrip()
        if text.strip():
            out.append(text)
    return out


@pytest.fixture(scope="module")
def corpus_listings(corpus, tmp_path_factory) -> dict:
    posts = sorted(p for p in corpus.glob("*.md") if "<pre" in p.read_text(encoding="utf-8"))
    assert posts
    expected = {p: _source_listings(p) for p in posts}
    folder = tmp_path_factory.mktemp("corpus-code")
    for post in posts:
        (folder / post.name).symlink_to(post)
    out = tmp_path_factory.mktemp("corpus-code-out")
    proc = run_converter("build", str(folder), "-o", str(out), "-f", "epub,docx,pdf", "--offline", "--order", "input",
                         "--title", "listings")
    assert proc.returncode == 0, proc.stderr
    files = {p.suffix[1:]: p for p in out.iterdir() if p.suffix in (".epub", ".docx", ".pdf")}
    return {"posts": posts, "expected": expected, "files": files}


def test_corpus_listings_are_read_whole(corpus_listings):
    for post in corpus_listings["posts"]:
        doc = read_one(Discovered(post, post.parent), ReadOptions()).doc
        assert _listings(doc) == corpus_listings["expected"][post], post.name


def test_corpus_listings_survive_epub_docx_and_pdf(corpus_listings):
    expected = [text for post in corpus_listings["posts"] for text in corpus_listings["expected"][post]]
    assert len(expected) > 50 and sum(len(t) for t in expected) > 20_000
    assert _epub_listings(corpus_listings["files"]["epub"]) == expected
    assert _docx_listings(corpus_listings["files"]["docx"]) == expected
    titles = {"listings"} | {read_one(Discovered(p, p.parent), ReadOptions()).doc.meta.title
                             for p in corpus_listings["posts"]}
    # Binary dumps (U+FFFD and control pictures) draw with fallback glyphs pdftotext reads
    # back in another order; their characters are checked in EPUB and DOCX above.
    _check_pdf(corpus_listings["files"]["pdf"], [t for t in expected if not re.search("[\ufffd\u2400-\u243f]", t)],
               titles)
