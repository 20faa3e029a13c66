"""One subset per font face in a PDF joined from chunks.

Every chunk WeasyPrint lays out embeds its own subset of each face it uses: a book of 25
chunks would carry 25 subsets of the same CJK face. WeasyPrint subsets with HarfBuzz and
keeps glyph ids (``RETAIN_GIDS``), and names a font's resource after its description (the
same name in every chunk), so after joining, each face is subset once from its original
file with the union of the glyphs every chunk uses, and that one font program serves every
chunk. When every chunk encodes the font the same way (``Identity-H``), the chunks share one
font dictionary with merged widths and text mapping; a chunk that numbers glyphs missing from
the face its own way keeps its dictionary but shares the font program.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
from collections import defaultdict
from functools import cache

import pikepdf
from pikepdf import Array, Name

_BFCHAR_RE = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")
# Tables WeasyPrint 70 drops from its subsets (pdf/fonts.py).
_DROP_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")


@cache
def _font_files_by_size() -> dict[int, list[str]]:
    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True,
                                 check=False, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    by_size: dict[int, list[str]] = defaultdict(list)
    for path in sorted(set(listing.split("\n"))):
        try:
            by_size[os.path.getsize(path)].append(path)
        except OSError:
            continue
    return by_size


@cache
def original_font(sha256: str, size: int) -> bytes | None:
    """The font file a chunk's face came from, found among fontconfig's files by size and
    digest; None when it cannot be found (the chunks then keep their own subsets)."""
    for path in _font_files_by_size().get(size, []):
        try:
            data = open(path, "rb").read()
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() == sha256:
            return data
    return None


def union_subset(data: bytes, index: int, glyphs: set[int], notdef_outline: bool) -> bytes:
    """WeasyPrint 70's two-step HarfBuzz subset of face ``index`` of ``data``, on the union
    of the chunks' glyphs: ids are kept, so every chunk's text stays valid."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob(data), index)
    flags = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    if notdef_outline:
        flags |= hb.SubsetFlags.NOTDEF_OUTLINE
    first = hb.SubsetInput()
    first.glyph_set.update(sorted(glyphs))
    first.flags = flags
    for tag in _DROP_TABLES:
        first.drop_table_tag_set.add(int.from_bytes(tag.encode("ascii"), "big"))
    kept = hb.subset(face, first)
    # Then drop the empty glyphs after the last one used.
    second = hb.SubsetInput()
    second.glyph_set.update(range(max(glyphs) + 1))
    second.flags = (hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
                    | hb.SubsetFlags.NO_HINTING | (hb.SubsetFlags.NOTDEF_OUTLINE if notdef_outline else 0))
    return hb.subset(kept, second).blob.data


def _widths(array) -> dict[int, float]:
    """A CIDFont ``W`` array of the form ``[start [w1 w2 ...] ...]``."""
    out: dict[int, float] = {}
    items = list(array)
    i = 0
    while i + 1 < len(items):
        start = int(items[i])
        if isinstance(items[i + 1], Array):
            for offset, width in enumerate(items[i + 1]):
                out[start + offset] = float(width)
            i += 2
        else:  # [first last width]
            for glyph in range(start, int(items[i + 1]) + 1):
                out[glyph] = float(items[i + 2])
            i += 3
    return out


def _widths_array(widths: dict[int, float]) -> Array:
    out: list = []
    run: list | None = None
    previous = None
    for glyph in sorted(widths):
        if previous is None or glyph != previous + 1:
            run = []
            out += [glyph, run]
        run.append(widths[glyph])
        previous = glyph
    return Array([Array(item) if isinstance(item, list) else item for item in out])


def _to_unicode(pdf: pikepdf.Pdf, mapping: dict[int, bytes]) -> pikepdf.Stream:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>",
             b"endcodespacerange"]
    items = sorted(mapping.items())
    for i in range(math.ceil(len(items) / 100)):
        batch = items[i * 100:(i + 1) * 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, text) for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return pdf.make_indirect(pikepdf.Stream(pdf, b"\n".join(lines)))


