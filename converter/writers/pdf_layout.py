"""A book's PDF laid out in chunks, in parallel worker processes, and joined into one file.

WeasyPrint keeps every laid-out page of a document in memory, so a whole archive cannot be
one WeasyPrint document. The book's HTML is cut at chapter (and part) boundaries into chunks
of about :data:`CHUNK_CHARS` characters; each chunk is laid out by ``pdf_engine`` in a worker
process; ``pdf_join`` joins the chunk PDFs so that the file reads as one layout would:

Where the cuts fall is ``chunking``'s choice: stable when one post changes.

1. **Pass 1.** Every chunk is laid out, in order, by ``jobs`` workers. A chunk learns its
   first page number at the barrier of ``pdf_hooks`` — once every earlier chunk has
   paginated — and the running strings in force at its start; its page numbers and running
   heads are then drawn right. In print, every chunk opens on a right-hand page: a blank
   verso goes between chunks where one layout would have put it. A worker waiting at the
   barrier hands its CPU to another worker (``jobs`` + 1 processes share ``jobs`` tokens).
2. **Pass 2.** Page references in the text — the contents page, and in print the
   "(p. N)" after a link to another chapter — are literal numbers (the theme's
   ``target-counter(attr(href), page)`` becomes ``attr(data-page)``): pass 1 lays out the
   chunks that hold them with placeholders of the same width, and pass 2 lays them out
   again with the numbers, now known. Those chunks are kept small (a chapter with such
   links is a chunk of its own). Pass 2 must paginate as pass 1 did; if it does not, the
   chunks after it are laid out again.
3. **Join** (``pdf_join``): pages, blank versos, named destinations, links between chunks,
   one outline, metadata, one subset per font.

The build cache keeps each chunk's layout (page count, anchors, bookmarks, fonts: keyed by
its HTML, the stylesheet, the fonts and the code) and its PDF (also keyed by its first page
and the running strings): after a post changes, only its chunk is laid out again, and the
chunks after it as well only if its page count changed.
"""

from __future__ import annotations

import html as htmllib
import json
import multiprocessing
import os
import queue
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.cachestore import CacheStore, code_fingerprint, content_key
from ..core.diagnostics import Diagnostics
from ..core.errors import RenderError
from ..core.progress import NoProgress, Progress
from ..fonts.files import installed_fingerprint
from .chunking import chunk_bounds

# Characters of HTML text per chunk: about 100 A5 pages of Chinese. Small enough to keep
# a worker's memory flat, large enough that per-chunk costs stay small.
CHUNK_CHARS = 60_000
STAGE = "laying out"
XREF = "xref:"
_PAGE_REF_RE = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*\)")
_ID_RE = re.compile(r'\sid="([^"]+)"')
_LINK_RE = re.compile(r'<a href="#([^"]*)"')
_TAG_RE = re.compile(r"<[^>]+>")
_RESOURCE_RE = re.compile(r'converter-resource:([^"\')\s]+)')


@dataclass(slots=True)
class BookHtml:
    """The book as the PDF writer renders it: the document's opening (up to and with
    ``<body>``), the front matter (cover, title page, contents), the parts' and chapters'
    sections in reading order, and the document's end."""

    prolog: str
    front: str
    sections: list[str]
    epilog: str

    def whole(self) -> str:
        return self.prolog + self.front + "\n" + "\n".join(self.sections) + self.epilog


@dataclass(slots=True)
class Chunk:
    """Consecutive sections laid out as one WeasyPrint document. ``refs``: it shows page
    numbers of anchors (contents, links between chapters), so pass 2 lays it out again."""

    index: int
    body: str
    ids: frozenset[str]
    refs: bool
    start: int | None = None
    side: str = "right"
    carry: dict[str, str] = field(default_factory=dict)
    pages: int | None = None
    layout: object | None = None  # pdf_engine.ChunkLayout, once laid out
    own_strings: dict[str, str] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        """Whether pass 1 gives its joined PDF (else pass 2 does)."""
        return not self.refs


def page_references(css: str) -> tuple[str, bool]:
    """The stylesheet with page references read from ``data-page`` (which chunks fill
    in), and whether it had any."""
    rewritten, count = _PAGE_REF_RE.subn("attr(data-page)", css)
    return rewritten, count > 0


def _is_part(section: str) -> bool:
    return section.startswith('<section class="part"')


