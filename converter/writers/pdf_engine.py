"""The PDF engine: WeasyPrint lays out one chunk of a book's HTML, in a worker process.

WeasyPrint gets a URL fetcher that serves only the resolved resources the chunk names and
refuses everything else, so nothing in a post can make the renderer read a file or open a
URL. Fonts come from fontconfig through the font policy's explicit stacks. The chunk's first
page number is learned at the barrier of ``pdf_hooks`` (after pagination); what the joiner
needs (pages, anchors, bookmarks, fonts, running strings at the end) comes back as a
:class:`ChunkLayout`. Imported only where PDFs are laid out (WeasyPrint takes a second to
import).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..core.diagnostics import Diagnostic
from . import pdf_hooks, pdf_tags
from .pdf import RESOURCE_SCHEME


@dataclass(slots=True)
class ChunkTask:
    """One chunk to lay out. ``start``: its first page number when known before layout
    (else the worker asks at the barrier); ``side``: ``right``/``left`` with ``start``.
    ``resources``: resource id → (file, media type) for the images it names. ``target``:
    where its PDF goes; None lays it out for its page count and anchors only. ``tags``: a
    tagged PDF (``pdf_tags``)."""

    index: int
    html: str
    css: str
    carry: dict[str, str]
    resources: dict[str, tuple[str, str]]
    target: str | None
    start: int | None = None
    side: str = "right"
    tags: bool = False


@dataclass(slots=True)
class PageLayout:
    """What the joiner needs of one page: size (CSS px), bookmarks as WeasyPrint makes
    them, and the anchors that begin on it."""

    width: float
    height: float
    bookmarks: list[tuple]
    anchors: list[str]
    blocks: list[str] = field(default_factory=list)  # the marked blocks that start on it
    continued: bool = False  # whether a marked block begun on an earlier page goes on here


@dataclass(slots=True)
class ChunkLayout:
    """The outcome of laying out one chunk."""

    index: int
    pages: list[PageLayout]
    own_strings: dict[str, str]
    fonts: dict[str, dict]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    max_rss: int = 0  # bytes, this worker so far


class _Fetcher(URLFetcher):
    """Serves ``converter-resource:<id>`` URLs of the chunk; denies the rest."""

    def __init__(self, resources: dict[str, tuple[str, str]], warn: Callable[[str, str], None]) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.resources = resources
        self.warn = warn

    def fetch(self, url, headers=None):  # noqa: D401 - WeasyPrint's interface
        found = self.resources.get(url[len(RESOURCE_SCHEME):]) if url.startswith(RESOURCE_SCHEME) else None
        if found is None:
            self.warn("fetch-denied", f"renderer asked for {url[:200]}; refused")
            raise ValueError(f"refused: {url[:200]}")
        path, media_type = found
        return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": media_type})


class _Collect(logging.Handler):
    def __init__(self, warn: Callable[[str, str], None]) -> None:
        super().__init__(logging.WARNING)
        self.warn = warn

    def emit(self, record: logging.LogRecord) -> None:
        self.warn("pdf-engine", record.getMessage()[:500])


_FONT_CONFIG: list[FontConfiguration] = []


def lay_out(task: ChunkTask,
            on_paginated: Callable[[int, dict[str, str]], tuple[int, str, dict[str, str]]] | None) -> ChunkLayout:
    """Lay out ``task`` (and write its PDF when it has a target). ``on_paginated`` is called
    at the barrier when ``task.start`` is unknown."""
    pdf_hooks.install()
    if task.tags:
        pdf_tags.install()
    if not _FONT_CONFIG:
        _FONT_CONFIG.append(FontConfiguration())  # one per process: fonts are loaded once
    font_config = _FONT_CONFIG[0]
    began = time.perf_counter()
    diagnostics: list[Diagnostic] = []

    def warn(code: str, message: str) -> None:
        diagnostics.append(Diagnostic(code, message))

    known = (lambda _count, _strings: (task.start, task.side, task.carry)) if task.start is not None else on_paginated
    pdf_hooks.reset(known, task.carry)
    logger = logging.getLogger("weasyprint")
    handler = _Collect(warn)
    logger.addHandler(handler)
    try:
        fetcher = _Fetcher(task.resources, warn)
        document = HTML(string=task.html, base_url=None, url_fetcher=fetcher).render(
            stylesheets=[CSS(string=task.css, url_fetcher=fetcher, font_config=font_config)],
            font_config=font_config)
        started: set[str] = set()
        pages = [PageLayout(page.width, page.height, [tuple(b) for b in page.bookmarks], list(page.anchors),
                            *_blocks_starting(page, started))
                 for page in document.pages]
        if task.target is not None:
            document.write_pdf(task.target, custom_metadata=True, pdf_tags=task.tags)
        fonts = pdf_hooks.STATE["fonts"]
        own_strings = pdf_hooks.STATE["own_strings"]
    finally:
        logger.removeHandler(handler)
    del document
    gc.collect()
    _release_memory()
    return ChunkLayout(task.index, pages, own_strings, fonts, diagnostics, time.perf_counter() - began,
                       resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


def _blocks_starting(page, started: set[str]) -> tuple[list[str], bool]:
    """The blocks marked ``data-b`` (``html.HtmlRenderer.block_marks``) whose first box is on
    ``page`` (a block split across pages has boxes on each, only the first counts), and
    whether the page holds the rest of a block begun earlier."""
    found, continued = [], False
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        mark = element.get("data-b") if element is not None else None
        if not mark:
            continue
        if mark in started:
            continued = continued or mark not in found
        else:
            started.add(mark)
            found.append(mark)
    return found, continued


def _release_memory() -> None:
    """Give the freed heap back to the system between chunks (glibc keeps it otherwise)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
