"""Random SVG documents: any SVG 1.1 element inside any other, attributes right and wrong,
references that lead inside, outside or nowhere, broken and hostile CSS, duplicate and
malformed ids, foreign namespaces, scripts and entities. What the sanitizer keeps of them
must be safe and valid (EPUBCheck runs on the books they end up in)."""

from __future__ import annotations

import random

ELEMENTS = (
    "g", "defs", "desc", "title", "metadata", "symbol", "use", "switch", "image", "style", "path", "rect",
    "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "tref", "textPath", "altGlyph",
    "altGlyphDef", "glyphRef", "marker", "color-profile", "linearGradient", "radialGradient", "stop", "pattern",
    "clipPath", "mask", "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feFuncR", "feFuncA",
    "feComposite", "feConvolveMatrix", "feDiffuseLighting", "feDistantLight", "feSpotLight", "feDisplacementMap",
    "feFlood", "feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset", "feTile",
    "feTurbulence", "cursor", "a", "view", "script", "animate", "set", "animateMotion", "mpath", "font", "glyph",
    "missing-glyph", "hkern", "font-face", "font-face-uri", "foreignObject", "unknownThing", "svg",
)
REFERENCES = ("#a", "#b", "#c", "#missing", "#", "http://127.0.0.1:9/x.png", "javascript:alert(1)",
              "file:///etc/passwd", "../secret.svg#x", "data:image/png;base64,iVBORw0KGgo=", " #a ")
PAINT = ("red", "#123456", "none", "url(#a)", "url(#b)", "url(#missing)", "url(http://127.0.0.1:9/p)",
         "url('#c')", "url(file:///etc/passwd)", "currentColor")
CSS = (
    "rect { fill: red }", ".k{fill:url(#a)}", "@import url(loop.css);", "@import 'x.css'",
    "g { stroke: url(http://127.0.0.1:9/t) }", "@media print { rect { fill: blue } }", "text", "中文",
    "& { }", "rect { fill: & }", "{", "}", "rect { fill: red", "a{b:c}d", "@font-face { src: url(f.woff) }",
    "* { background: url(file:///etc/passwd) }", "\\75rl(x)", "circle { fill: url(#missing) !important }",
    "rect{clip-path:url(#c)}", "@namespace svg url(http://www.w3.org/2000/svg);", "<![CDATA[ rect {} ]]>",
)
ATTRIBUTES = {
    "d": ("M0 0L10 10Z", "", "garbage"), "points": ("0,0 10,10", "", "x"), "x": ("1", "a", "-5"),
    "y": ("2",), "width": ("10", "0", "-1", "auto", "1e9"), "height": ("10", "0", "1e9"), "r": ("5", "-1"),
    "id": ("a", "b", "c", "a b", " c ", "", "1x", "中"), "href": REFERENCES, "xlink:href": REFERENCES,
    "fill": PAINT, "stroke": PAINT, "clip-path": ("url(#c)", "url(#a)", "none"), "mask": ("url(#b)",),
    "filter": ("url(#a)", "url(#f)"), "marker-end": ("url(#a)",), "style": (
        "fill:red", "fill:url(#a)", "background:url(file:///x)", "fill: &", "}{", "stroke:url(#missing)",
        "fill:\\75rl(x)", ""),
    "onload": ("alert(1)",), "onclick": ("x()",), "transform": ("scale(2)", "bogus"), "offset": ("0.5", "x"),
    "type": ("linear", "matrix", "bogus"), "in": ("SourceGraphic",), "in2": ("SourceAlpha",),
    "kernelMatrix": ("1 0 0 0 1 0 0 0 1",), "name": ("p",), "k": ("1",), "viewBox": ("0 0 10 10", "bad"),
    "class": ("k",), "lang": ("zh",), "xml:lang": ("en",), "xml:base": ("http://127.0.0.1:9/",),
    "xml:space": ("preserve",), "foo:bar": ("1",), "epub:type": ("chapter",), "requiredFeatures": ("x",),
    "preserveAspectRatio": ("none", "bogus"), "attributeName": ("href",), "to": ("javascript:alert(2)",),
}
TEXTS = ("text", "中文", " ", "&amp;", "&lt;", "<![CDATA[x]]>", "\u202eevil", "text", "&e;")


def _element(rng: random.Random, depth: int) -> str:
    name = rng.choice(ELEMENTS)
    attributes = []
    for key in rng.sample(sorted(ATTRIBUTES), rng.randint(0, 6)):
        value = rng.choice(ATTRIBUTES[key]).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        attributes.append(f'{key}="{value}"')
    if name == "style":
        content = "".join(rng.choice(CSS).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + " "
                          for _ in range(rng.randint(0, 4)))
    else:
        content = ""
        if depth < 5:
            for _ in range(rng.randint(0, 4)):
                content += rng.choice(TEXTS) if rng.random() < 0.3 else _element(rng, depth + 1)
    return f"<{name} {' '.join(attributes)}>{content}</{name}>"


def random_svg(rng: random.Random) -> bytes:
    """One random SVG document."""
    body = "".join(_element(rng, 0) for _ in range(rng.randint(1, 8)))
    doctype = rng.choice(("", '<!DOCTYPE svg [<!ENTITY e "entity text">]>', '<!DOCTYPE svg [<!ENTITY e "x">]>',
                          '<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]>'))
    if "&e;" in body and "ENTITY e \"" not in doctype and rng.random() < 0.8:
        body = body.replace("&e;", "")
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:foo="urn:foo" xmlns:epub="http://www.idpf.org/2007/ops" width="40" height="30">'
            f"{body}</svg>").encode("utf-8")
