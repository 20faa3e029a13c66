"""Join the chunk PDFs of a book into one file that reads as one layout would (pikepdf).

Pages in order, with a blank verso wherever a printed book needs one between chunks; the
named destinations of every chunk in one name tree; links to another chunk (``xref:``
URIs, see ``pdf_layout``) turned into links to its named destination; one outline, nested
by WeasyPrint's own algorithm over every page's bookmarks; the document information and
language of the first chunk, the book's XMP packet; one font program per face
(``pdf_fonts``); for a tagged book one structure tree (``pdf_tags``) and the title shown in
the viewer's window. Saved with object streams and a deterministic identifier.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..core.diagnostics import Diagnostics
from ..core.model import BookMeta
from .pdf_fonts import merge_fonts
from .pdf_layout import XREF, LaidOut
from .pdf_tags import StructureMerger
from .xmp import xmp_packet

# CSS pixels to PDF points (WeasyPrint's default zoom).
_SCALE = 0.75


def _blank_like(pdf: pikepdf.Pdf, model: pikepdf.Page) -> pikepdf.Page:
    """An empty page of ``model``'s size and boxes: the print theme puts nothing on blank
    pages (no head, no number), as WeasyPrint's own ``:blank`` pages."""
    page = pdf.add_blank_page(page_size=(float(model.MediaBox[2]), float(model.MediaBox[3])))
    for box in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox"):
        if box in model.obj:
            page.obj[box] = Array(list(model.obj[box]))
    return page


def _outline(pdf: pikepdf.Pdf, fake_pages: list[SimpleNamespace]) -> int:
    from weasyprint.document import Document  # its bookmark-nesting algorithm, over every page

    tree = Document.make_bookmark_tree(SimpleNamespace(pages=fake_pages), scale=_SCALE, transform_pages=True)
    count = 0

    def add(items, parent) -> None:
        nonlocal count
        for label, (page_number, x, y), children, state in items:
            item = pikepdf.OutlineItem(label, page_number, "XYZ", left=x, top=y, zoom=0)
            add(children, item.children)
            item.is_closed = state == "closed"
            parent.append(item)
            count += 1

    with pdf.open_outline() as outline:
        add(tree, outline.root)
    return count


def join(laid_out: LaidOut, target: Path, *, meta: BookMeta, print_mode: bool, diag: Diagnostics,
         tags: bool = False) -> dict:
    """Write the joined PDF to ``target``; returns counts for benchmarks and tests."""
    pdf = pikepdf.new()
    structure = StructureMerger(pdf)
    sources = [pikepdf.open(path) for path in laid_out.files]
    destinations: dict[str, tuple[int, float, float]] = {}
    fake_pages: list[SimpleNamespace] = []
    font_uses: dict[str, list] = defaultdict(list)
    blanks = 0
    try:
        for chunk, source in zip(laid_out.chunks, sources):
            while len(pdf.pages) + 1 < chunk.start:
                _blank_like(pdf, source.pages[0])
                fake_pages.append(SimpleNamespace(bookmarks=[], height=chunk.layout.pages[0].height))
                blanks += 1
            base = len(pdf.pages)
            index_of = {page.obj.objgen: base + i for i, page in enumerate(source.pages)}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # PageCopyWarning: the destinations are merged here
                pdf.pages.extend(source.pages)
            structure.add(source, list(pdf.pages)[base:])
            fake_pages.extend(SimpleNamespace(bookmarks=page.bookmarks, height=page.height)
                              for page in chunk.layout.pages)
            names = source.Root.get("/Names", {}).get("/Dests")
            if names is not None:
                for name, dest in pikepdf.NameTree(names).items():
                    page_index = index_of.get(dest[0].objgen)
                    if page_index is not None:
                        destinations.setdefault(name, (page_index, float(dest[2]), float(dest[3])))
            seen = set()
            for i in range(len(source.pages)):
                resources = pdf.pages[base + i].obj.get("/Resources")
                fonts = resources.get("/Font") if resources is not None else None
                if fonts is None or fonts.objgen in seen:
                    continue
                seen.add(fonts.objgen)
                for key in fonts.keys():
                    font_uses[key[1:]].append((chunk.index, fonts))
        first = sources[0]
        pdf.trailer.Info = pdf.copy_foreign(first.trailer.Info) if "/Info" in first.trailer else Dictionary()
        # MarkInfo comes with the structure tree; ViewerPreferences are set here.
        for key in ("/Lang", "/PageLabels"):
            if key in first.Root:
                value = first.Root[key]
                pdf.Root[key] = pdf.copy_foreign(value) if value.is_indirect else value
        # The window shows the book's title, not the file's name.
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        structure.finish()
        tree = pikepdf.NameTree.new(pdf)
        for name in sorted(destinations):
            page_index, x, y = destinations[name]
            tree[name] = Array([pdf.pages[page_index].obj, Name.XYZ, x, y, 0])
        pdf.Root.Names = Dictionary(Dests=tree.obj)
        rewritten, dangling = _internal_links(pdf, destinations)
        if dangling:
            diag.warn("pdf-link", f"{dangling} link(s) to anchors that are not in the book were dropped")
        bookmarks = _outline(pdf, fake_pages)
        fonts = merge_fonts(pdf, font_uses, {c.index: c.layout.fonts for c in laid_out.chunks})
        from weasyprint import __version__ as weasyprint_version

        pdf.Root.Metadata = pdf.make_indirect(pikepdf.Stream(
            pdf, xmp_packet(meta, f"WeasyPrint {weasyprint_version}", pdfua=tags),
            Type=Name.Metadata, Subtype=Name.XML))
        pdf.save(target, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 fix_metadata_version=False, deterministic_id=True)
    finally:
        for source in sources:
            source.close()
    return {"pages": len(fake_pages), "blanks": blanks, "destinations": len(destinations), "links": rewritten,
            "bookmarks": bookmarks, "tagged_chunks": structure.chunks, **fonts}


def _internal_links(pdf: pikepdf.Pdf, destinations: dict) -> tuple[int, int]:
    """Links to another chunk's anchors (``xref:`` URIs) become links to the named
    destination; one whose anchor is nowhere is dropped."""
    rewritten = dangling = 0
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        keep = []
        for annotation in annotations:
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None and action.get("/S") == Name.URI else ""
            if uri.startswith(XREF):
                name = unquote(uri[len(XREF):])
                del annotation["/A"]
                if name not in destinations:
                    dangling += 1
                    continue
                annotation.Dest = String(name)
                rewritten += 1
            keep.append(annotation)
        if len(keep) != len(annotations):
            page.obj.Annots = Array(keep)
    return rewritten, dangling
