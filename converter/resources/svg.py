"""SVG images: recognized, sanitized to plain drawings, and rasterized where a format needs it.

An SVG is a document that can run scripts and load other resources. Only SVG-namespace
elements survive sanitizing; scripts, ``foreignObject``, animation (which can rewrite
links) and event-handler attributes are removed; links may point only inside the image
(``#id``) or at an embedded raster ``data:`` image; ``url()`` and ``@import`` in styles
likewise. The parser resolves no external entities and touches no network.

What is left is also valid, since one invalid image fails a whole EPUB: elements missing an
attribute SVG requires are removed, ``<a>`` is unwrapped, ``<title>``/``<desc>`` hold text
only, ids are unique, and CSS is reduced to rules that parse (``svgstyle.py``).
"""

from __future__ import annotations

import re
from functools import cache

from lxml import etree

from . import svgstyle
from .store import Unavailable

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_SVG_BYTES = 5 * 1024 * 1024
DEFAULT_SIZE = (300, 150)  # CSS's default size of a replaced element
_REMOVED = frozenset({"script", "foreignObject", "handler", "listener", "set", "animate", "animateMotion",
                      "animateTransform", "animateColor", "discard"})
# Attributes SVG 1.1 requires of an element (its DTD's #REQUIRED): an element without them
# is removed. ``href`` is ``xlink:href`` or SVG 2's plain ``href``.
_REQUIRED = {
    "path": ("d",), "polyline": ("points",), "polygon": ("points",),
    "image": ("href", "width", "height"), "use": ("href",), "feImage": ("href",), "tref": ("href",),
    "textPath": ("href",), "mpath": ("href",), "cursor": ("href",), "font-face-uri": ("href",),
    "altGlyph": ("href",), "glyphRef": ("href",), "color-profile": ("name",),
    "feFuncR": ("type",), "feFuncG": ("type",), "feFuncB": ("type",), "feFuncA": ("type",),
    "feBlend": ("in2",), "feComposite": ("in2",), "feDisplacementMap": ("in2",),
    "feConvolveMatrix": ("kernelMatrix",), "hkern": ("k",), "vkern": ("k",),
}
_TEXT_ONLY = frozenset({"title", "desc"})
# Elements whose href may hold an embedded raster image (a data: URI); all others point
# inside the image.
_RASTER_HOLDERS = frozenset({"image", "feImage"})
# What a url(#id) in a property may name, and what the href of an element may.
_PAINT_SERVERS = frozenset({"linearGradient", "radialGradient", "pattern"})
_URL_TARGETS = {"fill": _PAINT_SERVERS, "stroke": _PAINT_SERVERS, "clip-path": frozenset({"clipPath"}),
                "mask": frozenset({"mask"}), "filter": frozenset({"filter"}),
                **{name: frozenset({"marker"}) for name in ("marker", "marker-start", "marker-mid", "marker-end")}}
_HREF_TARGETS = {"linearGradient": frozenset({"linearGradient", "radialGradient"}),
                 "radialGradient": frozenset({"linearGradient", "radialGradient"}),
                 "pattern": frozenset({"pattern"}), "filter": frozenset({"filter"}),
                 "textPath": frozenset({"path"})}
# An XML name without a colon (an NCName), near enough: a letter or _ first.
_NAME_RE = re.compile(r"^[^\W\d][\w.\-\u00b7]*$")
_URL_RE = re.compile(r"""url\(\s*['"]?#([^'")\s]*)['"]?\s*\)""", re.I)
_KEPT_ATTR_NS = frozenset({None, XLINK_NS, XML_NS})
# <use> copies what it points at, and copies may hold more <use>s: a few KB can stand for
# billions of elements. Renderers do not bound it, so the sanitizer does.
MAX_RENDERED_ELEMENTS = 20_000
_EXTERNAL_URL_RE = re.compile(r"""url\(\s*(?!['"]?#)[^)]*\)""", re.I)
_IMPORT_RE = re.compile(r"@import\b[^;]*;?", re.I)
_SCRIPT_VALUE_RE = re.compile(r"^[\x00-\x20]*(?:javascript|vbscript|livescript)\s*:", re.I)
_RASTER_DATA_RE = re.compile(r"^\s*data:image/(?:png|jpeg|gif|webp);base64,", re.I)
_LENGTH_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in|em|ex)?\s*$", re.I)
_UNITS = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0,
          "em": 16.0, "ex": 8.0}


