"""SVG images: recognized, sanitized to plain drawings, and rasterized where a format needs it.

An SVG is a document that can run scripts and load other resources. Only SVG-namespace
elements survive sanitizing; scripts, ``foreignObject``, animation (which can rewrite
links) and event-handler attributes are removed; links may point only inside the image
(``#id``) or at an embedded raster ``data:`` image; ``url()`` and ``@import`` in styles
likewise. The parser resolves no external entities and touches no network.
"""

from __future__ import annotations

import re
from functools import cache

from lxml import etree

from .store import Unavailable

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_SVG_BYTES = 5 * 1024 * 1024
DEFAULT_SIZE = (300, 150)  # CSS's default size of a replaced element
_REMOVED = frozenset({"script", "foreignObject", "handler", "listener", "set", "animate", "animateMotion",
                      "animateTransform", "animateColor", "discard"})
# Elements that are nothing without a reference: left without one, renderers stumble on them.
_NEEDS_HREF = frozenset({"image", "use", "feImage", "tref", "textPath", "mpath"})
_KEPT_ATTR_NS = frozenset({None, XLINK_NS, XML_NS})
# <use> copies what it points at, and copies may hold more <use>s: a few KB can stand for
# billions of elements. Renderers do not bound it, so the sanitizer does.
MAX_RENDERED_ELEMENTS = 20_000
_EXTERNAL_URL_RE = re.compile(r"""url\(\s*(?!['"]?#)[^)]*\)""", re.I)
_IMPORT_RE = re.compile(r"@import\b[^;]*;?", re.I)
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
    """The SVG ``data`` made safe to embed, and its size; raises :class:`Unavailable`."""
    if len(data) > MAX_SVG_BYTES:
        raise Unavailable(f"SVG larger than {MAX_SVG_BYTES // 1024 // 1024} MB", "too-large")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise Unavailable(f"malformed SVG ({exc})", "not-image") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise Unavailable("not an SVG image (the root is not an SVG element)", "not-image")
    for element in list(root.iter()):
        if element is root:
            pass
        elif not isinstance(element.tag, str) or etree.QName(element).namespace != SVG_NS \
                or etree.QName(element).localname in _REMOVED:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            continue
        if etree.QName(element).localname == "style" and element.text:
            element.text = _clean_css(element.text)
        for name in list(element.attrib):
            qname = etree.QName(name)
            value = element.attrib[name]
            if qname.namespace not in _KEPT_ATTR_NS or qname.localname.lower().startswith("on") \
                    or qname.namespace == XML_NS and qname.localname == "base":
                del element.attrib[name]
            elif qname.localname == "href":
                if not (value.strip().startswith("#") or _RASTER_DATA_RE.match(value)):
                    del element.attrib[name]
            elif "url(" in value.lower() or "@import" in value.lower():
                element.attrib[name] = _clean_css(value)
        if etree.QName(element).localname in _NEEDS_HREF and not any(
                etree.QName(n).localname == "href" for n in element.attrib):
            element.getparent().remove(element)
    if _rendered_elements(root) > MAX_RENDERED_ELEMENTS:
        raise Unavailable(f"SVG expands to more than {MAX_RENDERED_ELEMENTS} elements through <use>", "too-large")
    width, height = svg_size(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True), width, height


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
