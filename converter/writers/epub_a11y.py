"""EPUB Accessibility 1.1 metadata: what the package declares about its own accessibility.

The declarations follow from the book: ``visual`` content and ``alternativeText`` only when
there are images (and the latter only when every image has words a reader can hear: its alt
text, title or caption), ``pageNavigation`` only with a page list. The summary is written in
the book's language. The package element gets the book's language too (``xml:lang``), which
ebooklib does not write and DAISY Ace asks for (``epub-lang``).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..core.langtag import family
from ..core.model import Book, Figure, Image
from ..core.tree import iter_tree, text_alternative

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


@dataclass(frozen=True, slots=True)
class ImageCensus:
    """How many images the book shows and how many of them have a text alternative."""

    images: int = 0
    described: int = 0

    @property
    def all_described(self) -> bool:
        return self.images == self.described


def census(book: Book, *, cover: bool) -> ImageCensus:
    """Count the images of ``book`` (the cover among them, whose alternative is the title):
    an image is described by its alt text or title, or the caption of its figure."""
    images = described = int(cover)
    in_figure: set[int] = set()
    for doc in book.chapters:
        for node in iter_tree(doc.blocks):
            if isinstance(node, Figure):
                in_figure.add(id(node.image))
                images += 1
                described += bool(text_alternative(node.image, node.caption))
            elif isinstance(node, Image) and id(node) not in in_figure:
                images += 1
                described += bool(text_alternative(node))
    return ImageCensus(images, described)


# The summary in the book's language: what is there, then what is not.
_SUMMARY = {
    "en": ("This publication follows EPUB Accessibility 1.1 and WCAG 2.1 Level AA: a table of contents and "
           "structured headings, a reading order that is the order of the text, and the language of every "
           "passage marked.",
           " Images have text alternatives.", " Some images have no text alternative.",
           " Page numbers of the print edition are marked.",
           " It contains no flashing, sound or motion hazards."),
    "zh-Hans": ("本书依照 EPUB Accessibility 1.1 与 WCAG 2.1 AA 级制作：有目录与结构化标题，阅读顺序即正文顺序，"
                "每段文字都标明了语言。",
                "图片均有文字说明。", "部分图片没有文字说明。", "标有印刷版的页码。",
                "不含闪烁、声音或动态等危险内容。"),
    "zh-Hant": ("本書依照 EPUB Accessibility 1.1 與 WCAG 2.1 AA 級製作：有目錄與結構化標題，閱讀順序即正文順序，"
                "每段文字都標明了語言。",
                "圖片均有文字說明。", "部分圖片沒有文字說明。", "標有印刷版的頁碼。",
                "不含閃爍、聲音或動態等危險內容。"),
    "ja": ("本書は EPUB Accessibility 1.1 と WCAG 2.1 レベル AA に沿って作られています。目次と構造化された見出しがあり、"
           "読み上げの順序は本文の順序と同じで、すべての文章に言語が指定されています。",
           "画像には代替テキストがあります。", "一部の画像には代替テキストがありません。", "印刷版のページ番号が付いています。",
           "点滅・音・動きによる危険はありません。"),
    "ko": ("이 책은 EPUB Accessibility 1.1과 WCAG 2.1 AA 수준에 따라 만들어졌습니다. 목차와 구조화된 제목이 있고, "
           "읽기 순서는 본문 순서와 같으며, 모든 글에 언어가 지정되어 있습니다.",
           " 이미지에는 대체 텍스트가 있습니다.", " 일부 이미지에는 대체 텍스트가 없습니다.", " 인쇄본의 쪽 번호가 표시되어 있습니다.",
           " 깜박임, 소리, 움직임으로 인한 위험 요소는 없습니다."),
}
_SUMMARY["zh-HK"] = _SUMMARY["zh-Hant"]


def summary(lang: str, found: ImageCensus, *, page_list: bool) -> str:
    """``schema:accessibilitySummary`` in ``lang`` (English for languages without a text)."""
    base, described, undescribed, pages, hazards = _SUMMARY.get(family(lang), _SUMMARY["en"])
    text = base
    if found.images:
        text += described if found.all_described else undescribed
    if page_list:
        text += pages
    return text + hazards


def declarations(lang: str, found: ImageCensus, *, page_list: bool) -> list[tuple[str, str]]:
    """(property, value) pairs of the package's accessibility metadata, in order."""
    modes = ["textual"] + (["visual"] if found.images else [])
    # Text alone suffices when every image is described; text and pictures together always.
    sufficient = (["textual"] if found.all_described else []) + (["textual,visual"] if found.images else [])
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability"]
    if found.images and found.all_described:
        features.append("alternativeText")
    if page_list:
        features += ["pageBreakMarkers", "pageNavigation"]
    return ([("schema:accessMode", mode) for mode in modes]
            + [("schema:accessModeSufficient", mode) for mode in sufficient]
            + [("schema:accessibilityFeature", feature) for feature in features]
            + [("schema:accessibilityHazard", "none"),
               ("schema:accessibilitySummary", summary(lang, found, page_list=page_list)),
               ("dcterms:conformsTo", CONFORMS_TO)])


def add_metadata(out, lang: str, found: ImageCensus, *, page_source: str = "", certified_by: str = "") -> None:
    """Put the declarations into the ebooklib book ``out``. ``page_source``: the edition
    whose page numbers the page list gives ('' : no page list). ``certified_by``: who vouches
    for the conformance claim (the publisher, when the book names one)."""
    for prop, value in declarations(lang, found, page_list=bool(page_source)):
        out.add_metadata(None, "meta", value, {"property": prop})
    if page_source:
        # EPUB 3's way of naming the edition a page list follows (EPUBCheck 5 knows no
        # a11y:pageBreakSource; Ace accepts either).
        out.add_metadata("DC", "source", page_source, {"id": "page-source"})
        out.add_metadata(None, "meta", "pagination", {"refines": "#page-source", "property": "source-of"})
    if certified_by:
        out.add_metadata(None, "meta", certified_by, {"property": "a11y:certifiedBy"})


_XHTML = "http://www.w3.org/1999/xhtml"
_OPS = "http://www.idpf.org/2007/ops"


def add_page_list(nav: bytes, pages: list[tuple[int, str]]) -> bytes:
    """The navigation document with a page list (hidden: it is for reading systems) of
    ``pages``: (page number, href)."""
    root = etree.fromstring(nav, etree.XMLParser(resolve_entities=False, no_network=True))
    body = root.find(f"{{{_XHTML}}}body")
    element = etree.SubElement(body, f"{{{_XHTML}}}nav", {f"{{{_OPS}}}type": "page-list", "role": "doc-pagelist",
                                                          "hidden": "hidden"})
    listed = etree.SubElement(element, f"{{{_XHTML}}}ol")
    for number, href in sorted(pages):
        item = etree.SubElement(etree.SubElement(listed, f"{{{_XHTML}}}li"), f"{{{_XHTML}}}a", href=href)
        item.text = str(number)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def package_language(opf: bytes, lang: str) -> bytes:
    """The package document with ``xml:lang`` on its root (the book's language)."""
    root = etree.fromstring(opf, etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False))
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
