"""The book's metadata as an XMP packet (Dublin Core, XMP basic, PDF and media-management
schemas) for the PDF's ``/Metadata`` stream.

WeasyPrint writes the document information dictionary from the HTML ``<meta>`` tags, but an
XMP stream only for PDF/A and PDF/UA variants, and then only title, authors, description,
keywords and dates. The PDF writer puts this fuller packet in its place. Everything in it
comes from the book, so the same posts give the same packet.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from ..core.model import BookMeta

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
for _prefix, _uri in NS.items():
    register_namespace(_prefix, _uri)  # ElementTree's prefixes are global; these are XMP's usual ones


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _container(parent: Element, prop: str, kind: str, values: list[str], *, lang_alt: bool = False) -> None:
    if not values:
        return
    holder = SubElement(SubElement(parent, _q("dc", prop)), _q("rdf", kind))
    for value in values:
        item = SubElement(holder, _q("rdf", "li"))
        if lang_alt:
            item.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")
        item.text = value


def xmp_packet(meta: BookMeta, producer: str, *, pdfua: bool = False) -> bytes:
    """The XMP packet (UTF-8, with its ``<?xpacket?>`` wrapper) for ``meta``; ``pdfua``: with
    the PDF/UA-1 identification (a tagged PDF)."""
    root = Element(_q("x", "xmpmeta"))
    rdf = SubElement(root, _q("rdf", "RDF"))
    desc = SubElement(rdf, _q("rdf", "Description"), {_q("rdf", "about"): ""})
    title = meta.title + (f": {meta.subtitle}" if meta.subtitle else "")
    _container(desc, "title", "Alt", [title], lang_alt=True)
    _container(desc, "creator", "Seq", list(meta.authors))
    _container(desc, "description", "Alt", [meta.description] if meta.description else [], lang_alt=True)
    _container(desc, "subject", "Bag", list(meta.subjects))
    _container(desc, "language", "Bag", [meta.lang] if meta.lang else [])
    _container(desc, "publisher", "Bag", [meta.publisher] if meta.publisher else [])
    _container(desc, "date", "Seq", [meta.date] if meta.date else [])
    _container(desc, "rights", "Alt", [meta.rights] if meta.rights else [], lang_alt=True)
    for prop, value in (("identifier", meta.identifier), ("source", meta.source), ("coverage", meta.coverage)):
        if value:
            SubElement(desc, _q("dc", prop)).text = value
    for prefix, prop, value in (
        ("xmp", "CreateDate", meta.date), ("xmp", "ModifyDate", meta.modified or meta.date),
        ("xmp", "MetadataDate", meta.modified or meta.date), ("xmp", "CreatorTool", "converter"),
        ("pdf", "Producer", producer), ("pdf", "Keywords", ", ".join(meta.subjects)),
        ("xmpMM", "DocumentID", meta.identifier), ("xmpMM", "InstanceID", meta.identifier),
    ):
        if value:
            SubElement(desc, _q(prefix, prop)).text = value
    if pdfua:
        SubElement(desc, _q("pdfuaid", "part")).text = "1"
    body = tostring(root, encoding="unicode")
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + body
            + '\n<?xpacket end="r"?>').encode("utf-8")