def _groups(sections: list[str], chunk_chars: int, print_mode: bool) -> list[list[str]]:
    """Sections in runs (see ``chunking``); in print, a chapter that names another
    chapter's page is a run of its own (with the part page it opens, if any); a part page
    never ends a run."""
    runs: list[list[str]] = []
    stretch: list[str] = []

    def identity(index: int, section: str) -> str:
        found = _ID_RE.search(section)  # chapter-n, part-n
        return found.group(1) if found else str(index)

    def flush() -> None:
        items = [(identity(i, s), len(_TAG_RE.sub("", s))) for i, s in enumerate(stretch)]
        for indexes in chunk_bounds(items, chunk_chars):
            runs.append([stretch[i] for i in indexes])
        stretch.clear()

    for section in sections:
        if print_mode and 'class="chapter-link"' in section:
            lead = [stretch.pop()] if stretch and _is_part(stretch[-1]) else []
            flush()
            runs.append(lead + [section])
        else:
            stretch.append(section)
    flush()
    for a, b in zip(runs, runs[1:]):  # a part page opens the run after it
        while a and _is_part(a[-1]):
            b.insert(0, a.pop())
    return [run for run in runs if run]


def plan_chunks(book: BookHtml, *, print_mode: bool, chunk_chars: int = CHUNK_CHARS) -> list[Chunk]:
    """The front matter as chunk 0, then the sections in runs of about ``chunk_chars``
    characters of text (cut where ``chunking`` says, so that the cuts stay put when a post
    changes)."""
    has_parts = any(_is_part(s) for s in book.sections)
    chunks = [Chunk(0, book.front, frozenset(_ID_RE.findall(book.front)), True)]
    for group in _groups(book.sections, chunk_chars, print_mode):
        body = "\n".join(group)
        if has_parts and not _is_part(group[0]):
            # Selectors such as ".part ~ .chapter h3" need a part before the chapters.
            body = '<section class="part" style="display: none"></section>\n' + body
        refs = print_mode and 'class="chapter-link"' in body
        chunks.append(Chunk(len(chunks), body, frozenset(_ID_RE.findall(body)), refs))
    return chunks


def chunk_html(book: BookHtml, chunk: Chunk, pages_of: dict[str, int] | None, digits: int) -> str:
    """A chunk as a complete HTML document: its links to anchors elsewhere point to
    ``xref:`` (made into named destinations when joined) and every internal link carries
    its target's page number, or a placeholder of ``digits`` digits in pass 1."""
    def link(match: re.Match) -> str:
        target = match.group(1)
        name = htmllib.unescape(target)
        page = pages_of.get(name) if pages_of is not None else None
        shown = str(page) if page is not None else "0" * digits
        href = f"#{target}" if target in chunk.ids else f"{XREF}{target}"
        return f'<a data-page="{shown}" href="{href}"'
    return book.prolog + _LINK_RE.sub(link, chunk.body) + book.epilog


def resources_of(html: str, lookup) -> dict[str, tuple[str, str]]:
    """The resources a chunk names, as (file, media type) for the worker's fetcher."""
    found = {}
    for rid in set(_RESOURCE_RE.findall(html)):
        resource = lookup.get(rid)
        if resource is not None:
            found[rid] = (str(resource.path), resource.media_type)
    return found


# ------------------------------------------------------------------------------- workers


def _worker(tasks, results, reply, tokens) -> None:
    """A worker process: lay out tasks until told to stop. A chunk laid out for its page
    count only does not wait at the barrier: its margin boxes are thrown away."""
    from . import pdf_engine

    while True:
        task = tasks.get()
        if task is None:
            return

        def on_paginated(count: int, own: dict[str, str], task=task) -> tuple[int, str, dict[str, str]]:
            results.put(("paginated", os.getpid(), task.index, (count, own)))
            if task.target is None:
                return 1, "right", {}
            tokens.release()  # waiting at the barrier: let another worker compute
            try:
                return reply.get()
            finally:
                tokens.acquire()

        tokens.acquire()
        try:
            layout = pdf_engine.lay_out(task, on_paginated)
        except BaseException as exc:  # noqa: BLE001 - reported to the coordinator, which fails the PDF
            results.put(("failed", os.getpid(), task.index, f"{type(exc).__name__}: {exc}"))
            return
        finally:
            tokens.release()
        results.put(("done", os.getpid(), task.index, layout))


