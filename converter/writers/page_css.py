"""Page geometry for the PDF: page size, margins (inner/outer for binding in print mode) and
the size of running text, as CSS added after the theme's stylesheets.

Margins are those of a trade book for each size. The text block is made a whole number of
ems wide (the remainder goes to the outer margin), so lines of pure CJK text, which
WeasyPrint cannot justify between characters, fill the measure exactly (CJK.md rule 7).
"""

from __future__ import annotations

from dataclasses import dataclass

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """A page size in mm, its margins in mm, and the body font size in pt."""

    width: float
    height: float
    top: float
    bottom: float
    inner: float
    outer: float
    font_pt: float


GEOMETRY = {
    "A4": PageGeometry(210, 297, 25, 27, 27, 22, 11.5),
    "A5": PageGeometry(148, 210, 18, 21, 20, 15, 10.5),
    "B5": PageGeometry(176, 250, 22, 24, 23, 18, 11),
    "Letter": PageGeometry(215.9, 279.4, 25, 27, 27, 22, 11.5),
    "6x9in": PageGeometry(152.4, 228.6, 19, 22, 21, 16, 10.5),
}


def page_css(size: str, print_mode: bool) -> str:
    """``@page`` rules for ``size`` (a key of :data:`GEOMETRY`)."""
    g = GEOMETRY[size]
    em_mm = g.font_pt / PT_PER_MM
    measure = g.width - g.inner - g.outer
    spare = measure - int(measure / em_mm) * em_mm
    inner, outer = g.inner, g.outer + spare
    if print_mode:
        sides = (f"@page :left {{ margin-left: {outer:.2f}mm; margin-right: {inner:.2f}mm; }}\n"
                 f"@page :right {{ margin-left: {inner:.2f}mm; margin-right: {outer:.2f}mm; }}\n")
    else:
        even = (inner + outer) / 2
        sides = f"@page {{ margin-left: {even:.2f}mm; margin-right: {even:.2f}mm; }}\n"
    return (f"@page {{ size: {g.width}mm {g.height}mm; margin-top: {g.top}mm; margin-bottom: {g.bottom}mm; }}\n"
            + sides
            + "@page cover { margin: 0; }\n"
            f".cover-image {{ width: {g.width}mm; height: {g.height}mm; }}\n"
            f"html {{ font-size: {g.font_pt}pt; }}\n")
