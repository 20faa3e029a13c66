"""HTML body → document model, through the lexbor HTML5 parser (selectolax).

The mapping walks the DOM once, the way a browser lays out boxes: block elements end the
current paragraph, inline elements wrap what they contain, and anything unknown is
transparent. Whitespace is collapsed as HTML does, with one CJK rule on top: whitespace that
holds a line break between two characters of a script written without spaces (Chinese,
Japanese) is source formatting, not a word space, so it disappears, also across inline tag
boundaries (``的\\n <strong>\\n 意识``). Scripts, styles and forms never reach the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..cleanup import clean
from ..core.diagnostics import Diagnostics
from ..core.langtag import canonical
from ..core.model import (
    Attrs, Block, BlockQuote, BulletList, Code, CodeBlock, Div, Embed, Emph, Figure, Heading,
    Image, Inline, LineBreak, Link, Note, OrderedList, Paragraph, Ruby, Span, Strike, Strong,
    Subscript, Superscript, Table, TableCell, TableRow, Text, ThematicBreak,
)
from ..core.options import CleanupOptions, ReadOptions
from ..core.scripts import is_no_space, no_space_between
from ..core.tree import block_texts
from ..core.urls import absolute_url, image_source, is_web_url, refused_scheme, same_document_fragment
from ..sources import RawPost
from .depth import MAX_PARSE_DEPTH, bound_depth
from .footnotes import Footnotes, find_footnotes

# Deeper structure is kept as text: WeasyPrint's layout recurses per level and gives up
# before 200 nested blocks.
MAX_DEPTH = 60
MAX_SPAN = 1000
# No page shows more columns than this; wider spans are cut so the grid stays small.
MAX_COLUMNS = 64
# An image source with a scheme posts may not use is kept (cut to this length) so that the
# resolver refuses it and the book shows a placeholder naming it.
MAX_REFUSED_SRC = 2000
_SOURCE_ATTRIBUTES = ("src", "data-src", "data-lazy-src", "data-original")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")

_WS_RE = re.compile(r"[ \t\n\r\f]+")
_SPLIT_WS_RE = re.compile(r"([ \t\n\r\f]+)")
_LEADING_INDENT_RE = re.compile(r"^[\u3000\u00a0 ]+")
_TRAILING_SPACE_RE = re.compile(r"[\u00a0 ]+$")
_LANG_CLASS_RE = re.compile(r"(?:^|\s)(?:language|lang|highlight|brush)[-:]\s*([\w+#.-]+)")

# Elements whose content is dropped entirely.
_SKIP = frozenset({
    "script", "style", "template", "head", "title", "meta", "link", "base", "noscript",
    "button", "input", "select", "option", "optgroup", "textarea", "datalist", "output",
    "canvas", "map", "area", "svg", "math", "dialog", "param", "track", "rp", "frame",
    "frameset", "noframes", "-comment", "!doctype",
})
# Block containers: they end the current paragraph, then their content flows.
_BLOCK_FLOW = frozenset({
    "html", "body", "div", "section", "article", "main", "header", "footer", "aside", "nav",
    "center", "address", "form", "fieldset", "hgroup", "legend", "p", "search", "caption",
    "figcaption", "summary", "dt", "td", "th", "tr", "tbody", "thead", "tfoot", "colgroup",
    "col", "menu", "li",
})
_INLINE_WRAP: dict[str, Callable[[tuple[Inline, ...]], Inline]] = {
    "em": Emph, "i": Emph, "cite": Emph, "dfn": Emph, "var": Emph,
    "strong": Strong, "b": Strong,
    "del": Strike, "s": Strike, "strike": Strike,
    "sup": Superscript, "sub": Subscript,
    "u": lambda c: Span(c, Attrs(classes=("underline",))),
    "ins": lambda c: Span(c, Attrs(classes=("underline",))),
    "mark": lambda c: Span(c, Attrs(classes=("mark",))),
}
_CODE = frozenset({"code", "kbd", "samp", "tt"})
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_EMBEDS = frozenset({"iframe", "video", "audio", "object", "embed"})
# Captions and credits of images, as publishing platforms mark them up.
_CAPTION_SELECTOR = ("figcaption, .wp-caption-text, .aesop-image-component-caption, .photo-caption, "
                     ".photo-credit, .image-caption, .img-caption, .caption, .credit, "
                     ".field-name-field-image-source")
_CREDIT_RE = re.compile(r"credit|source", re.I)


# ---------------------------------------------------------------------------------- the flow


@dataclass(slots=True)
class _Frame:
    """An open inline element: its children stay mutable until the paragraph is built, so a
    pending space can still be taken back."""

    build: Callable[[tuple[Inline, ...]], Inline | None] | None
    items: list[Any] = field(default_factory=list)


def _build(items: list[Any]) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, _Frame):
            children = tuple(_build(item.items))
            if not _visible(children):
                # An empty wrapper (<strong></strong>) vanishes; a lone space it held stays.
                out.extend(c for c in children if isinstance(c, Text))
                continue
            node = item.build(children) if item.build else None
            if node is None:
                out.extend(children)
                continue
            # Spaces at the edges of a wrapper belong outside it ("a <em>b</em>").
            lead = trail = ""
            if item.build and isinstance(children[0], Text) and children[0].text.startswith(" "):
                lead = " "
                children = (Text(children[0].text[1:]),) + children[1:] if children[0].text[1:] else children[1:]
            if item.build and children and isinstance(children[-1], Text) and children[-1].text.endswith(" "):
                trail = " "
                children = children[:-1] + ((Text(children[-1].text[:-1]),) if children[-1].text[:-1] else ())
            if lead:
                _append_text(out, lead)
            out.append(item.build(children) if (lead or trail) else node)
            if trail:
                _append_text(out, trail)
            continue
        if isinstance(item, Text):
            _append_text(out, item.text)
        else:
            out.append(item)
    return out


def _append_text(out: list[Inline], text: str) -> None:
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text + text)
    else:
        out.append(Text(text))


def _visible(inlines: tuple[Inline, ...] | list[Inline]) -> bool:
    for node in inlines:
        if isinstance(node, Text):
            if node.text.strip():
                return True
        elif not isinstance(node, LineBreak) and not _is_anchor(node):
            return True
    return False


def _strip_edges(inlines: list[Inline]) -> list[Inline]:
    """Drop line breaks and padding spaces at both ends of a paragraph."""
    while inlines and isinstance(inlines[0], LineBreak):
        inlines.pop(0)
    while inlines and isinstance(inlines[-1], LineBreak):
        inlines.pop()
    if inlines and isinstance(inlines[0], Text):
        text = _LEADING_INDENT_RE.sub("", inlines[0].text)
        inlines[0:1] = [Text(text)] if text else []
    if inlines and isinstance(inlines[-1], Text):
        text = _TRAILING_SPACE_RE.sub("", inlines[-1].text)
        inlines[-1:] = [Text(text)] if text else []
    return inlines


def _split_double_breaks(inlines: list[Inline]) -> list[list[Inline]]:
    """``<br><br>`` used as a paragraph break: split where two line breaks meet."""
    chunks: list[list[Inline]] = [[]]
    i = 0
    while i < len(inlines):
        node = inlines[i]
        if isinstance(node, LineBreak):
            j = i + 1
            while j < len(inlines) and isinstance(inlines[j], Text) and not inlines[j].text.strip():
                j += 1
            if j < len(inlines) and isinstance(inlines[j], LineBreak):
                while j < len(inlines) and (isinstance(inlines[j], LineBreak) or (
                        isinstance(inlines[j], Text) and not inlines[j].text.strip())):
                    j += 1
                chunks.append([])
                i = j
                continue
        chunks[-1].append(node)
        i += 1
    return chunks


def _only_images(inlines: list[Inline]) -> list[Image] | None:
    """The images of a paragraph that holds nothing else (a link around an image counts)."""
    images: list[Image] = []
    for node in inlines:
        if isinstance(node, Image):
            images.append(node)
        elif isinstance(node, Link) and len(node.content) == 1 and isinstance(node.content[0], Image):
            images.append(node.content[0])
        elif isinstance(node, Text) and not node.text.strip() or _is_anchor(node):
            continue
        else:
            return None
    return images or None


def _only_code(inlines: list[Inline]) -> str | None:
    """The text of a paragraph that holds nothing but code on two lines or more (line
    breaks, and spaces between them): a listing, one line per line break; None for any
    other paragraph."""
    lines = [""]
    for node in inlines:
        if isinstance(node, Code):
            lines[-1] += node.text
        elif isinstance(node, LineBreak):
            lines.append("")
        elif isinstance(node, Text) and not node.text.strip(" \t\n"):
            continue
        elif _is_anchor(node):
            continue
        else:
            return None
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines) if len(lines) >= 2 else None


def _dedent(lines: list[str]) -> list[str]:
    """``lines`` without the indentation they all share (an HTML pretty-printer's)."""
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return [line[cut:] if line.strip() else "" for line in lines]


def _is_anchor(node: Inline) -> bool:
    return isinstance(node, Span) and not node.content and bool(node.attrs.id)


class _Flow:
    """Collects blocks, with the paragraph being filled and its whitespace state."""

    def __init__(self, figure_from_alt: bool) -> None:
        self.blocks: list[Block] = []
        self.stack: list[_Frame] = [_Frame(None)]
        self.figure_from_alt = figure_from_alt
        self._reset_space()

    def _reset_space(self) -> None:
        self.last = ""  # last visible character of the paragraph ('' at a line start)
        self.pending: tuple[list[Any], int, bool] | None = None

    # -- inline content
    def text(self, raw: str) -> None:
        for piece in _SPLIT_WS_RE.split(raw):
            if not piece:
                continue
            if piece[0] in " \t\n\r\f":
                self._space("\n" in piece or "\r" in piece)
            else:
                self._emit(Text(piece), piece[0], piece[-1])

    def _space(self, newline: bool) -> None:
        if not self.last:
            return
        if self.pending is not None:
            items, index, had_newline = self.pending
            self.pending = (items, index, had_newline or newline)
            return
        items = self.stack[-1].items
        items.append(Text(" "))
        self.pending = (items, len(items) - 1, newline)

    def _settle_space(self, next_char: str) -> None:
        if self.pending is None:
            return
        items, index, newline = self.pending
        if (newline and is_no_space(self.last) and is_no_space(next_char)) or no_space_between(self.last, next_char):
            items[index] = None
        self.pending = None

    def _drop_space(self) -> None:
        if self.pending is not None:
            items, index, _ = self.pending
            items[index] = None
            self.pending = None

    def _emit(self, node: Inline, first: str, last: str) -> None:
        self._settle_space(first)
        self.stack[-1].items.append(node)
        self.last = last

    def inline(self, node: Inline) -> None:
        """An atomic inline: an image (visible, like a character), or a note or an anchor
        (zero width)."""
        if isinstance(node, (Note, Span)):
            self.stack[-1].items.append(node)
        else:
            self._emit(node, "\ufffc", "\ufffc")

    def code(self, text: str) -> None:
        text = _WS_RE.sub(" ", text)
        if text.strip():
            self._emit(Code(text), text[0], text[-1])

    def code_lines(self, lines: list[str]) -> None:
        """Lines of code, each its own :class:`Code` run, with line breaks between them
        (a paragraph of nothing else becomes a code block: :func:`_only_code`)."""
        for i, line in enumerate(lines):
            if i:
                self.line_break()
            if line.strip():
                self._emit(Code(line), line[0], line[-1])

    def line_break(self) -> None:
        self._drop_space()
        self.stack[-1].items.append(LineBreak())
        self.last = ""

    def open(self, build: Callable[[tuple[Inline, ...]], Inline | None] | None) -> None:
        frame = _Frame(build)
        self.stack[-1].items.append(frame)
        self.stack.append(frame)

    def close(self) -> None:
        self.stack.pop()

    # -- blocks
    def block(self, block: Block) -> None:
        self.end_paragraph()
        self.blocks.append(block)

    def end_paragraph(self) -> None:
        self._drop_space()
        root = self.stack[0]
        if not root.items:
            self._reset_space()
            return
        # Close the open inline elements and reopen them empty after the block, as a
        # browser does with a block inside an inline.
        reopen = [f.build for f in self.stack[1:]]
        inlines = _build(root.items)
        self.stack = [_Frame(None)]
        for build in reopen:
            self.open(build)
        self._reset_space()
        code = _only_code(inlines)
        if code is not None:
            self.blocks.append(CodeBlock(code))
            return
        for chunk in _split_double_breaks(inlines):
            chunk = _strip_edges(chunk)
            if not _visible(chunk):
                continue
            images = _only_images(chunk)
            if images:
                for img in images:
                    caption = (Text(img.alt),) if self.figure_from_alt and img.alt else ()
                    self.blocks.append(Figure(img, caption))
            else:
                self.blocks.append(Paragraph(tuple(chunk)))

    def result(self) -> list[Block]:
        self.end_paragraph()
        return self.blocks


# ---------------------------------------------------------------------------------- reader


class HtmlReader:
    """Maps one parsed HTML body onto model blocks."""

    def __init__(self, base_url: str, diag: Diagnostics, *, figure_from_alt: bool = False,
                 title: str = "", cleanup: CleanupOptions | None = None) -> None:
        self.base_url = base_url
        self.title = title
        self.cleanup = cleanup
        self.diag = diag
        self.figure_from_alt = figure_from_alt
        self.notes: Footnotes = Footnotes({}, set())
        self.targets: frozenset[str] = frozenset()
        self._active_notes: set[int] = set()
        self._deep_warned = False

    def read(self, html: str) -> tuple[Block, ...]:
        html, cut = bound_depth(html)
        if cut:
            self.diag.warn("too-deep", f"HTML nested deeper than {MAX_PARSE_DEPTH} levels: {cut} tags past that "
                                       "depth ignored, their text kept")
        tree = LexborHTMLParser(html)
        root = tree.body
        if root is None:
            return ()
        # (<style> in a fragment lands in <head>: count over the whole document.)
        styled = len(tree.css('[style*="url("]')) + sum("url(" in (n.text() or "") for n in tree.css("style"))
        if styled:
            # Styles never reach a book, so a url() in them is never fetched or read; say so,
            # since a post naming files in CSS may expect them.
            self.diag.warn("css-ignored", f"{styled} CSS url() reference(s) ignored: styles are not used")
        if self.cleanup is not None:
            clean(root, title=self.title, source_url=self.base_url, options=self.cleanup, diag=self.diag)
        self.notes = find_footnotes(root, self.base_url)
        # Ids that fragment links point at are kept as anchors; all others are noise.
        self.targets = frozenset(
            same_document_fragment(a.attributes.get("href") or "", self.base_url) for a in root.css("a[href]")
            if a.mem_id not in self.notes.refs and a.mem_id not in self.notes.skip) - {""}
        return tuple(self.blocks_of(root, 0))

    # -- block level
    def blocks_of(self, node: LexborNode, depth: int) -> list[Block]:
        flow = _Flow(self.figure_from_alt)
        self._children(node, flow, depth)
        return flow.result()

    def _children(self, node: LexborNode, flow: _Flow, depth: int) -> None:
        child = node.child
        while child is not None:
            self._node(child, flow, depth + 1)
            child = child.next

    def _node(self, node: LexborNode, flow: _Flow, depth: int) -> None:
        tag = node.tag
        if tag == "-text":
            flow.text(node.text_content or "")
            return
        if tag in _SKIP or tag is None or tag.startswith("-") or node.mem_id in self.notes.skip:
            return
        if depth > MAX_DEPTH:
            if not self._deep_warned:
                self.diag.warn("too-deep", f"HTML nested deeper than {MAX_DEPTH} levels; kept as plain text")
                self._deep_warned = True
            flow.text(node.text(deep=True, separator=" ") or "")
            return
        lang = canonical(node.attributes.get("lang") or node.attributes.get("xml:lang") or "")
        anchor = ""
        if self.targets and tag not in _HEADINGS:
            # Ids that fragment links point at are kept; all others are noise.
            name = node.attributes.get("id") or (node.attributes.get("name") if tag == "a" else None)
            anchor = name if name and name in self.targets else ""
        if tag in _BLOCK_FLOW:
            if lang and tag not in ("td", "th", "tr", "tbody", "thead", "tfoot", "li"):
                blocks = self.blocks_of(node, depth)
                if blocks:
                    flow.block(Div(tuple(blocks), Attrs(id=anchor, lang=lang)))
                return
            flow.end_paragraph()
            if anchor:
                flow.inline(Span((), Attrs(id=anchor)))
            if tag in ("div", "p", "section", "center") and self._is_figure_container(node):
                for block in self._figure(node, depth):
                    flow.block(block)
                return
            self._children(node, flow, depth)
            flow.end_paragraph()
            return
        handler = _BLOCK_HANDLERS.get(tag)
        if handler is not None:
            flow.end_paragraph()
            blocks = handler(self, node, depth)
            if blocks and (lang or anchor):
                blocks = [Div(tuple(blocks), Attrs(id=anchor, lang=lang))]
            for block in blocks:
                flow.block(block)
            return
        if anchor:
            flow.inline(Span((), Attrs(id=anchor)))
        self._inline_element(node, tag, flow, depth, lang)

    # -- inline level
    def _inline_element(self, node: LexborNode, tag: str, flow: _Flow, depth: int, lang: str) -> None:
        if tag == "br":
            flow.line_break()
            return
        if tag == "wbr":
            return
        if tag == "img":
            image = self._image(node)
            if image is not None:
                flow.inline(image)
            return
        if tag in _CODE:
            self._code(node, flow)
            return
        if tag == "ruby":
            self._ruby(node, flow)
            return
        if tag == "a":
            note = self.notes.refs.get(node.mem_id)
            if note is not None:
                self._note(note, flow, depth)
                return
        if tag == "sup":
            ref = self._sole_note_ref(node)
            if ref is not None:
                self._note(self.notes.refs[ref.mem_id], flow, depth)
                return
        build: Callable[[tuple[Inline, ...]], Inline | None] | None = _INLINE_WRAP.get(tag)
        if tag == "a":
            href = node.attributes.get("href") or ""
            fragment = same_document_fragment(href.strip(), self.base_url)
            url = "#" + fragment if fragment else absolute_url(href, self.base_url)
            title = (node.attributes.get("title") or "").strip()
            build = (lambda c, u=url, t=title: Link(c, u, t)) if url else None
        if lang:
            inner = build
            build = (lambda c, b=inner, lg=lang: Span((b(c),) if b else c, Attrs(lang=lg)))
        if build is None:
            self._children(node, flow, depth)
            return
        flow.open(build)
        self._children(node, flow, depth)
        flow.close()

    def _code(self, node: LexborNode, flow: _Flow) -> None:
        """Inline code. A ``<br>`` inside it is a line break of the listing (tools' option
        lists, call traces written as ``<code>`` runs): each line is its own run of code, and
        a paragraph of nothing else becomes a code block (``_Flow.end_paragraph``). Code
        whose text holds several lines of its own (a theme showing ``<code>`` as ``pre``)
        is marked for that too."""
        if node.css_first("br") is None:
            text = node.text(deep=True) or ""
            lines = [line for line in text.strip("\n").split("\n")]
            if sum(1 for line in lines if line.strip()) >= 2:
                flow.code_lines(_dedent(lines))
            else:
                flow.code(text)
            return
        lines, current = [], []
        for desc in node.traverse(include_text=True):
            if desc.tag == "-text":
                current.append(desc.text_content or "")
            elif desc.tag == "br":
                lines.append("".join(current))
                current = []
        lines.append("".join(current))
        # Outside <pre> a browser collapses spaces (not no-break spaces) and drops them at
        # line starts and ends: what the page showed is what the book shows.
        flow.code_lines([_WS_RE.sub(" ", line).strip(" ") for line in lines])

    def _sole_note_ref(self, sup: LexborNode) -> LexborNode | None:
        found = None
        child = sup.child
        while child is not None:
            if child.tag == "a" and child.mem_id in self.notes.refs:
                if found is not None:
                    return None
                found = child
            elif child.tag != "-text" or (child.text_content or "").strip():
                return None
            child = child.next
        return found

    def _note(self, definition: LexborNode, flow: _Flow, depth: int) -> None:
        if self._active_notes:
            return  # a note citing a note: books set notes one level deep; the mark goes
        key = definition.mem_id
        self._active_notes.add(key)
        try:
            blocks = self.blocks_of(definition, depth)
        finally:
            self._active_notes.discard(key)
        if blocks:
            flow.inline(Note(tuple(blocks)))

    def _image(self, node: LexborNode) -> Image | None:
        src = image_source(node, self.base_url)
        alt = _WS_RE.sub(" ", node.attributes.get("alt") or "").strip()
        title = _WS_RE.sub(" ", node.attributes.get("title") or "").strip()
        if not src:
            refused = next((raw for raw in (_CONTROL_RE.sub("", node.attributes.get(key) or "").strip()
                                            for key in _SOURCE_ATTRIBUTES) if refused_scheme(raw)), "")
            if refused:
                # Kept for the resolver, which refuses it with the reason: the book shows the
                # image's placeholder, as for any image that cannot be had.
                return Image(refused[:MAX_REFUSED_SRC], alt, title)
            if alt:
                self.diag.warn("image-no-source", f"image without a usable source dropped (alt {alt[:40]!r})")
            return None
        return Image(src, alt, title)

    def _ruby(self, node: LexborNode, flow: _Flow) -> None:
        base_parts: list[str] = []
        annotations: list[str] = []
        child = node.child
        while child is not None:
            if child.tag == "rt":
                annotations.append(_WS_RE.sub(" ", child.text(deep=True) or "").strip())
            elif child.tag == "-text":
                base_parts.append(child.text_content or "")
            elif child.tag not in ("rp",) and child.tag not in _SKIP:
                base_parts.append(child.text(deep=True) or "")
            child = child.next
        base = _WS_RE.sub("", "".join(base_parts)) if not any(" " in b.strip() for b in base_parts) \
            else _WS_RE.sub(" ", "".join(base_parts)).strip()
        text = " ".join(a for a in annotations if a)
        if not base:
            return
        if not text:
            flow.text(base)
            return
        flow._emit(Ruby((Text(base),), text), base[0], base[-1])

    # -- block elements with a structure of their own
    def _heading(self, node: LexborNode, depth: int) -> list[Block]:
        content = self.inline_content(node, depth)
        if not _visible(content):
            return []
        attrs = Attrs(id=(node.attributes.get("id") or "").strip())
        return [Heading(_HEADINGS[node.tag], tuple(content), attrs)]

    def inline_content(self, node: LexborNode, depth: int) -> list[Inline]:
        """The content of ``node`` as one run of inlines (for headings, captions, terms)."""
        out: list[Inline] = []
        for block in self.blocks_of(node, depth):
            if out:
                out.append(LineBreak())
            if isinstance(block, Paragraph):
                out.extend(block.content)
            elif isinstance(block, Figure):
                out.append(block.image)
            else:
                text = " ".join(t for t in block_texts((block,), code=True) if t)
                if text:
                    out.append(Text(text))
        return out

    def _blockquote(self, node: LexborNode, depth: int) -> list[Block]:
        blocks = self.blocks_of(node, depth)
        return [BlockQuote(tuple(blocks))] if blocks else []

    def _list(self, node: LexborNode, depth: int) -> list[Block]:
        items: list[tuple[Block, ...]] = []
        stray = _Flow(self.figure_from_alt)
        child = node.child
        while child is not None:
            if child.mem_id in self.notes.skip:
                pass
            elif child.tag == "li":
                if stray.stack[0].items or stray.blocks:
                    items.append(tuple(stray.result()))
                    stray = _Flow(self.figure_from_alt)
                blocks = self.blocks_of(child, depth + 1)
                if blocks:
                    items.append(tuple(blocks))
            else:
                self._node(child, stray, depth + 1)
            child = child.next
        rest = stray.result()
        if rest:
            items.append(tuple(rest))
        if not items:
            return []
        if node.tag == "ol":
            try:
                start = int((node.attributes.get("start") or "1").strip())
            except ValueError:
                start = 1
            return [OrderedList(tuple(items), start)]
        return [BulletList(tuple(items))]

    def _definition_list(self, node: LexborNode, depth: int) -> list[Block]:
        out: list[Block] = []
        child = node.child
        while child is not None:
            if child.tag == "dt":
                content = self.inline_content(child, depth + 1)
                if _visible(content):
                    out.append(Paragraph((Strong(tuple(content)),)))
            elif child.tag == "dd":
                blocks = self.blocks_of(child, depth + 1)
                if blocks:
                    out.append(Div(tuple(blocks), Attrs(classes=("dd",))))
            elif child.tag not in ("-text",):
                out.extend(self.blocks_of(child, depth + 1))
            child = child.next
        return out

    def _pre(self, node: LexborNode, depth: int) -> list[Block]:
        parts: list[str] = []
        for desc in node.traverse(include_text=True):
            if desc.tag == "-text":
                parts.append(desc.text_content or "")
            elif desc.tag == "br":
                parts.append("\n")
        text = "".join(parts)
        if text.startswith("\n"):
            text = text[1:]
        text = text.rstrip()
        if not text.strip():
            return []
        language = ""
        for cand in (node, node.css_first("code")):
            if cand is not None:
                match = _LANG_CLASS_RE.search(cand.attributes.get("class") or "")
                if match:
                    language = match.group(1).lower()
                    break
        return [CodeBlock(text, language)]

    def _captions(self, node: LexborNode) -> list[LexborNode]:
        """Caption and credit elements inside ``node`` (outermost only), captions first."""
        found = [c for c in node.css(_CAPTION_SELECTOR) if c.mem_id != node.mem_id]
        ids = {c.mem_id for c in found}
        outer = []
        for c in found:
            parent, nested = c.parent, False
            while parent is not None and parent.mem_id != node.mem_id:
                if parent.mem_id in ids:
                    nested = True
                    break
                parent = parent.parent
            if not nested and c.mem_id not in {o.mem_id for o in outer}:
                outer.append(c)
        return sorted(outer, key=lambda c: bool(_CREDIT_RE.search(c.attributes.get("class") or "")))

    def _is_figure_container(self, node: LexborNode) -> bool:
        """A wrapper holding one image and, besides it, only its caption and credit (WordPress
        ``.wp-caption``, news sites' photo blocks)."""
        if node.css_first(_CAPTION_SELECTOR) is None:
            return False
        if len([i for i in node.css("img") if i.mem_id not in self.notes.skip]) != 1:
            return False
        own = _text_len(node)
        return own > 0 and own == sum(_text_len(c) for c in self._captions(node))

    def _figure(self, node: LexborNode, depth: int) -> list[Block]:
        captions = self._captions(node)
        images = [img for img in node.css("img") if img.mem_id not in self.notes.skip]
        if not images or _text_len(node) > sum(_text_len(c) for c in captions):
            # Not an image with its caption but a container (a chart with its labels, a
            # quotation): its content flows like any other.
            return self.blocks_of(node, depth)
        caption: list[Inline] = []
        for part in captions:
            content = self.inline_content(part, depth + 1)
            if _visible(content):
                if caption:
                    _append_text(caption, " ")
                for inline in content:
                    if isinstance(inline, Text):
                        _append_text(caption, inline.text)
                    else:
                        caption.append(inline)
        out: list[Block] = []
        resolved = [img for img in (self._image(i) for i in images) if img is not None]
        for i, image in enumerate(resolved):
            out.append(Figure(image, tuple(caption) if i == len(resolved) - 1 else ()))
        if not resolved and caption:
            out.append(Paragraph(tuple(caption)))
        return out

    def _table(self, node: LexborNode, depth: int) -> list[Block]:
        head: list[TableRow] = []
        body: list[TableRow] = []
        caption: tuple[Inline, ...] = ()

        def rows_of(section: LexborNode, into: list[TableRow]) -> None:
            child = section.child
            while child is not None:
                if child.tag == "tr":
                    row = self._row(child, depth + 2)
                    if row is not None:
                        into.append(row)
                child = child.next

        child = node.child
        while child is not None:
            if child.tag == "caption":
                caption = tuple(self.inline_content(child, depth + 1))
            elif child.tag == "thead":
                rows_of(child, head)
            elif child.tag in ("tbody", "tfoot"):
                rows_of(child, body)
            elif child.tag == "tr":
                row = self._row(child, depth + 1)
                if row is not None:
                    body.append(row)
            child = child.next
        if not head:
            while body and all(c.header for c in body[0].cells):
                head.append(body.pop(0))
        if not head and not body:
            return []
        return [Table(_fit_spans(head), _fit_spans(body), caption)]

    def _row(self, node: LexborNode, depth: int) -> TableRow | None:
        cells = []
        child = node.child
        while child is not None:
            if child.tag in ("td", "th"):
                attrs = child.attributes
                align = (attrs.get("align") or "").strip().lower()
                style = (attrs.get("style") or "").lower()
                match = re.search(r"text-align\s*:\s*(left|right|center)", style)
                if match:
                    align = match.group(1)
                cells.append(TableCell(
                    tuple(self.blocks_of(child, depth)),
                    header=child.tag == "th",
                    colspan=_span(attrs.get("colspan")),
                    rowspan=_span(attrs.get("rowspan")),
                    align=align if align in ("left", "right", "center") else "",
                ))
            child = child.next
        return TableRow(tuple(cells)) if cells else None

    def _embed(self, node: LexborNode, depth: int) -> list[Block]:
        attrs = node.attributes
        src = attrs.get("src") or attrs.get("data") or attrs.get("data-src") or ""
        if not src:
            source = node.css_first("source[src]")
            src = source.attributes.get("src") or "" if source is not None else ""
        url = absolute_url(src, self.base_url)
        if not is_web_url(url):  # a relative src (no page to resolve it against) leads nowhere in a book
            fallback = self.blocks_of(node, depth)
            if not fallback:
                self.diag.warn("embed-dropped", f"<{node.tag}> without a source dropped")
            return fallback
        # The fallback content of <object>/<video> ("click to open X.pdf") names the embed.
        fallback_text = " ".join((node.text(deep=True) or "").split())[:200]
        title = (attrs.get("title") or attrs.get("aria-label") or fallback_text).strip()
        kind = node.tag
        if kind in ("iframe", "object", "embed"):
            host = urlsplit(url).hostname or ""
            if any(h in host for h in ("youtube", "youtu.be", "vimeo", "bilibili")):
                kind = "video"
            elif any(h in host for h in ("soundcloud", "spotify")):
                kind = "audio"
        return [Embed(url, kind, title)]

    def _hr(self, node: LexborNode, depth: int) -> list[Block]:
        return [ThematicBreak()]

    def _details(self, node: LexborNode, depth: int) -> list[Block]:
        """``<details>``: everything is shown (a book cannot fold), the summary in bold."""
        blocks: list[Block] = []
        rest = _Flow(self.figure_from_alt)
        child = node.child
        while child is not None:
            if child.tag == "summary":
                content = self.inline_content(child, depth + 1)
                if _visible(content):
                    blocks.append(Paragraph((Strong(tuple(content)),)))
            else:
                self._node(child, rest, depth + 1)
            child = child.next
        blocks.extend(rest.result())
        return [Div(tuple(blocks), Attrs(classes=("details",)))] if blocks else []


def _text_len(node: LexborNode) -> int:
    return len("".join((node.text(deep=True) or "").split()))


def _fit_spans(rows: list[TableRow]) -> tuple[TableRow, ...]:
    """``rows`` with no cell spanning past its section's last row or beyond
    :data:`MAX_COLUMNS`: spans are the post's claim, and writers lay out the grid they imply."""
    out = []
    for index, row in enumerate(rows):
        cells, used = [], 0
        for cell in row.cells:
            colspan = min(cell.colspan, max(1, MAX_COLUMNS - used))
            rowspan = min(cell.rowspan, len(rows) - index)
            used += colspan
            cells.append(cell if (colspan, rowspan) == (cell.colspan, cell.rowspan)
                         else replace(cell, colspan=colspan, rowspan=rowspan))
        out.append(TableRow(tuple(cells)))
    return tuple(out)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip()), MAX_SPAN))
    except ValueError:
        return 1


