"""Reading a book PDF the way a reader checks it: where chapters start (named destinations),
what the contents page says, running heads and folios, bookmarks, link annotations.

Text and its position come from poppler (``pdftotext -bbox``), as in a PDF viewer: pdfminer
reads no text at all from fonts that WeasyPrint gives a custom CMap (a font with a glyph
missing). Which pages hold images comes from ``pdfimages -list``; destinations, outlines,
annotations and the cover's box come from pdfplumber (which parses a page's content only
where needed: it is slow on thousands of pages).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field

import pdfplumber
from lxml import etree
from pdfminer.pdftypes import resolve1

HEAD_ZONE = 0.085  # top share of the page holding the running head (A5: 18 mm margin of 210)
FOOT_ZONE = 0.075


def _name_tree(node) -> dict[str, list]:
    node = resolve1(node)
    out: dict[str, list] = {}
    names = resolve1(node.get("Names")) if "Names" in node else None
    if names:
        for i in range(0, len(names), 2):
            key = names[i].decode("utf-8") if isinstance(names[i], bytes) else str(names[i])
            out[key] = resolve1(names[i + 1])
    for kid in resolve1(node.get("Kids", [])) or []:
        out.update(_name_tree(kid))
    return out


@dataclass
class BookPdf:
    """What the tests look at in one PDF."""

    path: str
    pages: int
    width: float
    height: float
    dests: dict[str, int]  # anchor → 0-based page index
    outline: list[tuple[int, str, int]]  # (level, title, page index)
    heads: list[str] = field(default_factory=list)  # running head text per page
    feet: list[str] = field(default_factory=list)  # folio text per page
    texts: list[str] = field(default_factory=list)  # whole text per page, without white space
    links: list[list[tuple[str, str]]] = field(default_factory=list)  # per page: (kind, target)
    toc: list[tuple[str, int]] = field(default_factory=list)  # contents: (anchor, printed number)
    first_page_images: list[tuple[float, float, float, float]] = field(default_factory=list)
    left_edges: list[float | None] = field(default_factory=list)  # smallest x0 of body text


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def poppler_words(path) -> list[list[Word]]:
    """The words of every page, with their boxes (origin at the top left, in points)."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                                                 huge_tree=True))
    pages = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        pages.append([Word(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                           float(w.get("yMax"))) for w in page.iter("{http://www.w3.org/1999/xhtml}word")])
    return pages


def _text(words) -> str:
    return "".join(w.text for w in words)


def read_book(path) -> BookPdf:
    with pdfplumber.open(path) as pdf:
        page_ids = {p.page_obj.pageid: i for i, p in enumerate(pdf.pages)}
        catalog = pdf.doc.catalog
        dests = {}
        if "Names" in catalog and "Dests" in resolve1(catalog["Names"]):
            for name, dest in _name_tree(resolve1(catalog["Names"])["Dests"]).items():
                dests[name] = page_ids[resolve1(dest)[0].objid] if isinstance(dest, list) else -1
        outline = []
        for level, title, dest, _action, _se in pdf.doc.get_outlines():
            outline.append((level, title, page_ids.get(resolve1(dest)[0].objid, -1) if dest else -1))
        first = pdf.pages[0]
        book = BookPdf(str(path), len(pdf.pages), float(first.width), float(first.height), dests, outline)
        words = poppler_words(path)
        for page, page_words in zip(pdf.pages, words):
            h = float(page.height)
            # A word belongs to the head when it ends above the zone's edge, to the foot when it
            # starts below it: tall scripts (Arabic) reach into the margins from the body.
            book.heads.append(_text(w for w in page_words if w.bottom < h * HEAD_ZONE))
            book.feet.append(_text(w for w in page_words if w.top > h * (1 - FOOT_ZONE)))
            book.texts.append(_text(page_words))
            body = [w.x0 for w in page_words if h * HEAD_ZONE < w.top < h * (1 - FOOT_ZONE)]
            book.left_edges.append(min(body) if body else None)
            links = []
            for annot in page.annots:
                data = annot["data"]
                if "Dest" in data:
                    target = data["Dest"]
                    links.append(("internal", target.decode() if isinstance(target, bytes) else str(target)))
                elif annot.get("uri"):
                    links.append(("uri", annot["uri"]))
            book.links.append(links)
        book.toc = _contents(pdf, dests, words)
        book.first_page_images = [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in first.images]

    return book


def pages_with_images(path) -> set[int]:
    """0-based indexes of the pages that show an image (poppler's ``pdfimages -list``)."""
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    return {int(line.split()[0]) - 1 for line in listing.stdout.splitlines()[2:] if line.strip()}


def _contents(pdf, dests: dict[str, int], words: list[list[Word]]) -> list[tuple[str, int]]:
    """(anchor, number) for every link of the contents pages (from the contents heading to
    the first part or chapter), in order: the number is the last run of digits in the
    link's area (the end of its leader)."""
    if "contents" not in dests:
        return []
    end = min(i for name, i in dests.items() if name.startswith(("chapter-", "part-")))
    last: dict[str, tuple] = {}  # anchor → the link's last fragment (a long title wraps)
    for index in range(dests["contents"], end):
        for a in pdf.pages[index].annots:
            if "Dest" in a["data"]:
                key = (index, a["bottom"], a["x1"])
                anchor = a["data"]["Dest"].decode()
                if anchor not in last or key > last[anchor][0]:
                    last[anchor] = (key, a)
    entries: dict[str, int] = {}
    for anchor, ((index, _, _), a) in sorted(last.items(), key=lambda item: item[1][0]):
        inside = [w for w in words[index] if w.x0 >= a["x0"] - 1 and w.x1 <= a["x1"] + 1
                  and w.top >= a["top"] - 2 and w.bottom <= a["bottom"] + 2]
        numbers = re.findall(r"(\d+)$", _text(inside))
        entries[anchor] = int(numbers[-1]) if numbers else -1
    return list(entries.items())
