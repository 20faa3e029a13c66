"""DOCX writer: model → pandoc JSON AST → pandoc's docx writer, with a reference document
patched for the book's language (see ``docx_reference``); front matter, contents field and
document properties from ``docx_front``; CJK fixes from ``docx_fixup``; the pieces pandoc
converts joined by ``docx_merge`` into one deterministic package."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pypandoc

from ..core import digests
from ..core.cachestore import code_fingerprint, content_key
from ..core.errors import RenderError
from ..core.langtag import family
from ..core.model import Book, to_data
from .chunking import chunk_bounds
from .docx_fixup import fix_book, fix_piece
from .docx_front import core_properties, front_matter
from .docx_merge import contribution, join
from .docx_reference import patched_reference
from .logcapture import capture_logs
from .pandoc_ast import PandocBuilder, Unit, book_units, pandoc_document, unit_blocks
from .theme import reference_docx, settings
from .ziputil import zip_time, zipped

@cache
def pandoc_api_version() -> list[int]:
    """The pandoc-types API version of the bundled pandoc (read from pandoc itself)."""
    return json.loads(pypandoc.convert_text("", "json", format="markdown"))["pandoc-api-version"]


def pandoc_lang(lang: str) -> str:
    """The tag given to pandoc, which picks its caption translations by it ("zh-Hans" has
    them, "zh-CN" has not); Word's spelling is restored afterwards by ``docx_fixup``."""
    return {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant", "zh-HK": "zh-Hant"}.get(family(lang), lang or "en-US")


# Characters of text per piece that pandoc converts apart (and the build cache keeps).
PIECE_CHARS = 150_000


@dataclass(slots=True)
class _Piece:
    """A run of the book that pandoc converts as one document: the front matter (no
    units), or consecutive parts and chapters."""

    units: list[Unit]
    key: str = ""


class DocxWriter:
    """DOCX through pandoc: the book in pieces (front matter, then runs of chapters cut where
    ``chunking`` says), each converted by pandoc in parallel and kept in the build cache,
    joined by ``docx_merge``. After one post changes, only its piece is converted again."""

    name = "docx"
    extension = ".docx"
    # Word spaces CJK and Latin itself (autoSpaceDE/DN), breaks Korean by words and keeps the
    # kinsoku lists that docx_reference declares. (LibreOffice reads only its own tables and
    # ignores word joiners in CJK text, so joiners would only get in the way of searching.)
    transforms: tuple[str, ...] = ()

    def write(self, book: Book, target: Path, ctx) -> None:
        """Render ``book`` to the DOCX file ``target``."""
        from . import prepared

        book = prepared(book, ctx)
        lang = book.meta.lang
        style = settings(ctx.options.theme).fonts
        reference = patched_reference(reference_docx(ctx.options.theme), lang, style)
        units = book_units(book)
        groups = chunk_bounds([(u.identity, u.size) for u in units], PIECE_CHARS)
        for a, b in zip(groups, groups[1:]):  # a part's title page opens the piece after it
            while a and units[a[-1]].doc is None:
                b.insert(0, a.pop())
        pieces = [_Piece([])] + [_Piece([units[i] for i in group]) for group in groups if group]
        base = content_key("docx-piece", code_fingerprint(), pandoc_version(), hashlib.sha256(reference).hexdigest(),
                           lang, style)
        front = content_key(json.dumps(to_data(book.meta), ensure_ascii=False, sort_keys=True),
                            json.dumps([[d.meta.title for d in part.chapters] for part in book.parts],
                                       ensure_ascii=False))
        for piece in pieces:
            piece.key = content_key(base, front if not piece.units else "", *(
                f"{u.number}\x1f{u.level}\x1f{u.after_part}\x1f{u.part_title}\x1f{u.part_index}\x1f"
                + (digests.digest(u.doc) if u.doc is not None else "") for u in piece.units))
        base, contributions = self._contributions(book, pieces, reference, style, ctx, target)
        parts, order = join(base, contributions)
        parts = fix_book(parts, lang, core_properties(book.meta))
        target.write_bytes(zipped([(name, parts[name]) for name in order],
                                  zip_time(book.meta.modified or book.meta.date)))

    def _contributions(self, book: Book, pieces: list[_Piece], reference: bytes, style: str, ctx,
                       target: Path) -> tuple[dict[str, bytes], list[dict[str, bytes]]]:
        """The first piece's package (the base of the document) and what each later piece adds
        to it (``docx_merge.contribution``): from the build cache when the same piece was at
        the same place before, else made of its package."""
        cache = ctx.cache
        from . import stage as writing

        stage = writing(self.name)
        ctx.progress.start(stage, len(pieces))
        keys = [content_key(piece.key, "contribution", str(index)) for index, piece in enumerate(pieces)]
        found: dict[int, dict[str, bytes]] = {}
        for index in range(1, len(pieces)):
            data = cache.get(keys[index]) if cache is not None else None
            if data is not None:
                found[index] = _unzip(data)
                ctx.progress.advance(stage, note="from the cache")
        todo = [i for i in range(len(pieces)) if i == 0 or i not in found]
        packages = self._packages(book, pieces, todo, reference, style, ctx, target, stage)
        for index in (i for i in todo if i):
            found[index] = contribution(packages[index], index)
            if cache is not None:  # stored, not deflated: the cache compresses its entries itself
                cache.put(keys[index], zipped(list(found[index].items()), stored=tuple(found[index])))
        return packages[0], [found[i] for i in range(1, len(pieces))]

    def _packages(self, book: Book, pieces: list[_Piece], wanted: list[int], reference: bytes, style: str, ctx,
                  target: Path, stage: str) -> dict[int, dict[str, bytes]]:
        """The packages of the pieces ``wanted``: from the build cache, or converted by pandoc
        now (pieces in parallel: pandoc is one process per piece)."""
        cache = ctx.cache
        found: dict[int, dict[str, bytes]] = {}
        for index in wanted:
            piece = pieces[index]
            data = cache.get(piece.key) if cache is not None else None
            if data is not None:
                found[index] = _unzip(data)
                ctx.progress.advance(stage, note="from the cache")
        todo = [i for i in wanted if i not in found]
        if todo:
            with tempfile.TemporaryDirectory(prefix="converter-docx-") as tmp:
                reference_path = Path(tmp) / "reference.docx"
                reference_path.write_bytes(reference)
                jobs = min(len(todo), ctx.jobs or os.cpu_count() or 1)
                with ThreadPoolExecutor(max_workers=jobs) as pool:
                    made = pool.map(lambda i: self._convert(book, pieces[i], i, reference_path, style, ctx, target),
                                    todo)
                    for index, package in zip(todo, made):
                        found[index] = package
                        ctx.progress.advance(stage)
                        if cache is not None:
                            cache.put(pieces[index].key, zipped(list(package.items())))
        return found

    def _convert(self, book: Book, piece: _Piece, index: int, reference: Path, style: str, ctx,
                 target: Path) -> dict[str, bytes]:
        builder = PandocBuilder(ctx.resources, book.meta.lang)
        if not piece.units:
            blocks = front_matter(book, ctx.resources)
        else:
            blocks = [b for unit in piece.units for b in unit_blocks(builder, unit)]
        document = pandoc_document(blocks, pandoc_api_version(), pandoc_lang(book.meta.lang))
        out = reference.with_name(f"piece-{index}.docx")
        try:
            with capture_logs("pypandoc", ctx.diag, "docx-engine"):
                pypandoc.convert_text(json.dumps(document, ensure_ascii=False), "docx", format="json",
                                      outputfile=str(out), extra_args=["--reference-doc", str(reference)])
        except (RuntimeError, OSError) as exc:
            raise RenderError(f"pandoc failed: {exc}", path=target) from exc
        return fix_piece(_unzip(out.read_bytes()), style)


@cache
def pandoc_version() -> str:
    return pypandoc.get_pandoc_version()


def _unzip(data: bytes) -> dict[str, bytes]:
    """The parts of a ZIP package, in its order."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {info.filename: package.read(info.filename) for info in package.infolist()}