_BLOCK_HANDLERS: dict[str, Callable[[HtmlReader, LexborNode, int], list[Block]]] = {
    **{h: HtmlReader._heading for h in _HEADINGS},
    "blockquote": HtmlReader._blockquote,
    "ul": HtmlReader._list, "ol": HtmlReader._list, "dir": HtmlReader._list,
    "dl": HtmlReader._definition_list,
    "pre": HtmlReader._pre, "listing": HtmlReader._pre, "xmp": HtmlReader._pre,
    "figure": HtmlReader._figure,
    "table": HtmlReader._table,
    "hr": HtmlReader._hr,
    "details": HtmlReader._details,
    **{e: HtmlReader._embed for e in _EMBEDS},
}


def read_html(html: str, *, base_url: str = "", diag: Diagnostics | None = None,
              figure_from_alt: bool = False, title: str = "",
              cleanup: CleanupOptions | None = None) -> tuple[Block, ...]:
    """Parse an HTML body (a fragment or a whole page) into model blocks; with ``cleanup``
    options, the cleanup stage removes page chrome first (scraped posts)."""
    return HtmlReader(base_url, diag if diag is not None else Diagnostics(),
                      figure_from_alt=figure_from_alt, title=title, cleanup=cleanup).read(html)


class HtmlBodyReader:
    """HTML bodies: scraped pages, so the cleanup stage runs on them."""

    name = "html"

    def read(self, post: RawPost, diag: Diagnostics, options: ReadOptions) -> tuple[Block, ...]:
        return read_html(post.body, base_url=post.meta.source_url, diag=diag, title=post.meta.title,
                         cleanup=options.cleanup)
