"""The hostile corpus: posts (and the images and files around them) made to hang, exhaust,
crash or trick the tool. Big files are generated when needed, never committed.

:func:`write_corpus` lays the corpus out in a folder and returns what must happen to each
post: built into a chapter (``Built``), or refused with one error line that says why
(``Refused``). Files outside the input folder hold :data:`SECRET`, which must appear in no
output; the tests also serve :data:`SERVER_PATHS` on a local HTTP server that nothing may
ask for.
"""

from __future__ import annotations

import base64
import io
import json
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .. import imagefiles

SECRET = "HOSTILE-SECRET-6d1e"
BIDI = "\u202e"
# Paths on the test's HTTP server that hostile posts point at in every way that must not
# fetch (base URLs, CSS, SVG entities, frames, refreshes); none may be requested.
SERVER_PATHS = ("/base/relative.png", "/refresh", "/frame", "/object", "/embed", "/svg-entity.dtd",
                "/css-import.css", "/svg-css.css", "/xml-base/x.png")
_ACTIVE_ELEMENTS = frozenset({"script", "iframe", "object", "embed", "applet", "frame", "frameset", "form", "base",
                              "handler", "listener", "foreignObject"})
_MARKUP_NAMESPACES = frozenset({None, "http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg",
                                "http://www.w3.org/1998/Math/MathML"})
_SCRIPT_URL_RE = re.compile(r"^(?:javascript|vbscript|livescript|data\s*:\s*text/html)\s*:?", re.I)
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f-\xa0\u200b-\u200f\ufeff]+")
_PDF_ACTIONS = frozenset({"JavaScript", "Launch", "SubmitForm", "ImportData", "RichMedia"})


def _pdf_actions(data: bytes) -> list[str]:
    """Actions a PDF could run: every object of the file read (object streams too), not the
    bytes searched (compressed data holds "/JS" by chance)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psparser import PSLiteral

    document = PDFDocument(PDFParser(io.BytesIO(data)))
    found = []
    for xref in document.xrefs:
        for objid in xref.get_objids():
            try:
                obj = document.getobj(objid)
            except Exception:  # noqa: BLE001 - a free or broken entry holds no action
                continue
            if not isinstance(obj, dict):
                continue
            kind = obj.get("S")
            if isinstance(kind, PSLiteral) and kind.name in _PDF_ACTIONS or "JS" in obj or "AA" in obj:
                found.append(f"object {objid}: {sorted(obj)}")
            uri = obj.get("URI")
            if isinstance(uri, bytes) and _SCRIPT_URL_RE.match(_INVISIBLE_RE.sub("", uri.decode("latin-1"))):
                found.append(f"object {objid}: URI {uri[:60]!r}")
    return found


def active_content(name: str, data: bytes) -> list[str]:
    """The active content in one output file (or member of a package): script-like
    elements, event handlers and script URLs in XML and XHTML (read as markup, so a refused
    URL shown as text on a placeholder does not count), actions in a PDF."""
    from lxml import etree

    if name.endswith(".pdf"):
        return _pdf_actions(data)
    if not name.endswith((".xhtml", ".html", ".xml", ".svg", ".opf", ".ncx", ".rels")):
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed: {exc}"]
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        markup = qname.namespace in _MARKUP_NAMESPACES
        if markup and qname.localname in _ACTIVE_ELEMENTS:
            found.append(f"<{qname.localname}>")
        if markup and qname.localname == "meta" and element.get("http-equiv"):
            found.append("<meta http-equiv>")
        for key, value in element.attrib.items():
            attribute = etree.QName(key).localname
            if markup and attribute.lower().startswith("on"):
                found.append(f"{attribute}= on <{qname.localname}>")
            if _SCRIPT_URL_RE.match(_INVISIBLE_RE.sub("", value)):
                found.append(f"{attribute}={value[:60]!r} on <{qname.localname}>")
    return found


@dataclass(frozen=True)
class Built:
    """The post becomes a chapter titled ``title`` (a part of it, for long ones)."""

    title: str


@dataclass(frozen=True)
class Refused:
    """The post is reported on one error line holding ``reason``."""

    reason: str


def _webp_bomb() -> bytes:
    """A lossless WebP whose header claims 16384 x 16384 pixels (268 megapixels)."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1), (1, 2, 3)).save(out, "WEBP", lossless=True)
    data = out.getvalue()
    at = data.index(b"VP8L") + 9
    bits = int.from_bytes(data[at:at + 4], "little")
    bits = (bits & ~((1 << 28) - 1)) | 16383 | (16383 << 14)
    return data[:at] + bits.to_bytes(4, "little") + data[at + 4:]


