"""Transforms: pure ``Document -> Document`` steps; this module fixes their order.

Each step is a function ``step(doc, ctx) -> doc`` in a module of its own. ``normalize`` runs
the steps every post needs right after reading, whatever the output format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core.diagnostics import Diagnostics
from ..core.model import Document
from ..core.options import ReadOptions
from . import characters, cjk, convert, headings, language, links, nesting, subheadings, title


@dataclass(frozen=True, slots=True)
class Context:
    """What a transform may consult: the read options and the post's diagnostics sink."""

    options: ReadOptions
    diag: Diagnostics


Step = Callable[[Document, Context], Document]

NORMALIZE: tuple[tuple[str, Step], ...] = (
    ("characters", characters.repair_characters),
    ("title", title.clean_title),
    ("subheadings", subheadings.promote_bold_lines),
    ("headings", headings.normalize_levels),
    ("language", language.tag_document),
    ("punctuation", cjk.punctuation_width),
    ("convert", convert.convert_step),
    ("language-runs", language.tag_runs),
    ("links", links.fix_links),
    ("nesting", nesting.bound_nesting),
)


# Steps a writer asks for by name (its module's ``TRANSFORMS``): typography that depends on
# the medium. PDF wants them all; EPUB the CJK–Latin space; Word spaces CJK by itself.
OUTPUT_STEPS: dict[str, Step] = {
    "kinsoku": cjk.kinsoku_boundaries,
    "cjk-spacing": cjk.autospace,
    "halt": cjk.halt_pairs,
    "keep-all": cjk.korean_keep_all,
}


def prepare(doc: Document, names: tuple[str, ...], options: ReadOptions, diag: Diagnostics) -> Document:
    """Apply the output steps ``names`` (in the order of :data:`OUTPUT_STEPS`)."""
    ctx = Context(options, diag)
    for name, step in OUTPUT_STEPS.items():
        if name in names:
            doc = step(doc, ctx)
    return doc


def normalize(doc: Document, options: ReadOptions, diag: Diagnostics) -> Document:
    """Run the normalization steps in order."""
    ctx = Context(options, diag)
    for _name, step in NORMALIZE:
        doc = step(doc, ctx)
    return doc
