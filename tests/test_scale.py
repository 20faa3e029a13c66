"""Books built in pieces, as archives are: a PDF laid out in chunks reads exactly as the
one-piece layout of the same book (same pages, same text on each page, same outline,
contents numbers, running heads, destinations and links, also between chunks), in print
(blank versos, chapters on right-hand pages) and on screen, with each font once; a DOCX
converted in pieces equals the one converted whole. And the build cache: an incremental
build equals a cold one, a damaged cache entry is never trusted; progress and the time of
each stage."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest

from converter import pipeline
from converter.core.options import BookOptions, BuildOptions, ResourceOptions, WriteOptions
from converter.writers import docx as docx_writer
from converter.writers import pdf_layout

from .conftest import EXAMPLES
from .pdfbook import read_book
from .test_books import check_contents_matches_chapter_pages, check_running_heads

LINKING = {
    "2024-01-01-first.md": "---\ntitle: 第一篇\nfrom: https://blog.example/posts/first/\n---\n"
                           "请看[第二篇](https://blog.example/posts/second/)的说明。\n\n" + "第一篇的正文。" * 200,
    "2024-01-02-second.md": "---\ntitle: 第二篇\npermalink: /posts/second/\n---\n"
                            "## 小节\n\n回到[第一篇](https://blog.example/posts/first/)。\n\n" + "第二篇的正文。" * 200,
}


@pytest.fixture(scope="module")
def posts(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("chunk-posts")
    for post in EXAMPLES.glob("*.md"):
        shutil.copy(post, folder / post.name)
    for name, text in LINKING.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build(posts: Path, out: Path, *, chunk_chars: int, print_mode: bool, monkeypatch, cache: Path | None = None,
          formats=("pdf",), jobs: int = 2) -> pipeline.BuildReport:
    monkeypatch.setattr(pdf_layout, "CHUNK_CHARS", chunk_chars)
    options = BuildOptions(
        output_dir=out, formats=formats, output_name="book", build_cache=cache is not None,
        book=dataclasses.replace(BookOptions(), title="分块", group="year"),
        write=dataclasses.replace(WriteOptions(), print_mode=print_mode),
        resources=ResourceOptions(offline=True, cache_dir=cache or out / "cache"))
    report = pipeline.build((str(posts),), options, jobs=jobs)
    assert not report.failures, [str(f) for f in report.failures]
    return report


def page_texts(path: Path) -> list[str]:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")


def annotations(path: Path) -> list[tuple[int, str]]:
    """Every link of the PDF: (page, named destination or URI)."""
    out = []
    with pikepdf.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                if "/Dest" in annot:
                    out.append((index, "#" + str(annot.Dest)))
                elif "/A" in annot:
                    out.append((index, str(annot.A.get("/URI", ""))))
    return out


@pytest.mark.parametrize("print_mode", [True, False], ids=["print", "screen"])
def test_chunked_pdf_reads_as_the_one_piece_layout(posts, tmp_path, monkeypatch, print_mode):
    build(posts, tmp_path / "one", chunk_chars=10**9, print_mode=print_mode, monkeypatch=monkeypatch)
    # Small chunks: a few chapters each, the linking chapters each a chunk of their own.
    chunks = []
    original = pdf_layout.ChunkedLayout.run

    def spy(layout):
        chunks.append(len(layout.chunks))
        return original(layout)

    monkeypatch.setattr(pdf_layout.ChunkedLayout, "run", spy)
    build(posts, tmp_path / "many", chunk_chars=1500, print_mode=print_mode, monkeypatch=monkeypatch)
    assert chunks[-1] >= 5
    one, many = tmp_path / "one" / "book.pdf", tmp_path / "many" / "book.pdf"
    assert page_texts(many) == page_texts(one)
    a, b = read_book(str(one)), read_book(str(many))
    assert (b.pages, b.dests, b.outline, b.toc, b.heads, b.feet) == (a.pages, a.dests, a.outline, a.toc, a.heads,
                                                                     a.feet)
    assert annotations(many) == annotations(one)
    # Page numbers run on across chunks; the contents names where each chapter starts.
    chapters = sum(1 for name in b.dests if name.startswith("chapter-"))
    check_contents_matches_chapter_pages(b, chapters)
    assert b.feet[-1] == str(b.pages)
    titles = [title for level, title, _ in b.outline if title not in ("目录", "Contents") and not title.isdigit()]
    assert titles
    # Links between chapters point at the page where the other chapter starts, in any chunk.
    links = [target for _, target in annotations(many) if target.startswith("#chapter-")]
    assert links and all(target[1:] in b.dests for target in links)
    if print_mode:
        # Chapters open on right-hand (odd) pages, with blank versos where needed; "(第 N 页)"
        # names the right page.
        assert all((b.dests[f"chapter-{i}"] + 1) % 2 == 1 for i in range(1, chapters + 1))
        page_of = {title: page for _, title, page in b.outline}
        first, second = page_of["第一篇"], page_of["第二篇"]
        assert f"（第{second + 1}页）" in b.texts[first] and f"（第{first + 1}页）" in b.texts[second]
    # Each font once: the joined file is about the size of the one-piece file.
    assert many.stat().st_size <= 1.25 * one.stat().st_size
    with pikepdf.open(many) as pdf:
        assert str(pdf.Root.Lang) and "/Metadata" in pdf.Root and pdf.docinfo["/Title"] == "分块"


def test_running_heads_continue_into_later_chunks(posts, tmp_path, monkeypatch):
    build(posts, tmp_path, chunk_chars=1500, print_mode=True, monkeypatch=monkeypatch)
    pdf = read_book(str(tmp_path / "book.pdf"))
    titles = [t for level, t, _ in pdf.outline if level == 2]
    assert check_running_heads(pdf, "分块", titles) > 5


def _zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_incremental_build_equals_cold_and_damaged_entries_are_rebuilt(posts, tmp_path, monkeypatch):
    work = tmp_path / "posts"
    shutil.copytree(posts, work)
    cache = tmp_path / "cache"
    formats = ("pdf", "epub", "docx")
    build(work, tmp_path / "warm", chunk_chars=1500, print_mode=True, monkeypatch=monkeypatch, cache=cache,
          formats=formats)
    # One post changes; the rest comes from the cache.
    post = work / "2024-01-02-second.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n\n补充的一句。\n", encoding="utf-8")
    laid = []
    original = pdf_layout.ChunkedLayout.run

    def spy(layout):
        result = original(layout)
        laid.append(result)
        return result

    monkeypatch.setattr(pdf_layout.ChunkedLayout, "run", spy)
    build(work, tmp_path / "warm", chunk_chars=1500, print_mode=True, monkeypatch=monkeypatch, cache=cache,
          formats=formats)
    assert laid[-1].cached >= len(laid[-1].chunks) // 2
    build(work, tmp_path / "cold", chunk_chars=1500, print_mode=True, monkeypatch=monkeypatch, formats=formats)
    for fmt in ("epub", "docx"):
        assert (tmp_path / "warm" / f"book.{fmt}").read_bytes() == (tmp_path / "cold" / f"book.{fmt}").read_bytes()
    assert page_texts(tmp_path / "warm" / "book.pdf") == page_texts(tmp_path / "cold" / "book.pdf")
    # Damage every entry of the build cache: each is noticed, dropped and made again.
    entries = [p for p in (cache / "build").rglob("*") if p.is_file()]
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] + bytes(len(data) - len(data) // 2))
    build(work, tmp_path / "again", chunk_chars=1500, print_mode=True, monkeypatch=monkeypatch, cache=cache,
          formats=formats)
    assert laid[-1].cached == 0
    for fmt in ("epub", "docx"):
        assert (tmp_path / "again" / f"book.{fmt}").read_bytes() == (tmp_path / "cold" / f"book.{fmt}").read_bytes()
    assert page_texts(tmp_path / "again" / "book.pdf") == page_texts(tmp_path / "cold" / "book.pdf")


def test_docx_in_pieces_equals_the_docx_in_one_piece(posts, tmp_path, monkeypatch):
    import docx

    monkeypatch.setattr(docx_writer, "PIECE_CHARS", 10**9)
    build(posts, tmp_path / "one", chunk_chars=10**9, print_mode=False, monkeypatch=monkeypatch, formats=("docx",))
    monkeypatch.setattr(docx_writer, "PIECE_CHARS", 300)
    build(posts, tmp_path / "many", chunk_chars=10**9, print_mode=False, monkeypatch=monkeypatch,
          formats=("docx",))
    one, many = docx.Document(str(tmp_path / "one" / "book.docx")), docx.Document(str(tmp_path / "many" / "book.docx"))
    assert [(p.style.name, p.text) for p in many.paragraphs] == [(p.style.name, p.text) for p in one.paragraphs]
    assert len(many.inline_shapes) == len(one.inline_shapes) and len(many.tables) == len(one.tables)
    parts = _zip_parts(tmp_path / "many" / "book.docx")
    document = parts["word/document.xml"].decode("utf-8")
    notes = parts["word/footnotes.xml"].decode("utf-8")
    # Every reference has its note, every picture and link its relationship, each id once.
    import re

    references = re.findall(r'footnoteReference w:id="(\d+)"', document)
    assert references and all(f'w:id="{r}"' in notes for r in references)
    relationships = parts["word/_rels/document.xml.rels"].decode("utf-8")
    used = set(re.findall(r'r:(?:id|embed)="([^"]+)"', document))
    assert used and all(f'Id="{r}"' in relationships for r in used)
    for kind in ("bookmarkStart w:id", "wp:docPr id"):
        ids = re.findall(kind + r'="(\d+)"', document)
        assert len(ids) == len(set(ids)), kind
    for target in re.findall(r'Target="(media/[^"]+)"', relationships):
        assert f"word/{target}" in parts and f'PartName="/word/{target}"' in parts["[Content_Types].xml"].decode()
    # LibreOffice reads both the same.
    texts = []
    for name in ("one", "many"):
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / name),
                        str(tmp_path / name / "book.docx")], capture_output=True, timeout=300, check=True)
        texts.append(page_texts(tmp_path / name / "book.pdf"))
    assert texts[0] == texts[1]


def test_progress_and_the_time_of_each_stage(posts, tmp_path):
    from converter.core.progress import StageClock

    events = []

    class Display:
        def start(self, stage, total=None):
            events.append(("start", stage, total))

        def advance(self, stage, steps=1, note=""):
            events.append(("advance", stage, steps))

        def finish(self, stage):
            events.append(("finish", stage))

    options = BuildOptions(output_dir=tmp_path, formats=("epub", "docx"), output_name="book",
                           resources=ResourceOptions(offline=True, cache_dir=tmp_path / "cache"))
    report = pipeline.build((str(posts),), options, progress=Display(), jobs=1)
    assert not report.failures
    started = {stage: total for kind, stage, *rest in events if kind == "start" for total in rest if total}
    posts_count = len(list(posts.glob("*.md")))
    assert started["reading"] == posts_count and started["writing epub"] == posts_count
    assert sum(steps for kind, stage, steps in (e for e in events if e[0] == "advance") if stage == "reading") \
        == posts_count
    assert {"reading", "assembling", "images", "writing epub", "writing docx"} <= set(report.timings)
    assert all(seconds >= 0 for seconds in report.timings.values())
    clock = StageClock()
    with clock.stage("x"):
        clock.start("x", 5)  # a writer setting the total does not restart the clock
    assert list(clock.seconds) == ["x"]


def test_cache_entries_are_verified_and_old_ones_pruned(tmp_path):
    import os
    import time

    from converter.core.cachestore import CacheStore, content_key

    store = CacheStore(tmp_path)
    key = content_key("a", "b")
    assert content_key("ab", "") != content_key("a", "b")
    store.put(key, "值".encode() * 1000)
    assert store.get(key) == "值".encode() * 1000
    entry = tmp_path / key[:2] / key
    data = entry.read_bytes()
    entry.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit flipped
    assert store.get(key) is None and not entry.exists()
    store.put(key, b"x")
    entry.write_bytes(entry.read_bytes()[:20])  # cut short, as by a killed write
    assert store.get(key) is None
    store.put(key, b"x")
    old = time.time() - 40 * 24 * 3600
    os.utime(entry, (old, old))
    from converter.core.atomic import temporary_beside

    fd, stale = temporary_beside(entry)  # a write killed before its rename
    os.write(fd, b"half")
    os.close(fd)
    os.utime(stale, (old, old))
    assert store.prune() == 2 and store.get(key) is None


def test_unchanged_chapters_and_pieces_are_reused_and_what_changes_is_made_again(posts, tmp_path, monkeypatch):
    from converter.writers import docx_merge
    from converter.writers import html as html_writer

    work = tmp_path / "posts"
    shutil.copytree(posts, work)
    cache = tmp_path / "cache"
    monkeypatch.setattr(docx_writer, "PIECE_CHARS", 300)
    rendered: list[str] = []
    joined: list[int] = []
    render, contribute = html_writer.HtmlRenderer.chapter, docx_merge.contribution

    def spy_render(self, doc, *args, **kwargs):
        rendered.append(doc.meta.title)
        return render(self, doc, *args, **kwargs)

    def spy_contribution(package, index):
        joined.append(index)
        return contribute(package, index)

    monkeypatch.setattr(html_writer.HtmlRenderer, "chapter", spy_render)
    monkeypatch.setattr(docx_writer, "contribution", spy_contribution)

    def run(out: str, **kwargs) -> None:
        rendered.clear()
        joined.clear()
        build(work, tmp_path / out, chunk_chars=10**9, print_mode=kwargs.get("print_mode", False),
              monkeypatch=monkeypatch, cache=kwargs.get("cache", cache), formats=("epub", "docx"))

    run("warm")
    chapters, pieces = len(rendered), len(joined)
    assert chapters == len(list(work.glob("*.md"))) and pieces > 3
    # Nothing changed: every chapter page and every piece comes from the cache.
    run("warm")
    assert rendered == [] and joined == []
    # A post's body changes: its page and its piece only (the post linking to it is reused).
    second = work / "2024-01-02-second.md"
    second.write_text(second.read_text(encoding="utf-8") + "\n\n补充的一句。\n", encoding="utf-8")
    run("warm")
    assert rendered == ["第二篇"] and len(joined) == 1
    # The post moves to another address: the post linking to it links elsewhere now.
    second.write_text(second.read_text(encoding="utf-8").replace("/posts/second/", "/posts/moved/"),
                      encoding="utf-8")
    run("warm")
    assert sorted(rendered) == ["第一篇", "第二篇"] and 1 <= len(joined) <= 2
    run("cold", cache=None)
    for fmt in ("epub", "docx"):
        assert (tmp_path / "warm" / f"book.{fmt}").read_bytes() == (tmp_path / "cold" / f"book.{fmt}").read_bytes()
    # A setting that changes the pages (print mode): every chapter is made again.
    run("warm", print_mode=True)
    assert len(rendered) == chapters
