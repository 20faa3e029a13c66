"""Join DOCX packages that pandoc made of consecutive pieces of one book into one package.

The first package (front matter) is the base: its styles, settings, theme, fonts and
properties stay. Each later package brings its body (without its section properties: the
base's last stay last), its footnotes, its list definitions, its pictures and links; every
number that must be unique in a document is moved out of the way of the others (relationship
ids, picture files, bookmark, footnote, list and drawing ids), by a fixed offset per package
so that the result does not depend on anything but the packages.

What a package brings is made apart (:func:`contribution`: renumbered for its place,
serialized) and then joined as text (:func:`join`), so that a piece the build cache already
holds, at the same place, is neither parsed nor written again: after one post of a long book
changes, the join costs little more than copying bytes.
"""
from __future__ import annotations

import json
import re

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
# Parts every package has; the base's serve the whole document.
_SHARED_TARGETS = {"numbering.xml", "styles.xml", "settings.xml", "webSettings.xml", "fontTable.xml",
                   "theme/theme1.xml", "footnotes.xml", "comments.xml", "endnotes.xml"}
OFFSET = 100_000  # per package: more ids than a piece of a book has
_W_ID = f"{{{W}}}id"
_W_VAL = f"{{{W}}}val"
_R_ATTRS = tuple(f"{{{R}}}{name}" for name in ("id", "embed", "link"))


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Renumber:
    """The changes one package's ids need: relationship ids by part, and the offset."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.offset = index * OFFSET
        self.rel_ids: dict[str, dict[str, str]] = {}

    def tree(self, root: etree._Element, rels: dict[str, str]) -> None:
        for element in root.iter():
            tag = element.tag if isinstance(element.tag, str) else ""
            for name in _R_ATTRS:
                value = element.get(name)
                if value is not None and value in rels:
                    element.set(name, rels[value])
            if tag in (f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd", f"{{{W}}}footnoteReference"):
                element.set(_W_ID, str(int(element.get(_W_ID, "0")) + self.offset))
            elif tag == f"{{{W}}}numId" and element.getparent() is not None \
                    and element.getparent().tag == f"{{{W}}}numPr":
                element.set(_W_VAL, str(int(element.get(_W_VAL, "0")) + self.offset))
            elif tag == f"{{{WP}}}docPr":
                element.set("id", str(int(element.get("id", "0")) + self.offset))


# Marks where the pieces' parts go in the base's parts, and where a piece's own parts begin
# and end: comments, which no part of pandoc's holds.
_MARK = "converter-join"
_MARK_BYTES = f"<!--{_MARK}-->".encode()
_NUM_RE = re.compile(rb"<w:num[\s>/]")


def _between_marks(root: etree._Element) -> bytes:
    """The serialized children of ``root`` (with their tails), which must be preceded and
    followed by a mark: in the scope of ``root``'s namespace declarations, as the base's
    parts have them too."""
    text = _bytes(root)
    first = text.index(_MARK_BYTES) + len(_MARK_BYTES)
    return text[first:text.index(_MARK_BYTES, first)]


def _wrap_children(root: etree._Element, children: list[etree._Element]) -> None:
    """``root`` holding ``children`` only, between two marks."""
    for child in list(root):
        root.remove(child)
    root.append(etree.Comment(_MARK))
    for child in children:
        root.append(child)
    root.append(etree.Comment(_MARK))


def _namespaces(root: etree._Element) -> str:
    return json.dumps(sorted((k or "", v) for k, v in root.nsmap.items()))


def contribution(package: dict[str, bytes], index: int) -> dict[str, bytes]:
    """What the ``index``-th package (1 for the first after the base) adds to the document,
    renumbered for that place: its body, footnotes and list definitions serialized as XML
    fragments, its relationships, its pictures under new names; a function of the package
    and ``index`` only, kept by the build cache."""
    renumber = _Renumber(index)
    out: dict[str, bytes] = {}
    media: list[tuple[str, str]] = []
    rels: dict[str, list[dict[str, str]]] = {}
    mappings = {}
    for part in ("document.xml", "footnotes.xml"):
        rels[part], mappings[part] = _new_relationships(package, part, renumber, media)
    namespaces: dict[str, str] = {}
    piece = _xml(package["word/document.xml"])
    renumber.tree(piece, mappings["document.xml"])
    body = piece.find(f"{{{W}}}body")
    children = [child for child in body if child.tag != f"{{{W}}}sectPr"]
    _wrap_children(body, children)
    out["body"] = _between_marks(piece)
    namespaces["document"] = _namespaces(piece)
    if "word/footnotes.xml" in package:
        notes = _xml(package["word/footnotes.xml"])
        renumber.tree(notes, mappings["footnotes.xml"])
        kept = []
        for note in notes:
            if note.get(f"{{{W}}}type") in (None, "normal") and int(note.get(_W_ID, "0")) > 0:
                note.set(_W_ID, str(int(note.get(_W_ID)) + renumber.offset))
                kept.append(note)
        _wrap_children(notes, kept)
        out["notes"] = _between_marks(notes)
        namespaces["notes"] = _namespaces(notes)
    if "word/numbering.xml" in package:
        other = _xml(package["word/numbering.xml"])
        abstracts, nums = _renumbered_lists(other, renumber.offset)
        # Abstract definitions come before every instance in the schema's order.
        _wrap_children(other, abstracts + nums)
        lists = _between_marks(other)
        found = _NUM_RE.search(lists)
        split = found.start() if found else len(lists)
        out["abstracts"], out["nums"] = lists[:split], lists[split:]
        namespaces["numbering"] = _namespaces(other)
    overrides = {o.get("PartName"): o.get("ContentType")
                 for o in _xml(package["[Content_Types].xml"]) if o.get("PartName")}
    pictures = []
    for old, new in media:
        out[new] = package[old]
        pictures.append([new, overrides.get("/" + old), old.rsplit(".", 1)[-1]])
    out["meta.json"] = json.dumps({"rels": rels, "media": pictures, "namespaces": namespaces},
                                  ensure_ascii=False, sort_keys=True).encode("utf-8")
    return out


def _new_relationships(package: dict[str, bytes], part: str, renumber: _Renumber,
                       media: list[tuple[str, str]]) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The package's relationships of ``part`` (but the shared parts'), renamed, as
    attributes; pictures get new file names. Also old id → new id."""
    rels_name = f"word/_rels/{part}.rels"
    if rels_name not in package:
        return [], {}
    mapping: dict[str, str] = {}
    out = []
    for rel in _xml(package[rels_name]):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External" and target in _SHARED_TARGETS:
            continue
        new_id = f"c{renumber.index}{rel.get('Id')}"
        mapping[rel.get("Id")] = new_id
        attributes = dict(rel.attrib)
        attributes["Id"] = new_id
        if rel.get("TargetMode") != "External" and target.startswith("media/"):
            new_target = f"media/c{renumber.index}-{target[len('media/'):]}"
            attributes["Target"] = new_target
            media.append((f"word/{target}", f"word/{new_target}"))
        out.append(attributes)
    return out, mapping