def _mapping(font) -> list[tuple[int, bytes]]:
    return [(int(g, 16), text) for g, text in _BFCHAR_RE.findall(font.ToUnicode.read_bytes())]


def merge_fonts(pdf: pikepdf.Pdf, uses: dict[str, list[tuple[int, object]]],
                records: dict[int, dict[str, dict]]) -> dict[str, int]:
    """Give every face used by several chunks one font program (and, where the encodings
    agree, one font dictionary). ``uses``: font resource name → (chunk, the resources'
    /Font dictionary holding it); ``records``: chunk → the fonts ``pdf_hooks`` recorded."""
    stats = {"merged": 0, "shared_dictionaries": 0, "kept": 0}
    for name, holders in uses.items():
        found = [records.get(chunk, {}).get(name) for chunk, _ in holders]
        fonts = [holder[Name("/" + name)] for _, holder in holders]
        unique = {font.objgen for font in fonts}
        if (len(unique) < 2 or not all(r and r["mergeable"] for r in found)
                or len({(r["sha256"], r["size"], r["index"]) for r in found}) != 1
                or any("/DescendantFonts" not in font for font in fonts)):
            stats["kept"] += 1
            continue
        data = original_font(found[0]["sha256"], found[0]["size"])
        glyphs = set().union(*(r["glyphs"] for r in found))
        if data is None or not glyphs:
            stats["kept"] += 1
            continue
        program = union_subset(data, found[0]["index"], glyphs, any(r["missing"] for r in found))
        descriptor = fonts[0].DescendantFonts[0].FontDescriptor
        key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
        stream = pikepdf.Stream(pdf, program)
        if key == "/FontFile3":
            stream.Subtype = descriptor[key].get("/Subtype", Name("/OpenType"))
        else:
            stream.Length1 = len(program)
        stream = pdf.make_indirect(stream)
        for font in fonts:
            font.DescendantFonts[0].FontDescriptor[key] = stream
        stats["merged"] += 1
        # The first mapping of a glyph in reading order wins, as in one layout (a glyph drawn
        # for two characters, such as a dash, reads as the first).
        text: dict[int, bytes] = {}
        for font in fonts:
            for glyph, value in _mapping(font):
                text.setdefault(glyph, value)
        if all(font.get("/Encoding") == Name("/Identity-H") for font in fonts):
            _share(pdf, name, holders, fonts, text)
            stats["shared_dictionaries"] += 1
        else:
            # Glyphs missing from the face are numbered per chunk past its last glyph: each
            # chunk keeps its dictionary, with the common mapping for the face's own glyphs.
            count = hb_glyph_count(data, found[0]["index"])
            for font in fonts:
                own = dict(_mapping(font))
                font.ToUnicode = _to_unicode(pdf, {g: (text[g] if g < count else v) for g, v in own.items()})
    return stats


def hb_glyph_count(data: bytes, index: int) -> int:
    import uharfbuzz as hb

    return hb.Face(hb.Blob(data), index).glyph_count


def _share(pdf: pikepdf.Pdf, name: str, holders, fonts, text: dict[int, bytes]) -> None:
    """One dictionary for every chunk: merged widths (and the bounding box and CID set that
    follow from them) and text mapping."""
    widths: dict[int, float] = {}
    for font in fonts:
        for glyph, width in _widths(font.DescendantFonts[0].W).items():
            widths.setdefault(glyph, width)
    shared = fonts[0]
    descendant = shared.DescendantFonts[0]
    descendant.W = _widths_array(widths)
    descriptor = descendant.FontDescriptor
    box = [float(v) for v in descriptor.FontBBox]
    descriptor.FontBBox = Array([box[0], box[1], max(widths.values(), default=0), box[3]])
    if "/CIDSet" in descriptor:
        size = math.ceil((max(widths) + 1) / 8)
        bits = bytearray(size)
        for glyph in widths:
            bits[glyph // 8] |= 0x80 >> (glyph % 8)
        descriptor.CIDSet = pdf.make_indirect(pikepdf.Stream(pdf, bytes(bits)))
    shared.ToUnicode = _to_unicode(pdf, text)
    for _, holder in holders:
        holder[Name("/" + name)] = shared