class _Pool:
    """Worker processes (``jobs`` + 1 sharing ``jobs`` CPU tokens, so that one waiting at
    the barrier does not idle a core), each with its own reply queue for the barrier;
    started with the first task (a build whose chunks all come from the cache starts none)."""

    def __init__(self, jobs: int, chunks: int) -> None:
        self.jobs, self.chunks = jobs, chunks
        self.processes: list = []

    def _start(self) -> None:
        jobs, chunks = self.jobs, self.chunks
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["converter.writers.pdf_engine"])
        count = min(chunks, jobs + 1 if jobs > 1 else 1)
        self.tasks = context.Queue()
        self.results = context.Queue()
        self.tokens = context.Semaphore(jobs)
        self.replies: dict[int, object] = {}
        self.processes = []
        for _ in range(count):
            reply = context.Queue()
            process = context.Process(target=_worker, args=(self.tasks, self.results, reply, self.tokens),
                                      daemon=True)
            process.start()
            self.replies[process.pid] = reply
            self.processes.append(process)

    def submit(self, task) -> None:
        if not self.processes:
            self._start()
        self.tasks.put(task)

    def reply(self, pid: int, message) -> None:
        self.replies[pid].put(message)

    def get(self):
        """The next message of a worker; RenderError when a worker died."""
        while True:
            try:
                return self.results.get(timeout=5)
            except queue.Empty:
                dead = [p for p in self.processes if not p.is_alive()]
                if dead:
                    raise RenderError(f"a PDF layout process died (exit status {dead[0].exitcode}; out of "
                                      "memory?)", hint="build again with -j 1") from None

    def close(self) -> None:
        for _ in self.processes:
            self.tasks.put(None)
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()


# ---------------------------------------------------------------------------- coordinator


@dataclass(slots=True)
class LaidOut:
    """The chunks of a book, laid out: their PDFs (in order), how many passes it took and
    how many chunks came from the build cache."""

    chunks: list[Chunk]
    files: list[Path]
    passes: int = 1
    cached: int = 0