def looks_like_svg(data: bytes) -> bool:
    """Whether ``data`` starts like an SVG document (worth parsing as one)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head


def _parser() -> etree.XMLParser:
    # Internal entities only (libxml2 bounds their expansion); never a DTD from outside.
    return etree.XMLParser(resolve_entities="internal", no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def _clean_css(text: str) -> str:
    # A CSS escape can spell url( or @import (\75rl): CSS with backslashes is dropped whole.
    if "\\" in text:
        return ""
    return _EXTERNAL_URL_RE.sub("none", _IMPORT_RE.sub("", text))


def _rendered_elements(root: etree._Element) -> int:
    """How many elements drawing the SVG takes once every ``<use>`` is expanded (counted
    with memoization over the reference graph; a reference cycle counts as too many)."""
    # Holding every proxy keeps id() stable: lxml makes new proxies for elements nobody holds.
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    ids = {e.get("id"): e for e in elements if e.get("id")}
    memo: dict[int, int] = {}
    active: set[int] = set()

    def count(element) -> int:
        key = id(element)
        if key in memo:
            return memo[key]
        if key in active:
            return MAX_RENDERED_ELEMENTS + 1
        active.add(key)
        total = 1
        for child in element:
            if isinstance(child.tag, str):
                total += count(child)
                if total > MAX_RENDERED_ELEMENTS:
                    break
        if etree.QName(element).localname == "use":
            href = next((v for n, v in element.attrib.items() if etree.QName(n).localname == "href"), "")
            target = ids.get(href.strip()[1:]) if href.strip().startswith("#") else None
            if target is not None:
                total += count(target)
        active.discard(key)
        memo[key] = total
        return total

    return count(root)


def _length(value: str | None) -> float | None:
    match = _LENGTH_RE.match(value or "")
    return float(match.group(1)) * _UNITS[(match.group(2) or "").lower() or None] if match else None


def svg_size(root: etree._Element) -> tuple[int, int]:
    """The intrinsic size in CSS pixels: width/height, else the viewBox, else 300x150."""
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            box_w, box_h = float(box[2]), float(box[3])
        except ValueError:
            box_w = box_h = 0.0
        if box_w > 0 and box_h > 0:
            if width is None and height is None:
                width, height = box_w, box_h
            elif width is None:
                width = height * box_w / box_h
            elif height is None:
                height = width * box_h / box_w
    if not width or not height:
        return DEFAULT_SIZE
    return max(1, round(width)), max(1, round(height))


def sanitize(data: bytes) -> tuple[bytes, int, int]:
    """The SVG ``data`` made safe to embed, and valid, and its size; raises :class:`Unavailable`."""
    if len(data) > MAX_SVG_BYTES:
        raise Unavailable(f"SVG larger than {MAX_SVG_BYTES // 1024 // 1024} MB", "too-large")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise Unavailable(f"malformed SVG ({exc})", "not-image") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise Unavailable("not an SVG image (the root is not an SVG element)", "not-image")
    for element in list(root.iter()):
        if element is not root and (not isinstance(element.tag, str) or etree.QName(element).namespace != SVG_NS
                                    or etree.QName(element).localname in _REMOVED):
            _remove(element)
            continue
        _clean_attributes(element)
        name = etree.QName(element).localname
        if name == "style":
            for child in list(element):
                _remove(child)
        elif name in _TEXT_ONLY:
            # The title of an EPUB's SVG may hold only text; a desc the same, for readers.
            text = "".join(element.itertext())
            for child in list(element):
                element.remove(child)
            element.text = text
    for element in list(root.iter(f"{{{SVG_NS}}}a")):
        _unwrap(element)  # a link inside an image leads nowhere (its href was not kept)
    _unique_ids(root)
    # Removing an element can leave a reference to it dangling, and dropping a dangling
    # reference can leave an element incomplete: repeat until nothing changes.
    while _drop_incomplete(root) | _fix_references(root):
        pass
    if _rendered_elements(root) > MAX_RENDERED_ELEMENTS:
        raise Unavailable(f"SVG expands to more than {MAX_RENDERED_ELEMENTS} elements through <use>", "too-large")
    width, height = svg_size(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True), width, height


def _clean_attributes(element: etree._Element) -> None:
    """Event handlers, foreign attributes, ``xml:base`` and references out of the image removed."""
    for name in list(element.attrib):
        qname = etree.QName(name)
        value = element.attrib[name]
        if qname.namespace not in _KEPT_ATTR_NS or qname.localname.lower().startswith("on") \
                or qname.namespace == XML_NS and qname.localname == "base":
            del element.attrib[name]
        elif qname.localname == "href":
            if not (value.strip().startswith("#") or _RASTER_DATA_RE.match(value)
                    and etree.QName(element).localname in _RASTER_HOLDERS):
                del element.attrib[name]
        elif _SCRIPT_VALUE_RE.match(value):
            del element.attrib[name]  # inert outside links and animation, but never worth keeping
        elif "url(" in value.lower() or "@import" in value.lower():
            element.attrib[name] = _clean_css(value)


def _remove(element: etree._Element) -> None:
    """Remove ``element`` and what it holds, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _unwrap(element: etree._Element) -> None:
    """Replace ``element`` by its children (and text)."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    previous = element.getprevious()
    if element.text:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.text
        else:
            parent.text = (parent.text or "") + element.text
    children = list(element)
    if children:
        children[-1].tail = (children[-1].tail or "") + (element.tail or "")
    elif element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)


def _has(element: etree._Element, attribute: str) -> bool:
    if attribute == "href":
        return any(etree.QName(n).localname == "href" for n in element.attrib)
    return bool((element.get(attribute) or "").strip())


def _drop_incomplete(root: etree._Element) -> bool:
    """Remove the elements that lack an attribute SVG requires of them (a ``<path>`` without
    ``d``, a ``<use>`` that refers to nothing...): checkers reject them, renderers stumble.
    Whether any was removed."""
    removed = False
    for element in list(root.iter()):
        required = _REQUIRED.get(etree.QName(element).localname, ())
        if element.getparent() is not None and any(not _has(element, attribute) for attribute in required):
            _remove(element)
            removed = True
    return removed


def _fix_references(root: etree._Element) -> bool:
    """Keep only references to elements of the image that exist and are of a kind the
    reference can use (``fill: url(#g)`` names a gradient or pattern, ``clip-path`` a
    ``clipPath``...), in attributes and in CSS. Whether anything was dropped."""
    kinds = {e.get("id"): etree.QName(e).localname for e in root.iter() if e.get("id")}

    def usable(prop: str, fragment: str) -> bool:
        return fragment in kinds and kinds[fragment] in _URL_TARGETS.get(prop, ())

    changed = False
    for element in root.iter():
        own = etree.QName(element).localname
        for name in list(element.attrib):
            qname = etree.QName(name)
            value = element.attrib[name]
            if qname.localname == "href":
                target = value.strip()
                if target.startswith("#") and kinds.get(target[1:]) not in _HREF_TARGETS.get(own, kinds.values()):
                    del element.attrib[name]
                    changed = True
                continue
            if qname.namespace is not None:
                continue
            if qname.localname == "style":
                clean = svgstyle.declarations(value, usable)
            elif "url(" in value.lower():
                clean = _URL_RE.sub(lambda m: f"url(#{m.group(1)})" if usable(qname.localname, m.group(1))
                                    else "none", value)
            else:
                continue
            if clean != value:
                changed = True
                if clean:
                    element.attrib[name] = clean
                else:
                    del element.attrib[name]
        if own == "style" and not isinstance(element, etree._Comment):
            clean = svgstyle.stylesheet(element.text or "", usable)
            if clean != (element.text or ""):
                element.text = clean
    return changed


def _unique_ids(root: etree._Element) -> None:
    """Ids as XML wants them: names (``NCName``s), each once (the first keeps it)."""
    seen: set[str] = set()
    for element in root.iter():
        value = element.get("id")
        if value is None:
            continue
        value = value.strip()
        if not _NAME_RE.match(value) or value in seen:
            del element.attrib["id"]
        else:
            element.set("id", value)
            seen.add(value)


@cache
def _cairosvg():
    """cairosvg, or ``None`` when it or the cairo library is missing."""
    try:
        import cairosvg
    except (ImportError, OSError):
        return None
    return cairosvg


def rasterize(data: bytes, width: int, height: int) -> bytes:
    """The sanitized SVG ``data`` drawn as a PNG of ``width`` x ``height``."""
    cairosvg = _cairosvg()
    if cairosvg is None:
        raise Unavailable("SVG cannot be converted here (cairosvg or the cairo library is missing)",
                          "unsupported")
    try:
        # Safe mode: no entities, and cairosvg's own fetcher serves data: URLs only (the
        # sanitizer has already removed every other reference).
        return cairosvg.svg2png(bytestring=data, output_width=width, output_height=height, unsafe=False)
    except (ValueError, TypeError, OSError, MemoryError, etree.XMLSyntaxError) as exc:
        raise Unavailable(f"SVG cannot be drawn ({type(exc).__name__}: {exc})", "unsupported") from exc