def _spliced(data: bytes, fragments: list[bytes], place) -> bytes:
    """``data`` (a part of the base) with ``fragments`` inserted where ``place(root)`` puts a
    mark."""
    root = _xml(data)
    place(root)
    text = _bytes(root)
    before, _, after = text.partition(_MARK_BYTES)
    return before + b"".join(fragments) + after


def join(base: dict[str, bytes], contributions: list[dict[str, bytes]]) -> tuple[dict[str, bytes], list[str]]:
    """The parts of the joined package and their order (the base's, then new pictures)."""
    parts = dict(base)
    order = list(base)
    metas = [json.loads(c["meta.json"]) for c in contributions]
    # A fragment is written in the scope of its own part's root: the base's must declare the
    # same prefixes (pandoc's parts all do), or the joined part would not mean the same.
    names = {"document": "word/document.xml", "notes": "word/footnotes.xml", "numbering": "word/numbering.xml"}
    declared = {kind: _namespaces(_xml(base[name])) for kind, name in names.items() if name in base}
    for meta in metas:
        for kind, namespaces in meta["namespaces"].items():
            if kind in declared and namespaces != declared[kind]:
                raise ValueError(f"a piece of the document declares other namespaces in its {kind}")

    def before_section(root: etree._Element) -> None:
        body = root.find(f"{{{W}}}body")
        mark = etree.Comment(_MARK)
        if len(body) and body[-1].tag == f"{{{W}}}sectPr":
            body[-1].addprevious(mark)
        else:
            body.append(mark)

    parts["word/document.xml"] = _spliced(base["word/document.xml"], [c["body"] for c in contributions],
                                          before_section)
    if "word/footnotes.xml" in base:
        parts["word/footnotes.xml"] = _spliced(base["word/footnotes.xml"],
                                               [c.get("notes", b"") for c in contributions],
                                               lambda root: root.append(etree.Comment(_MARK)))
    if "word/numbering.xml" in base:
        def first_num(root: etree._Element) -> None:
            found = root.find(f"{{{W}}}num")
            if found is not None:
                found.addprevious(etree.Comment(_MARK))
            else:
                root.append(etree.Comment(_MARK))
        numbering = _spliced(base["word/numbering.xml"], [c.get("abstracts", b"") for c in contributions],
                             first_num)
        parts["word/numbering.xml"] = _spliced(numbering, [c.get("nums", b"") for c in contributions],
                                               lambda root: root.append(etree.Comment(_MARK)))
    for part in ("document.xml", "footnotes.xml"):
        rels_name = f"word/_rels/{part}.rels"
        added = [rel for meta in metas for rel in meta["rels"].get(part, [])]
        if not added:
            continue
        root = _xml(base[rels_name]) if rels_name in base else etree.Element(f"{{{PKG_RELS}}}Relationships")
        for attributes in added:
            etree.SubElement(root, f"{{{PKG_RELS}}}Relationship", attributes)
        parts[rels_name] = _bytes(root)
        if rels_name not in order:
            order.append(rels_name)
    types = _xml(base["[Content_Types].xml"])
    defaults = {d.get("Extension") for d in types if d.get("Extension")}
    for contribution_parts, meta in zip(contributions, metas):
        for new, content_type, extension in meta["media"]:
            parts[new] = contribution_parts[new]
            order.append(new)
            if content_type is not None:
                etree.SubElement(types, f"{{{CONTENT_TYPES}}}Override",
                                 {"PartName": "/" + new, "ContentType": content_type})
            elif extension not in defaults:
                raise ValueError(f"no content type for {new} in a piece of the document")
    parts["[Content_Types].xml"] = _bytes(types)
    return parts, order


def merge_packages(packages: list[dict[str, bytes]]) -> tuple[dict[str, bytes], list[str]]:
    """The parts of the joined package and their order (the base's, then new pictures)."""
    return join(packages[0], [contribution(p, i) for i, p in enumerate(packages[1:], 1)])


def _renumbered_lists(other: etree._Element, offset: int) -> tuple[list, list]:
    """List definitions and instances of another package, renumbered."""
    abstracts, nums = [], []
    for element in other:
        if element.tag == f"{{{W}}}abstractNum":
            key = f"{{{W}}}abstractNumId"
            element.set(key, str(int(element.get(key, "0")) + offset))
            abstracts.append(element)
        elif element.tag == f"{{{W}}}num":
            element.set(f"{{{W}}}numId", str(int(element.get(f"{{{W}}}numId", "0")) + offset))
            abstract = element.find(f"{{{W}}}abstractNumId")
            if abstract is not None:
                abstract.set(_W_VAL, str(int(abstract.get(_W_VAL, "0")) + offset))
            nums.append(element)
    return abstracts, nums
