"""Inter-character justification of CJK lines (clreq 3.8), hooked into WeasyPrint 70's layout.

WeasyPrint justifies a line by widening its spaces only: a pure Chinese line (no spaces)
stays ragged, and a Chinese line holding a few Latin words puts all of its slack into those
few word spaces (gaps of an em and more). A typesetter spreads the slack over every gap next
to a CJK character, word spaces included. This hook does that: the slack of a justified line
is divided evenly over its word spaces and its CJK character gaps, and each gap is drawn as
Pango letter spacing after the character. No character is inserted, so the PDF's text stays
what the post says, searchable and copyable.

A line with no CJK gap (Latin; Korean, which justifies at its word spaces even around
hanja) is left to WeasyPrint. Right-to-left lines are too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import weasyprint.layout.inline as winline
import weasyprint.text.line_break as wline_break
from weasyprint.formatting_structure import boxes
from weasyprint.text.ffi import TO_UNITS, ffi, pango

# Characters that take a justification gap on either side: Han, kana, CJK symbols and
# punctuation, full-width forms. Hangul is not among them (Korean justifies at word spaces).
_CJK = re.compile("[\u2e80-\u2fff\u3000-\u30ff\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                  "\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")
# White space and invisible format characters (word joiners, soft hyphens...) take none.
_NO_GAP = re.compile("[\\s\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
_ORIGINAL: dict[str, Callable] = {}


def _text_boxes(box, out: list) -> list:
    """The line's text boxes, in order."""
    if isinstance(box, boxes.TextBox):
        out.append(box)
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                _text_boxes(child, out)
    return out


def letter_spacing(text: str) -> dict[int, int]:
    """How much letter spacing, in justification units, each character of ``text`` (one
    text box) takes so that every gap between two visible characters, either of them CJK,
    widens by one unit.

    Pango widens a character by its letter spacing, half on each side, and drops the half
    that falls outside the text. So a chain of gaps c0 c1 … cn gets 0, 2, 0, 2… units
    (each gap: half of 2 from one side), starting with 2 when c0 opens the text (its outer
    half is dropped) and the chain's length asks for it. Gaps across text boxes are left
    alone: each box is shaped on its own."""
    visible = [i for i, c in enumerate(text) if not _NO_GAP.match(c)]
    units: dict[int, int] = {}
    chain: list[int] = []

    def close() -> None:
        if len(chain) > 1:
            # The end that would spill half a gap: spill it where Pango drops it, if anywhere.
            first = 2 if chain[0] == 0 and len(chain) % 2 == 0 else 0
            for n, index in enumerate(chain):
                if (n % 2 == 0) == (first == 2):
                    units[index] = 2
        chain.clear()

    for a, b in zip(visible, visible[1:]):
        joined = b == a + 1 or not any(c.isspace() for c in text[a + 1:b])
        if joined and (_CJK.match(text[a]) or _CJK.match(text[b])):
            if not chain:
                chain.append(a)
            chain.append(b)
        else:
            close()
    close()
    return units


def _width_units(text: str, units: dict[int, int]) -> float:
    """What ``units`` add to the width of ``text``, in units: the outer halves at its ends
    are dropped by Pango."""
    total = float(sum(units.values()))
    return total - units.get(0, 0) / 2 - units.get(len(text) - 1, 0) / 2


def _justify_line(context, line, extra_width):
    if line.style["direction"] == "rtl":
        return _ORIGINAL["justify_line"](context, line, extra_width)
    # Korean justifies at word spaces only, hanja and all.
    texts = [box for box in _text_boxes(line, []) if not (box.style["lang"] or "").lower().startswith("ko")]
    plans = {id(box): letter_spacing(box.text) for box in texts}
    gaps = sum(_width_units(box.text, plans[id(box)]) for box in texts)
    if not gaps:
        return _ORIGINAL["justify_line"](context, line, extra_width)
    spacing = extra_width / (gaps + winline.count_expandable_spaces(line))
    _spread(context, line, spacing, plans, 0)


def _spread(context, box, spacing: float, plans: dict[int, dict[int, int]], x_advance: float) -> float:
    """WeasyPrint's ``add_word_spacing``, with the CJK gaps widened as much as the spaces."""
    if isinstance(box, boxes.TextBox):
        box.justification_spacing = spacing
        box.position_x += x_advance
        own = plans.get(id(box), {})
        spaces = winline.count_expandable_spaces(box)
        if spaces or own:
            layout = wline_break.create_layout(box.text, box.style, context, max_width=None,
                                               justification_spacing=spacing)
            layout.cjk_units = own
            layout.deactivate()
            extra = spacing * (spaces + _width_units(box.text, own))
            x_advance += extra
            box.width += extra
            box.pango_layout = layout
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, spacing, plans, x_advance)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


def _set_text(self, text, justify=False):
    _ORIGINAL["set_text"](self, text, justify)
    units = getattr(self, "cjk_units", None)
    if not (justify and units and self.justification_spacing):
        return
    offsets = [0]
    for c in self.text:
        offsets.append(offsets[-1] + len(c.encode()))
    attrs = pango.pango_layout_get_attributes(self.layout)
    if attrs == ffi.NULL:
        attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    # The attribute replaces the style's own letter spacing on those characters: add it.
    base = self.style["letter_spacing"]
    base = 0 if base == "normal" else base
    for index, count in units.items():
        if index < len(self.text):
            attr = pango.pango_attr_letter_spacing_new(int((base + count * self.justification_spacing) * TO_UNITS))
            attr.start_index, attr.end_index = offsets[index], offsets[index + 1]
            pango.pango_attr_list_change(attrs, attr)
    pango.pango_layout_set_attributes(self.layout, attrs)


def install() -> None:
    """Install the hooks in this process (once); ``pdf_hooks`` checks the WeasyPrint version."""
    if _ORIGINAL:
        return
    _ORIGINAL.update(justify_line=winline.justify_line, set_text=wline_break.Layout.set_text)
    winline.justify_line = _justify_line
    wline_break.Layout.set_text = _set_text
