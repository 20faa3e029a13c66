"""Tagged PDF: what WeasyPrint 70's tagging (``pdf_tags``) leaves out, and one structure tree
for a book joined from chunks.

In the worker (:func:`install`, hooks on WeasyPrint internals, checked against the pinned
version like ``pdf_hooks``):

- running heads and page numbers (margin boxes) are drawn as ``/Artifact`` marked content
  and kept out of the structure tree: a screen reader does not read "12 — Book title"
  between two sentences;
- a footnote (``float: footnote``) is a ``Note`` element with an ``ID``;
- an element whose HTML carries ``lang`` gets ``/Lang`` (a Japanese quotation in a Chinese
  post is read with Japanese voices);
- a link gets its text as ``/Contents`` (PDF/UA: links are described);
- a decorative image (``alt="" role="presentation"``) is an artifact too, not a Figure
  without words;
- a header cell gets its ``/Scope`` (column or row, from the HTML's ``scope``).

In the joiner (:func:`merge_structure`, pikepdf): each chunk has its own structure tree,
numbered from 0. The joined file gets one ``StructTreeRoot`` with one ``Document`` element
whose kids are the chunks' kids in order; ``/StructParents`` of pages and ``/StructParent``
of annotations are shifted by the keys of the chunks before, the ``ParentTree`` number trees
merged with the same shift; element ``ID``s (table headers, notes) are prefixed per chunk,
table cells' ``/Headers`` follow, and an ``IDTree`` names them all; role maps are merged.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String

SUPPORTED = ("70.",)
_ORIGINAL: dict[str, Callable] = {}
# Whether the stream being drawn is inside a margin box (per process, one page at a time).
_IN_MARGIN = [0]


def _text_of(box) -> str:
    element = getattr(box, "element", None)
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())[:500]


def _build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    real = box._box if isinstance(box, AbsolutePlaceholder) else box
    if isinstance(real, boxes.MarginBox) or _decorative(real):
        return  # drawn as artifacts: nothing of it is in the tree or the page's marked content
    for element in _ORIGINAL["build_box_tree"](box, parent, pdf, page_number, nums, annotations, tags):
        node = getattr(real, "element", None)
        tag = getattr(real, "element_tag", None)
        if node is not None and tag not in ("html", "body") and not isinstance(real, boxes.PageBox):
            _describe(element, real, node, tag, pydyf, boxes)
        yield element


def _describe(element, box, node, tag: str, pydyf, boxes) -> None:
    """Additions to the structure element WeasyPrint made for ``box``."""
    lang = node.get("lang")
    if lang:
        element["Lang"] = pydyf.String(lang)
    footnote = "footnote" in (node.get("class") or "").split()
    if footnote and tag == "span" and isinstance(box, boxes.BlockBox):
        # The note's body, moved to the page's footnote area (its float is "none" by now).
        element["S"] = "/Note"
        element["ID"] = pydyf.String(f"note-{element.number}")
    elif footnote and tag == "span::footnote-call":
        element["S"] = "/Reference"
    elif element.get("S") == "/Link" and box.link_annotation is not None:
        text = _text_of(box) or node.get("href", "")
        if text:
            box.link_annotation["Contents"] = pydyf.String(text)
    elif tag == "th" and "A" in element:
        # Which cells a header cell heads, as the HTML says (WeasyPrint links them by /Headers).
        element["A"]["Scope"] = "/Row" if node.get("scope") == "row" else "/Column"


def _draw_stacking_context(stream, stacking_context):
    from weasyprint.formatting_structure import boxes

    margin = isinstance(stacking_context.box, boxes.MarginBox)
    _IN_MARGIN[0] += margin
    try:
        return _ORIGINAL["draw_stacking_context"](stream, stacking_context)
    finally:
        _IN_MARGIN[0] -= margin


def _decorative(box) -> bool:
    """An image the HTML marks as decorative (``alt=""`` and ``role="presentation"``)."""
    element = getattr(box, "element", None)
    return (element is not None and getattr(box, "element_tag", None) == "img"
            and element.get("role") == "presentation")


@contextmanager
def _marked(self, box, tag):
    if self._tags is not None and (_IN_MARGIN[0] or _decorative(box)):
        with self.artifact():
            yield
        return
    with _ORIGINAL["marked"](self, box, tag):
        yield


def install() -> None:
    """Install the hooks in this process (once); they act only on documents WeasyPrint
    tags."""
    if _ORIGINAL:
        return
    import weasyprint
    import weasyprint.draw as wdraw
    import weasyprint.pdf.stream as wstream
    import weasyprint.pdf.tags as wtags

    if not weasyprint.__version__.startswith(SUPPORTED):
        raise RuntimeError(f"pdf_tags supports WeasyPrint {SUPPORTED}, not {weasyprint.__version__}")
    _ORIGINAL.update(build_box_tree=wtags._build_box_tree, draw_stacking_context=wdraw.draw_stacking_context,
                     marked=wstream.Stream.marked)
    wtags._build_box_tree = _build_box_tree
    wdraw.draw_stacking_context = _draw_stacking_context
    wstream.Stream.marked = _marked


# ----------------------------------------------------------------------------- joining

def _number_tree_items(tree: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    """The (key, value) pairs of a number tree (flat ``/Nums`` or with ``/Kids``)."""
    items: list[tuple[int, pikepdf.Object]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        nums = node.get("/Nums")
        if nums is not None:
            items.extend((int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2))
        stack.extend(reversed(list(node.get("/Kids", []))))
    return items


def _struct_elements(kids: list[pikepdf.Object]):
    """Every structure element under ``kids``, depth first."""
    stack = list(reversed(kids))
    while stack:
        node = stack.pop()
        if not isinstance(node, Dictionary) or node.get("/Type") in (Name.OBJR, Name.MCR):
            continue
        if "/S" not in node:
            continue
        yield node
        kids = node.get("/K")
        if isinstance(kids, Array):
            stack.extend(reversed(list(kids)))
        elif isinstance(kids, Dictionary):
            stack.append(kids)


class StructureMerger:
    """Collects the structure trees of the chunks, in page order, into the joined PDF."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root,
                                                     K=Array()))
        self.root.K = Array([self.document])
        self.nums: list[tuple[int, Any]] = []
        self.ids: dict[str, pikepdf.Object] = {}
        self.role_map = Dictionary()
        self.next_key = 0
        self.chunks = 0

    def add(self, source: pikepdf.Pdf, pages: list[pikepdf.Page]) -> bool:
        """Merge the structure tree of ``source``, whose pages were copied as ``pages`` (its
        annotations with them). False when the chunk is untagged."""
        tree = source.Root.get("/StructTreeRoot")
        if tree is None:
            return False
        offset = self.next_key
        prefix = f"c{self.chunks}-"
        self.chunks += 1
        items = _number_tree_items(tree.ParentTree) if "/ParentTree" in tree else []
        keys = [key for key, _ in items]
        self.next_key = offset + max(int(tree.get("/ParentTreeNextKey", 0)), max(keys, default=-1) + 1)
        # Copied into the joined file through the same foreign-object map as the pages, so
        # /Pg and /Obj references land on the copies already made.
        kids = []
        for document in _as_list(tree.get("/K")):
            if document.get("/S") == Name.Document:
                kids.extend(_as_list(document.get("/K")))
            else:
                kids.append(document)
        copied = [self._copy(kid) for kid in kids]
        for kid in copied:
            if isinstance(kid, Dictionary):
                kid.P = self.document
            self.document.K.append(kid)
        for key, value in items:
            # A page's entry is an array of elements, an annotation's one element.
            self.nums.append((key + offset, Array([self._copy(v) for v in value])
                              if isinstance(value, Array) and not value.is_indirect else self._copy(value)))
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        for name, value in (tree.get("/RoleMap") or Dictionary()).items():
            self.role_map[name] = value
        self._rename_ids(copied, prefix)
        return True

    def _copy(self, value: pikepdf.Object) -> pikepdf.Object:
        return self.pdf.copy_foreign(value) if value.is_indirect else value

    def _rename_ids(self, kids: list[pikepdf.Object], prefix: str) -> None:
        """IDs are unique in one chunk only (WeasyPrint makes them from object numbers)."""
        cells = []
        for element in _struct_elements(kids):
            if "/ID" in element:
                name = prefix + str(element.ID)
                element.ID = String(name)
                self.ids[name] = element
            attributes = element.get("/A")
            if isinstance(attributes, Dictionary) and "/Headers" in attributes:
                cells.append(attributes)
        for attributes in cells:
            attributes.Headers = Array([String(prefix + str(h)) for h in attributes.Headers])

    def finish(self) -> None:
        """Write the merged tree into the catalog (nothing when no chunk was tagged)."""
        if not self.chunks:
            return
        nums = Array()
        for key, value in sorted(self.nums, key=lambda item: item[0]):
            nums.append(key)
            nums.append(value)
        self.root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = self.next_key
        if self.ids:
            id_tree = pikepdf.NameTree.new(self.pdf)
            for name in sorted(self.ids):
                id_tree[name] = self.ids[name]
            self.root.IDTree = id_tree.obj
        if len(self.role_map):
            self.root.RoleMap = self.role_map
        self.pdf.Root.StructTreeRoot = self.root
        self.pdf.Root.MarkInfo = Dictionary(Marked=True)


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, Array):
        return list(value)
    return [value]
