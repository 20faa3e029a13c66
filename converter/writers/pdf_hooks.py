"""Hooks into WeasyPrint 70's layout for laying a book out in chunks (``pdf_layout``).

WeasyPrint paginates a whole document first and only then builds each page's margin boxes
(running heads, page numbers) through the module global ``weasyprint.layout.make_margin_boxes``.
These hooks use that order:

- **Page numbers decided after pagination.** On the first margin box of a chunk,
  :data:`STATE` ``on_paginated(page_count, own_strings)`` is called: the worker tells the
  coordinator how many pages the chunk has and waits to learn which page number it starts on
  and the running strings in force there (known once every earlier chunk has paginated). Every page's ``page`` counter is then
  shifted by that offset for its margin boxes; the body's layout is untouched.
- **Left and right pages.** A document always starts on a right page; a chunk that must
  start on a left one (on screen, where chapters do not open on right pages) gets its pages'
  sides swapped for the margin boxes (screen pages share their margins).
- **Running strings across chunks.** ``string(book-title)`` on a later chunk's pages finds no
  assignment in that chunk: the value the string had at the end of the previous chunks is
  used, as in one document.
- **Fonts.** Each font's original file (digest, size, face index) and the glyphs the chunk
  uses are recorded, so that the joined PDF can carry one subset per face (``pdf_fonts``).
- **Justification.** CJK lines are justified between characters (``pdf_justify``, installed
  with these hooks).

The hooks touch WeasyPrint internals: they are checked against the pinned version and
:func:`install` refuses any other.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from typing import Any

import weasyprint
import weasyprint.document as wdocument
import weasyprint.layout as wlayout
import weasyprint.pdf.fonts as wfonts
from weasyprint.layout import LayoutContext
from weasyprint.layout.page import set_page_type_computed_styles

from . import pdf_justify

SUPPORTED = ("70.",)

# Per-process state of the chunk being laid out (a worker lays out one chunk at a time).
STATE: dict[str, Any] = {}
_ORIGINAL: dict[str, Callable] = {}


def reset(on_paginated: Callable[[int, dict[str, str]], tuple[int, str, dict[str, str]]] | None,
          carry: dict[str, str]) -> None:
    """Prepare for the next chunk. ``on_paginated(pages, own_strings)`` returns the chunk's
    first page number, its side (``right``/``left``) and the running strings' values at its
    start; ``carry``: those values when already known."""
    STATE.clear()
    STATE.update(on_paginated=on_paginated, offset=0, flip=False, carry=dict(carry), fonts={},
                 html=None, called=False, styled=set(), own_strings={})


def _own_strings(context) -> dict[str, str]:
    """The last value the chunk assigns to each running string."""
    values = {}
    for name, pages in context.string_set.items():
        assigned = [page for page, texts in pages.items() if texts]
        if assigned:
            values[name] = pages[max(assigned)][-1]
    return values


def _layout_document(html, root_box, context, max_loops=8):
    STATE["html"] = html
    return _ORIGINAL["layout_document"](html, root_box, context, max_loops)


def _make_margin_boxes(context, page, state):
    if STATE and not STATE["called"]:
        STATE["called"] = True
        STATE["own_strings"] = _own_strings(context)
        if STATE["on_paginated"] is not None:
            start, side, carry = STATE["on_paginated"](len(context.page_maker) - 1, STATE["own_strings"])
            STATE["offset"], STATE["flip"], STATE["carry"] = start - 1, side == "left", dict(carry)
    if STATE.get("offset"):
        counters = dict(state[1])
        counters["page"] = [value + STATE["offset"] for value in counters.get("page", [0])]
        state = (state[0], counters, state[2], state[3])
    if STATE.get("flip"):
        page_type = page.page_type._replace(side="left" if page.page_type.side == "right" else "right")
        if page_type not in STATE["styled"]:
            STATE["styled"].add(page_type)
            set_page_type_computed_styles(page_type, STATE["html"], context.style_for)
        page = copy.copy(page)
        page.page_type = page_type
    return _ORIGINAL["make_margin_boxes"](context, page, state)


def _get_string_or_element_for(self, store, page, name, keyword):
    value = _ORIGINAL["get_string_or_element_for"](self, store, page, name, keyword)
    if (not value and STATE and store is self.string_set and keyword != "all-once"
            and name in STATE["carry"]):
        return (STATE["carry"][name],)
    return value


def _clean(self, to_unicode, hinting):
    if STATE:
        content = bytes(self.file_content)
        record = STATE["fonts"].setdefault(self.hash, {
            "sha256": hashlib.sha256(content).hexdigest(), "size": len(content), "index": self.index,
            "family": self.family, "glyphs": set(), "missing": False,
            # Subsets of these are not made the same way twice: each chunk keeps its own.
            "mergeable": not (self.bitmap or self.png or self.svg or self.colr or "fvar" in self.tables),
        })
        record["glyphs"] |= set(to_unicode)
        record["missing"] = record["missing"] or bool(self.missing)
    return _ORIGINAL["clean"](self, to_unicode, hinting)


def install() -> None:
    """Install the hooks in this process (once)."""
    if _ORIGINAL:
        return
    if not weasyprint.__version__.startswith(SUPPORTED):
        raise RuntimeError(f"pdf_hooks supports WeasyPrint {SUPPORTED}, not {weasyprint.__version__}")
    _ORIGINAL.update(layout_document=wdocument.layout_document, make_margin_boxes=wlayout.make_margin_boxes,
                     get_string_or_element_for=LayoutContext.get_string_or_element_for, clean=wfonts.Font.clean)
    wdocument.layout_document = _layout_document
    wlayout.make_margin_boxes = _make_margin_boxes
    LayoutContext.get_string_or_element_for = _get_string_or_element_for
    wfonts.Font.clean = _clean
    pdf_justify.install()