class ChunkedLayout:
    """Lays out the chunks of one book (see the module's description)."""

    def __init__(self, book: BookHtml, css: str, *, print_mode: bool, work: Path, lookup, diag: Diagnostics,
                 jobs: int = 0, cache: CacheStore | None = None, progress: Progress | None = None,
                 chunk_chars: int = CHUNK_CHARS, tags: bool = False) -> None:
        self.book = book
        self.tags = tags
        self.css, _ = page_references(css)
        self.print_mode = print_mode
        self.lookup = lookup
        self.diag = diag
        self.jobs = jobs or os.cpu_count() or 1
        self.cache = cache
        self.progress = progress or NoProgress()
        self.chunks = plan_chunks(book, print_mode=print_mode, chunk_chars=chunk_chars)
        self.files = [work / f"chunk-{c.index:04d}.pdf" for c in self.chunks]
        # Placeholder page numbers as wide as the book's page numbers will likely be.
        self.digits = max(1, len(str(max(1, sum(len(s) for s in book.sections) // 700))))
        self._base = ""
        self.pages_done = 0
        self.cached = 0

    # ----------------------------------------------------------------- keys and cache
    def _layout_key(self, html: str) -> str:
        if not self._base:
            import weasyprint

            self._base = content_key("pdf-chunk", code_fingerprint(), weasyprint.__version__, installed_fingerprint(),
                                     self.css)
        return content_key(self._base, html)

    def _pdf_key(self, layout_key: str, chunk: Chunk) -> str:
        return content_key("pdf-file", layout_key, str(chunk.start), chunk.side, "tagged" if self.tags else "",
                           json.dumps(chunk.carry, sort_keys=True, ensure_ascii=False))

    def _cached_layout(self, key: str):
        from .pdf_engine import ChunkLayout, PageLayout

        data = self.cache.get(key) if self.cache is not None else None
        if data is None:
            return None
        try:
            entry = json.loads(data)
            pages = [PageLayout(w, h, [tuple(b) for b in bookmarks], anchors, blocks, continued)
                     for w, h, bookmarks, anchors, blocks, continued in entry["pages"]]
            fonts = {name: {**font, "glyphs": set(font["glyphs"])} for name, font in entry["fonts"].items()}
            return ChunkLayout(entry["index"], pages, entry["own"], fonts)
        except (ValueError, KeyError, TypeError):
            return None

    def _store_layout(self, key: str, layout) -> None:
        if self.cache is None:
            return
        entry = {"index": layout.index, "own": layout.own_strings,
                 "pages": [[p.width, p.height, p.bookmarks, p.anchors, p.blocks, p.continued]
                           for p in layout.pages],
                 "fonts": {name: {**font, "glyphs": sorted(font["glyphs"])} for name, font in layout.fonts.items()}}
        self.cache.put(key, json.dumps(entry, ensure_ascii=False).encode("utf-8"))

    def _pdf_from_cache(self, chunk: Chunk, key: str) -> bool:
        data = self.cache.get(self._pdf_key(key, chunk)) if self.cache is not None else None
        if data is None:
            return False
        self.files[chunk.index].write_bytes(data)
        self.cached += 1
        self._advance(chunk)
        return True

    def _advance(self, chunk: Chunk, final: bool = True) -> None:
        if final:
            self.pages_done += chunk.pages or 0
        self.progress.advance(STAGE, 1, f"{self.pages_done} pages")

    # --------------------------------------------------------------------- positions
    def _place(self) -> None:
        """Start pages, sides and running strings of the chunks whose predecessors have all
        paginated."""
        page, carry = 1, {}
        for chunk in self.chunks:
            if chunk.start is None:
                if self.print_mode and page % 2 == 0:
                    page += 1  # a blank verso: chapters open on right-hand pages
                chunk.start, chunk.side, chunk.carry = page, "right" if page % 2 else "left", dict(carry)
            if chunk.pages is None:
                return
            page = chunk.start + chunk.pages
            carry = {**chunk.carry, **chunk.own_strings}

    def anchor_pages(self) -> dict[str, int]:
        """The page number of each anchor (its first occurrence)."""
        pages: dict[str, int] = {}
        for chunk in self.chunks:
            for offset, page in enumerate(chunk.layout.pages):
                for name in page.anchors:
                    pages.setdefault(name, chunk.start + offset)
        return pages

    # ---------------------------------------------------------------------------- run
    def run(self) -> LaidOut:
        self.progress.start(STAGE, len(self.chunks) + sum(c.refs for c in self.chunks))
        pool = None
        passes = 1
        try:
            pool = _Pool(self.jobs, len(self.chunks))
            self._pass(pool, pass_two=False)
            for _attempt in range(3):
                if not any(c.refs for c in self.chunks):
                    break
                passes += 1
                changed = self._pass(pool, pass_two=True)
                if changed is None:
                    break
                # A chunk paginated differently with its real numbers: the chunks after it
                # move, and are laid out again; then the numbers, again.
                for chunk in self.chunks[changed + 1:]:
                    chunk.start = chunk.pages = chunk.layout = None
                    self.files[chunk.index].unlink(missing_ok=True)
                self._pass(pool, pass_two=False)
            else:
                self.diag.warn("pdf-page-references", "page numbers in the contents or in links between chapters "
                                                      "may be off: the layout did not settle")
        finally:
            if pool is not None:
                pool.close()
            self.progress.finish(STAGE)
        return LaidOut(self.chunks, self.files, passes, self.cached)

    def _task(self, chunk: Chunk, html: str, final: bool, known: bool):
        from .pdf_engine import ChunkTask

        return ChunkTask(chunk.index, html, self.css, dict(chunk.carry), resources_of(html, self.lookup),
                         str(self.files[chunk.index]) if final else None, chunk.start if known else None,
                         chunk.side, self.tags)

    def _pass(self, pool: _Pool, *, pass_two: bool) -> int | None:
        """Pass 1: lay out the chunks not laid out yet, page references as placeholders (the
        chunks that show them for their pages only). Pass 2: lay out the chunks with page
        references with their numbers. Returns the index of the first chunk whose page count
        pass 2 changed, else None."""
        pages_of = self.anchor_pages() if pass_two else None
        todo = [c for c in self.chunks if (c.refs if pass_two else c.layout is None)]
        htmls = {c.index: chunk_html(self.book, c, pages_of, self.digits) for c in todo}
        keys = {c.index: self._layout_key(htmls[c.index]) for c in todo}
        final = {c.index: pass_two or c.final for c in todo}
        expected = {c.index: c.pages for c in todo}
        running: set[int] = set()
        waiting: dict[int, int] = {}  # chunk → pid of its worker, waiting at the barrier
        for chunk in todo:
            cached = self._cached_layout(keys[chunk.index])
            if cached is not None and (not pass_two or len(cached.pages) == expected[chunk.index]):
                chunk.layout, chunk.own_strings, chunk.pages = cached, cached.own_strings, len(cached.pages)
                if not final[chunk.index]:
                    self._advance(chunk, final=False)
            else:
                # Pass 1 learns where the chunk starts at the barrier; pass 2 knows it.
                pool.submit(self._task(chunk, htmls[chunk.index], final[chunk.index], known=pass_two))
                running.add(chunk.index)
        changed = None
        while True:
            self._place()
            for index in [i for i in waiting if self.chunks[i].start is not None]:
                chunk = self.chunks[index]
                pool.reply(waiting.pop(index), (chunk.start, chunk.side, chunk.carry))
            for chunk in todo:
                # Laid out before, now placed: its PDF from the cache, or laid out again.
                if (final[chunk.index] and chunk.index not in running and chunk.start is not None
                        and not self.files[chunk.index].exists()
                        and not self._pdf_from_cache(chunk, keys[chunk.index])):
                    pool.submit(self._task(chunk, htmls[chunk.index], True, known=True))
                    running.add(chunk.index)
            if not running:
                return changed
            kind, pid, index, payload = pool.get()
            chunk = self.chunks[index]
            if kind == "failed":
                raise RenderError(f"laying out the PDF failed (chunk {index}): {payload}")
            if kind == "paginated":  # only from chunks laid out without a known start
                chunk.pages, chunk.own_strings = payload
                if final[index]:  # the worker waits for its start (a page count alone does not)
                    waiting[index] = pid
                continue
            running.discard(index)
            self.diag.extend(payload.diagnostics)
            chunk.layout, chunk.pages, chunk.own_strings = payload, len(payload.pages), payload.own_strings
            self._store_layout(keys[index], payload)
            if final[index] and self.cache is not None:
                self.cache.put(self._pdf_key(keys[index], chunk), self.files[index].read_bytes())
            self._advance(chunk, final[index])
            if pass_two and chunk.pages != expected[index] and (changed is None or index < changed):
                changed = index


def page_map(laid_out: LaidOut) -> dict[int, dict[int, tuple[int, ...]]]:
    """Where the pages of the laid-out book begin, for an EPUB's page list: chapter number →
    top-level block index (-1: the chapter's start) → the page numbers to mark there. A page
    is marked before the first chapter or block that starts on it; a page on which nothing
    starts but the rest of a long block is marked with the next page that has a start; pages
    before the first chapter (cover, title page, contents), part pages and blank pages are
    not marked."""
    marks: dict[int, dict[int, list[int]]] = {}
    waiting: list[int] = []
    opened: set[int] = set()  # a chapter's anchor is on every page its section's boxes are
    for chunk in laid_out.chunks:
        for offset, page in enumerate(chunk.layout.pages):
            number = chunk.start + offset
            chapters = {int(a[len("chapter-"):]) for a in page.anchors
                        if a.startswith("chapter-") and a[len("chapter-"):].isdigit()} - opened
            opened |= chapters
            starts = [(chapter, -1) for chapter in chapters]
            starts += [tuple(int(x) for x in mark.split(".")) for mark in page.blocks]
            if not starts:
                if page.continued:  # the page holds only the middle of a block
                    waiting.append(number)
                continue
            chapter, block = min(starts)
            marks.setdefault(chapter, {}).setdefault(block, []).extend(waiting + [number])
            waiting = []
    return {chapter: {block: tuple(pages) for block, pages in blocks.items()} for chapter, blocks in marks.items()}


def lay_out_book(book: BookHtml, css: str, target: Path, *, meta, print_mode: bool, lookup, diag: Diagnostics,
                 jobs: int = 0, cache: CacheStore | None = None, progress: Progress | None = None,
                 keep_html: Path | None = None, chunk_chars: int = CHUNK_CHARS, tags: bool = False) -> LaidOut:
    """Lay out ``book`` in chunks and join them into the PDF ``target`` (tagged with ``tags``)."""
    from .pdf_join import join

    with tempfile.TemporaryDirectory(prefix="converter-pdf-") as work_name:
        layout = ChunkedLayout(book, css, print_mode=print_mode, work=Path(work_name), lookup=lookup, diag=diag,
                               jobs=jobs, cache=cache, progress=progress, chunk_chars=chunk_chars, tags=tags)
        laid_out = layout.run()
        if keep_html is not None:
            keep(layout, keep_html)
        join(laid_out, target, meta=meta, print_mode=print_mode, diag=diag, tags=tags)
    return laid_out


def keep(layout: ChunkedLayout, folder: Path) -> None:
    """``--keep-html``: each chunk's HTML and CSS as laid out (``chunk-NNNN.html``), and the
    whole book as one document with the same stylesheet (``book.html``): what plain
    WeasyPrint would be given."""
    folder.mkdir(parents=True, exist_ok=True)
    pages_of = layout.anchor_pages()
    body = layout.book.front + "\n" + "\n".join(layout.book.sections)
    whole = Chunk(0, body, frozenset(_ID_RE.findall(body)), False)
    for stem, chunk in [("book", whole)] + [(f"chunk-{c.index:04d}", c) for c in layout.chunks]:
        (folder / f"{stem}.html").write_text(chunk_html(layout.book, chunk, pages_of, layout.digits),
                                             encoding="utf-8")
        (folder / f"{stem}.css").write_text(layout.css, encoding="utf-8")
