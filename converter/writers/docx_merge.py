"""Join DOCX packages that pandoc made of consecutive pieces of one book into one package.

The first package (front matter) is the base: its styles, settings, theme, fonts and
properties stay. Each later package brings its body (without its section properties: the
base's last stay last), its footnotes, its list definitions, its pictures and links; every
number that must be unique in a document is moved out of the way of the others (relationship
ids, picture files, bookmark, footnote, list and drawing ids), by a fixed offset per package
so that the result does not depend on anything but the packages.
"""

from __future__ import annotations

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


def _relationships(base: dict[str, bytes], package: dict[str, bytes], part: str, renumber: _Renumber,
                   media: list[tuple[str, str]]) -> dict[str, str]:
    """Copy the package's relationships of ``part`` (but the shared parts') into the base's,
    renamed; pictures get new file names. Returns old id → new id."""
    rels_name = f"word/_rels/{part}.rels"
    if rels_name not in package:
        return {}
    mapping: dict[str, str] = {}
    source = _xml(package[rels_name])
    target_root = _xml(base[rels_name]) if rels_name in base else etree.Element(f"{{{PKG_RELS}}}Relationships")
    for rel in source:
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External" and target in _SHARED_TARGETS:
            continue
        new_id = f"c{renumber.index}{rel.get('Id')}"
        mapping[rel.get("Id")] = new_id
        copy = etree.SubElement(target_root, f"{{{PKG_RELS}}}Relationship", dict(rel.attrib))
        copy.set("Id", new_id)
        if rel.get("TargetMode") != "External" and target.startswith("media/"):
            new_target = f"media/c{renumber.index}-{target[len('media/'):]}"
            copy.set("Target", new_target)
            media.append((f"word/{target}", f"word/{new_target}"))
    base[rels_name] = _bytes(target_root)
    return mapping


def merge_packages(packages: list[dict[str, bytes]]) -> tuple[dict[str, bytes], list[str]]:
    """The parts of the joined package and their order (the base's, then new pictures)."""
    base = dict(packages[0])
    order = list(packages[0])
    document = _xml(base["word/document.xml"])
    body = document.find(f"{{{W}}}body")
    section = body[-1] if len(body) and body[-1].tag == f"{{{W}}}sectPr" else None
    footnotes = _xml(base["word/footnotes.xml"]) if "word/footnotes.xml" in base else None
    numbering = _xml(base["word/numbering.xml"]) if "word/numbering.xml" in base else None
    types = _xml(base["[Content_Types].xml"])
    for index, package in enumerate(packages[1:], 1):
        overrides = {o.get("PartName"): o for o in _xml(package["[Content_Types].xml"]) if o.get("PartName")}
        renumber = _Renumber(index)
        media: list[tuple[str, str]] = []
        doc_rels = _relationships(base, package, "document.xml", renumber, media)
        note_rels = _relationships(base, package, "footnotes.xml", renumber, media)
        piece = _xml(package["word/document.xml"])
        renumber.tree(piece, doc_rels)
        for child in list(piece.find(f"{{{W}}}body")):
            if child.tag != f"{{{W}}}sectPr":
                if section is not None:
                    section.addprevious(child)
                else:
                    body.append(child)
        if footnotes is not None and "word/footnotes.xml" in package:
            notes = _xml(package["word/footnotes.xml"])
            renumber.tree(notes, note_rels)
            for note in notes:
                if note.get(f"{{{W}}}type") in (None, "normal") and int(note.get(_W_ID, "0")) > 0:
                    note.set(_W_ID, str(int(note.get(_W_ID)) + renumber.offset))
                    footnotes.append(note)
        if numbering is not None and "word/numbering.xml" in package:
            _merge_numbering(numbering, _xml(package["word/numbering.xml"]), renumber.offset)
        for old, new in media:
            base[new] = package[old]
            order.append(new)
            override = overrides.get("/" + old)
            if override is not None:
                etree.SubElement(types, override.tag, {"PartName": "/" + new,
                                                       "ContentType": override.get("ContentType")})
            elif old.rsplit(".", 1)[-1] not in {d.get("Extension") for d in types if d.get("Extension")}:
                raise ValueError(f"no content type for {old} in a piece of the document")
    base["word/document.xml"] = _bytes(document)
    if footnotes is not None:
        base["word/footnotes.xml"] = _bytes(footnotes)
    if numbering is not None:
        base["word/numbering.xml"] = _bytes(numbering)
    base["[Content_Types].xml"] = _bytes(types)
    return base, order


def _merge_numbering(numbering: etree._Element, other: etree._Element, offset: int) -> None:
    """List definitions of another package, renumbered: abstract definitions go before the
    first ``w:num`` (the schema's order), instances at the end."""
    first_num = numbering.find(f"{{{W}}}num")
    for element in other:
        if element.tag == f"{{{W}}}abstractNum":
            key = f"{{{W}}}abstractNumId"
            element.set(key, str(int(element.get(key, "0")) + offset))
            if first_num is not None:
                first_num.addprevious(element)
            else:
                numbering.append(element)
        elif element.tag == f"{{{W}}}num":
            element.set(f"{{{W}}}numId", str(int(element.get(f"{{{W}}}numId", "0")) + offset))
            abstract = element.find(f"{{{W}}}abstractNumId")
            if abstract is not None:
                abstract.set(_W_VAL, str(int(abstract.get(_W_VAL, "0")) + offset))
            numbering.append(element)