def _gif_bomb() -> bytes:
    """A GIF whose logical screen is 65535 x 65535 pixels."""
    out = io.BytesIO()
    Image.new("P", (1, 1)).save(out, "GIF")
    data = bytearray(out.getvalue())
    data[6:10] = struct.pack("<HH", 65535, 65535)
    return bytes(data)


def _jpeg_bomb() -> bytes:
    """A JPEG whose frame header claims 65500 x 65500 pixels."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    at = data.index(b"\xff\xc0")
    data[at + 5:at + 9] = struct.pack(">HH", 65500, 65500)
    return bytes(data)


def _svgs(server: str) -> dict[str, str]:
    head = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="30">'
    laughs = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
    return {
        "external-entity.svg": f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file://{{secret}}">]>'
                               f"{head}<text>&x;</text></svg>",
        "parameter-entity.svg": f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY % p SYSTEM "{server}/svg-entity.dtd">'
                                f"%p;]>{head}<rect width='1' height='1'/></svg>",
        "billion-laughs.svg": f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY l0 "lol">{laughs}]>'
                              f"{head}<text>&l9;</text></svg>",
        "use-files.svg": f'{head}<use xlink:href="../outside/secret.svg#x"/><use href="file://{{secret}}#x"/>'
                         f'<image xlink:href="file://{{secret}}" width="9" height="9"/>'
                         f'<image href="../outside/secret.png" width="9" height="9"/>'
                         f'<image href="{server}/xml-base/x.png" width="9" height="9"/>'
                         f'<g xml:base="{server}/xml-base/"><image href="x.png" width="9" height="9"/></g>'
                         '<rect id="r" width="20" height="10" fill="#36c"/></svg>',
        "css-files.svg": f"{head}<style>@import url(loop.css); @import url({server}/svg-css.css);"
                         " rect { fill: url(../outside/secret.png) } circle { fill: url(#missing) }</style>"
                         '<rect width="20" height="10"/><circle r="4" cx="5" cy="5"/></svg>',
        "active.svg": f'{head}<script>alert("svg-script")</script><rect width="9" height="9" onload="alert(1)"/>'
                      '<a xlink:href="javascript:alert(2)"><text y="20">link</text></a>'
                      '<set attributeName="xlink:href" to="javascript:alert(3)"/>'
                      '<foreignObject width="9" height="9"><iframe xmlns="http://www.w3.org/1999/xhtml" '
                      f'src="{server}/frame"/></foreignObject><path fill="red"/></svg>',
        "use-bomb.svg": head + "<defs>" + '<g id="l0"><rect width="1" height="1"/></g>' + "".join(
            f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>" for i in range(1, 8))
        + '</defs><use href="#l7"/></svg>',
        "huge-canvas.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="100000000" height="100000000">'
                           '<rect width="100%" height="100%" fill="#c33"/></svg>',
    }


def _active_html(server: str) -> str:
    """Active content in every place it can hide in an HTML post."""
    bits = [
        "<h2 onclick=\"alert(1)\">标题<script>alert('h')</script></h2>",
        "<p>段落<script>alert('p')</script><iframe src=\"" + server + "/frame\"></iframe>"
        "<a href=\"javascript:alert(1)\">脚本链接</a> <a href=\"JaVaScRiPt:alert(2)\">大小写</a>"
        " <a href=\"&#106;avascript:alert(3)\">实体</a> <a href=\"java\nscript:alert(4)\">换行</a>"
        " <a href=\"  javascript:alert(5)\">空格</a> <a href=\"vbscript:msgbox\">vb</a>"
        " <a href=\"data:text/html,<script>alert(6)</script>\">数据</a></p>",
        "<ul><li onmouseover=\"x()\">条目<object data=\"" + server + "/object\"></object></li>"
        "<li><embed src=\"" + server + "/embed\"></li></ul>",
        "<table><tr><td onclick=\"x()\">格<script>alert('td')</script></td>"
        "<td><a href=\"javascript:alert('td')\">链</a></td></tr></table>",
        "<figure><img src=\"javascript:alert('img')\" alt=\"脚本图\" onerror=\"alert(7)\">"
        "<figcaption onclick=\"x()\">说明<script>alert('cap')</script></figcaption></figure>",
        "<blockquote onmouseover=\"x()\"><p>引用<a href=\"javascript:void(0)\">链</a></p></blockquote>",
        "<p>注<sup><a href=\"#fn1\">1</a></sup></p><ol><li id=\"fn1\">脚注<script>alert('fn')</script>"
        "<a href=\"javascript:alert('fn')\">链</a></li></ol>",
        "<iframe srcdoc=\"<script>alert('srcdoc')</script>\"></iframe>",
        "<form action=\"javascript:alert(8)\"><button formaction=\"javascript:alert(9)\">按钮</button></form>",
        "<video poster=\"javascript:alert(10)\" src=\"javascript:alert(11)\"></video>",
        "<svg width=\"10\" height=\"10\" onload=\"alert(12)\"><script>alert('inline-svg')</script>"
        "<a xlink:href=\"javascript:alert(13)\"><text>t</text></a></svg>",
        "<math><mi href=\"javascript:alert(14)\">x</mi></math>",
        "<noscript><img src=\"" + server + "/noscript.png\"></noscript><template><script>alert(15)</script></template>",
        "<div OnClIcK=\"alert(16)\" style=\"background:url(javascript:alert(17))\">大小写事件</div>",
        "<meta http-equiv=\"refresh\" content=\"0; url=" + server + "/refresh\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=file:///etc/passwd\"><link rel=\"import\" href=\"" + server
        + "/frame\">",
        "<embed type=\"image/svg+xml\" src=\"active.svg\"><object type=\"image/svg+xml\" data=\"active.svg\"></object>",
    ]
    return "".join(bits)


def write_corpus(folder: Path, server: str, *, big: bool = True) -> dict[str, Built | Refused]:
    """Lay the hostile corpus out: posts in ``folder/posts`` (the input), secrets in
    ``folder/outside``. ``server``: the base URL of the test's HTTP server. ``big``: also the
    50 MB post, the 5 MB line, the 100,000-deep nesting and the 10,000-column table."""
    posts = folder / "posts"
    outside = folder / "outside"
    posts.mkdir(parents=True)
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    (outside / "secret.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><g id="x"><text>{SECRET}</text></g></svg>', encoding="utf-8")
    (outside / "secret.png").write_bytes(imagefiles.png_with_text((9, 9), SECRET))
    (outside / "secret.css").write_text(f"body::after {{ content: '{SECRET}' }}", encoding="utf-8")
    (posts / "loop.css").write_text("@import url(loop.css); @import url(../outside/secret.css);", encoding="utf-8")
    for name, data in {"bomb.png": imagefiles.png_bomb(), "bomb.jpg": _jpeg_bomb(), "bomb.webp": _webp_bomb(),
                       "bomb.gif": _gif_bomb(), "ok.png": imagefiles.png((30, 20))}.items():
        (posts / name).write_bytes(data)
    for name, text in _svgs(server).items():
        (posts / name).write_text(text.replace("{secret}", str(secret)), encoding="utf-8")
    expected: dict[str, Built | Refused] = {}

    def post(name: str, title: str, body: str, expect: Built | Refused | None = None, front: str = "") -> None:
        (posts / name).write_text(f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n{front}---\n{body}\n",
                                  encoding="utf-8")
        expected[name] = expect or Built(title)

    images = "\n\n".join(f"![{name}]({name})" for name in ("bomb.png", "bomb.jpg", "bomb.webp", "bomb.gif",
                                                             "use-bomb.svg", "huge-canvas.svg", "ok.png"))
    post("2020-02-01-bombs.md", "Decompression bombs", images)
    svgs = "\n\n".join(f"![{name}]({name})" for name in ("external-entity.svg", "parameter-entity.svg",
                                                          "billion-laughs.svg", "use-files.svg", "css-files.svg",
                                                          "active.svg"))
    post("2020-02-02-svg.md", "SVG that reaches out", svgs)
    post("2020-02-03-css.html", "CSS that reaches out",
         f"<style>@import url(loop.css); @import url(../outside/secret.css); @import url({server}/css-import.css);"
         f" body {{ background: url(../outside/secret.png) }}</style>"
         f'<link rel="stylesheet" href="loop.css"><link rel="stylesheet" href="{server}/css-import.css">'
         '<p style="background: url(../outside/secret.png)">样式里的文件。</p>'
         '<p style="background-image: url(file:///etc/passwd); behavior: url(x.htc)">协议。</p>')
    post("2020-02-04-base.html", "Base href",
         f'<base href="{server}/base/"><p>相对图片：<img src="relative.png" alt="相对"></p>'
         '<base href="file:///etc/"><p><img src="passwd" alt="基准"></p>')
    post("2020-02-05-active.html", "Active content everywhere", _active_html(server))
    post("2020-02-06-active.md", "<script>alert('title')</script>Markdown active",
         "[链接](javascript:alert(1)) [vb](vbscript:x) <javascript:alert(2)> ![图](javascript:alert(3))\n\n"
         "[引用][r]\n\n[r]: javascript:alert(4)\n\n<script>alert(5)</script>\n\n"
         f'<iframe src="{server}/frame"></iframe>\n\n<div onclick="x()">块</div>\n',
         Built("Markdown active"), front="source: javascript:alert(6)\n")
    post("2020-02-07-refused.md", "Refused images",
         "![协议](file:///etc/passwd)\n\n![外面](../outside/secret.png)\n\n"
         f"![绝对](file://{secret})\n\n<img src=\"../outside/secret.png\" alt=\"HTML 外面\">\n")
    laughs = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
        f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    (posts / "2020-02-08-laughs.md").write_text("---\n" + "\n".join(laughs) + "\ntitle: laughs\nextra: *a9\n---\n正文\n",
                                                encoding="utf-8")
    expected["2020-02-08-laughs.md"] = Refused("more than 10000 values")
    bidi_name = f"2020-02-09-{BIDI}gnp.exe.md"
    post(bidi_name, f"Bidi {BIDI}evil title", f"正文 {BIDI}reversed\u202c 文字", Built("Bidi evil title"))
    big_attribute = "x" * 1_000_000
    post("2020-02-10-attributes.html", "Attributes of a megabyte",
         f'<p title="{big_attribute}" class="{big_attribute}" data-x="{big_attribute}">大属性。</p>'
         f'<p><a href="https://example.org/{big_attribute}">长链接</a></p>'
         f'<p><img alt="{big_attribute[:200_000]}" src="ok.png"></p>'
         f'<p><img src="data:image/png;base64,{base64.b64encode(big_attribute.encode()).decode()}" alt="假"></p>')
    if big:
        post("2020-03-01-deep.html", "Nested 100,000 deep", "<div>" * 100_000 + "DEEP-END" + "</div>" * 100_000)
        post("2020-03-02-deep.md", "Markdown nested 100,000 deep", "> " * 100_000 + "deep\n\n" + "- " * 100_000 + "x")
        row = "<tr>" + "".join(f"<td>{i}</td>" for i in range(10_000)) + "</tr>"
        post("2020-03-03-wide.html", "Table of 10,000 columns", f"<table>{row}{row}</table>")
        post("2020-03-04-line.md", "A line of 5 MB", "a" * 5_000_000)
        huge = posts / "2020-03-05-huge.md"
        with huge.open("w", encoding="utf-8") as handle:
            handle.write("---\ntitle: huge\n---\n")
            chunk = "长文本。" * 65_536 + "\n"
            for _ in range(50 * 1024 * 1024 // len(chunk.encode()) + 1):
                handle.write(chunk)
        expected[huge.name] = Refused("byte limit")
    return expected
