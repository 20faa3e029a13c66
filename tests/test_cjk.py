"""CJK typography: text transforms, OpenCC conversion, language runs, glyph coverage and
font subsets (the rules of ../shared/CJK.md that are decided before rendering)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fontTools.ttLib import TTFont

from converter.core.diagnostics import Diagnostics
from converter.core.model import (
    Attrs, BlockQuote, Book, BookMeta, Code, CodeBlock, Div, Document, Emph, Figure, Image, Meta, Paragraph, Part,
    Span, Strong, Text, to_json,
)
from converter.core.options import ReadOptions
from converter.fonts.coverage import missing_glyphs
from converter.fonts.embed import embed_fonts, font_face_css
from converter.transforms import Context, cjk, language
from converter.transforms.convert import convert_document
from converter.writers.pandoc_ast import ruby_openxml

from .conftest import EXAMPLES, assert_epubcheck_clean, pdf_fonts, run_converter


def ctx() -> Context:
    return Context(ReadOptions(), Diagnostics())


def para(*nodes, lang="zh-Hans") -> Document:
    return Document(Meta(lang=lang), (Paragraph(tuple(Text(n) if isinstance(n, str) else n for n in nodes)),))


def texts(doc: Document) -> str:
    return to_json(doc.blocks[0])


class TestSpacing:
    def test_quarter_em_between_han_and_latin_across_inline_boundaries(self):
        out = cjk.autospace(para("用Python写", Emph((Text("3个"),)), "程序"), ctx())
        content = out.blocks[0].content
        assert content[0].text == "用\u2005Python\u2005写"
        assert content[1].content[0].text == "\u20053\u2005个"

    def test_no_spacing_for_korean_english_or_code(self):
        assert cjk.autospace(para("한국어English", lang="ko"), ctx()) == para("한국어English", lang="ko")
        doc = para("运行", Code("ls"), "命令")
        assert cjk.autospace(doc, ctx()) == doc

    def test_spans_in_other_languages_are_left_alone(self):
        doc = para("中文", Span((Text("mixed中文text"),), Attrs(lang="en")))
        assert cjk.autospace(doc, ctx()).blocks[0].content[1] == doc.blocks[0].content[1]

    def test_punctuation_width_between_han(self):
        out = cjk.punctuation_width(para("你好,世界!真的?是:对;", "ok, fine"), ctx())
        assert out.blocks[0].content[0].text == "你好，世界！真的？是：对;"
        assert out.blocks[0].content[1].text == "ok, fine"

    def test_an_opening_quote_that_ends_a_paragraph_is_closed(self):
        out = cjk.punctuation_width(para("他们说：“", Strong((Text("我们要求采取行动。“ "),))), ctx())
        assert out.blocks[0].content[1].content[0].text == "我们要求采取行动。” "
        after_code = para("他说：", Code("x"), "“")
        assert cjk.punctuation_width(para("“引文", "未完"), ctx()) == para("“引文", "未完")
        assert cjk.punctuation_width(para("「引用“", lang="ja"), ctx()) == para("「引用“", lang="ja")
        assert cjk.punctuation_width(after_code, ctx()).blocks[0].content[-1].text == "”"

    def test_halt_wraps_the_first_of_adjacent_marks(self):
        out = cjk.halt_pairs(para("他说：「好。」然后（笑）。"), ctx())
        halted = [n.content[0].text for n in out.blocks[0].content if isinstance(n, Span)]
        assert halted == ["：", "。", "）"]

    def test_marks_at_inline_boundaries_move_to_the_text_they_belong_to(self):
        doc = para("自问", Strong((Text("：毛派？"),)), "然后", Emph((Text("看「"),)), "书」")
        out = cjk.kinsoku_boundaries(doc, ctx()).blocks[0].content
        assert out == (Text("自问："), Strong((Text("毛派？"),)), Text("然后"), Emph((Text("看"),)), Text("「书」"))

    @pytest.mark.parametrize("lang, source, bound", [
        # Wave dash of a range, ellipsis after a full stop (not inside "……"), curly quotes.
        ("zh-Hans", "范围3～5个。……他说“好”", "范围3\u2060～5个。\u2060……他说“\u2060好\u2060”"),
        ("zh-Hant", "約3〜5天‥‥", "約3\u2060〜5天\u2060‥‥"),
        # Small kana, the prolonged sound mark, iteration marks; a space still breaks.
        ("ja", "ちょっとコーヒー 々", "ち\u2060ょ\u2060っとコ\u2060ーヒ\u2060ー 々"),
        # Korean never writes small kana, but binds the range's wave dash.
        ("ko", "3～5ぁ", "3\u2060～5ぁ"),
        # Marks Pango keeps by itself get nothing; nor do ASCII marks, % or ’.
        ("zh-Hans", "好，「对」。50%、don’t", "好，「对」。50%、don’t"),
    ])
    def test_forbidden_marks_are_bound_per_language(self, lang, source, bound):
        out = cjk.kinsoku_boundaries(para(source, lang=lang), ctx())
        assert out.blocks[0].content[0].text == bound

    def test_halt_pairs_see_through_a_joiner(self):
        bound = cjk.kinsoku_boundaries(para("他说“好。”"), ctx())
        halted = [n.content[0].text for n in cjk.halt_pairs(bound, ctx()).blocks[0].content if isinstance(n, Span)]
        assert halted == ["。"]

    def test_kinsoku_table_follows_clreq_and_jlreq(self):
        from converter.core.kinsoku import ANY, rules_for

        zh, ja, ko = rules_for("zh-TW"), rules_for("ja-JP"), rules_for("ko")
        assert rules_for("en") is None and rules_for("zh-CN") is rules_for("zh-Hant")
        for rules in (zh, ja, ko):
            assert set("，。、：；？！）」』》〕】”…～〜") <= set(rules.no_start)
            assert set("（「『《〔【“‘") <= set(rules.no_end)
        assert set("ぁっゃョヵーゝ々〻゠‐") <= set(ja.no_start)
        assert not set("ぁっー") & set(ko.no_start)
        assert set(ANY.no_start) == set(zh.no_start) | set(ja.no_start) | set(ko.no_start)

    def test_korean_word_joiners_only_inside_words(self):
        out = cjk.korean_keep_all(para("서울의 골목 3호선", lang="ko"), ctx())
        assert out.blocks[0].content[0].text == "서\u2060울\u2060의 골\u2060목 3\u2060호\u2060선"

    def test_hanja_and_brackets_in_a_korean_word_stay_in_it(self):
        out = cjk.korean_keep_all(para("경복궁(景福宮) 옆", lang="ko"), ctx())
        assert out.blocks[0].content[0].text == "\u2060".join("경복궁(景福宮)") + " 옆"


OPENCC = [
    ("s2t", "头发 皇后 干净 一只", "頭髮 皇后 乾淨 一隻"),
    ("s2tw", "头发 皇后 干净 一只", "頭髮 皇后 乾淨 一隻"),
    ("s2twp", "头发 皇后 干净 一只 软件 鼠标", "頭髮 皇后 乾淨 一隻 軟體 滑鼠"),
    ("s2hk", "头发 皇后 干净 一只", "頭髮 皇后 乾淨 一隻"),
    ("t2s", "頭髮 皇后 乾淨 一隻", "头发 皇后 干净 一只"),
    ("tw2sp", "軟體 滑鼠 計程車", "软件 鼠标 出租车"),
]


@pytest.mark.parametrize("config,source,expected", OPENCC)
def test_opencc_golden_pairs(config, source, expected):
    lang = "zh-Hant" if config.startswith(("t", "tw")) else "zh-Hans"
    out = convert_document(para(source, lang=lang), config, "")
    assert out.blocks[0].content[0].text == expected


def test_conversion_leaves_japanese_code_and_urls_alone_and_retags():
    doc = Document(Meta(lang="zh-Hans", title="学校"), (
        Paragraph((Text("学校"), Span((Text("学校"),), Attrs(lang="ja")))),
        CodeBlock("学校 = 1"),
        Div((Paragraph((Text("学校"),)),), Attrs(lang="ja")),
        BlockQuote((Paragraph((Text("学校"),)), Div((Paragraph((Text("学校"),)), Figure(Image("a.png", "学校"))),
                                                   Attrs(lang="ja")))),
    ))
    out = convert_document(doc, "s2t", "corner")
    quote = out.blocks[3]
    assert quote.blocks[0].content[0].text == "學校" and quote.blocks[1] == doc.blocks[3].blocks[1]
    assert out.meta.lang == "zh-Hant" and out.meta.title == "學校"
    assert out.blocks[0].content[0].text == "學校" and out.blocks[0].content[1].content[0].text == "学校"
    assert out.blocks[1].text == "学校 = 1" and out.blocks[2] == doc.blocks[2]
    japanese = Document(Meta(lang="ja"), (Paragraph((Text("学校"),)),))
    assert convert_document(japanese, "s2t", "") == japanese


def test_quote_styles():
    assert convert_document(para("他说“好”和‘对’"), "", "corner").blocks[0].content[0].text == "他说「好」和『对』"
    assert convert_document(para("他說「好」", lang="zh-Hant"), "", "curly").blocks[0].content[0].text == "他說“好”"


def test_runs_in_other_languages_are_tagged():
    doc = Document(Meta(lang="zh-Hans"), (
        Paragraph((Text("美国彼得森国际经济研究所(Peterson Institute for International Economics)的研究员"),)),
        Paragraph((Text("This whole paragraph is an English quotation inside a Chinese post."),)),
        Paragraph((Text("日本の友人は「ありがとうございます」と言ったが、これは日本語の段落です。"),)),
    ))
    out = language.tag_runs(doc, ctx())
    spans = [n for n in out.blocks[0].content if isinstance(n, Span)]
    assert spans == [Span((Text("Peterson Institute for International Economics"),), Attrs(lang="en"))]
    assert isinstance(out.blocks[1], Div) and out.blocks[1].attrs.lang == "en"
    assert isinstance(out.blocks[2], Div) and out.blocks[2].attrs.lang == "ja"


def test_coverage_names_characters_without_glyphs():
    doc = para("正常的中文，한국어，日本語、English, 😀 and a private-use \ue000 char and 𠮷")
    missing = missing_glyphs(doc)
    assert missing == ["\ue000"]


def test_strict_fails_on_missing_glyphs(tmp_path):
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: t\n---\n私用区字符 \ue000 无字形。\n", encoding="utf-8")
    proc = run_converter("build", str(post), "-o", str(tmp_path / "out"), "-f", "epub", "--strict")
    assert proc.returncode == 1 and "missing-glyph" in proc.stderr and "U+E000" in proc.stderr
    quiet = run_converter("build", str(post), "-o", str(tmp_path / "out"), "-f", "epub", "--strict", "-q")
    assert quiet.returncode == 1 and quiet.stderr.strip() == "error: 1 warning(s), and --strict makes them fail the build"
    assert run_converter("build", str(post), "-o", str(tmp_path / "out"), "-f", "epub").returncode == 0
    from .conftest import assert_epubcheck_clean

    assert_epubcheck_clean(tmp_path / "out" / "t.epub")


def test_font_subsets_cover_the_book_and_keep_licence_names(tmp_path):
    docs = (
        Document(Meta(title="简体标题", lang="zh-Hans"), (Paragraph((Text("简体中文正文"), Strong((Text("加粗"),)))),)),
        Document(Meta(title="繁體標題", lang="zh-Hant"), (Paragraph((Text("繁體中文內文"),)),)),
    )
    book = Book(BookMeta("书", lang="zh-Hans"), (Part(docs),))
    fonts = embed_fonts(book, cache_dir=tmp_path)
    by_key = {(f.family, f.weight): f for f in fonts}
    assert set(by_key) == {("Noto Serif CJK SC", 400), ("Noto Serif CJK SC", 700),
                           ("Noto Serif CJK TC", 400), ("Noto Serif CJK TC", 700)}
    for (family, weight), text in ((("Noto Serif CJK SC", 400), "简体中文正文书"), (("Noto Serif CJK SC", 700), "加粗简体标题"),
                                   (("Noto Serif CJK TC", 400), "繁體中文內文")):
        font = TTFont(io.BytesIO(by_key[(family, weight)].data))
        cmap = font.getBestCmap()
        assert all(ord(c) in cmap for c in text), family
        names = font["name"]
        assert names.getDebugName(0) and names.getDebugName(13) and names.getDebugName(14)
        assert font.flavor == "woff2"
    assert len(list(tmp_path.glob("*.woff2"))) == 4  # cached
    assert embed_fonts(book, cache_dir=tmp_path)[0].data == fonts[0].data
    css = font_face_css(fonts)
    assert css.count("@font-face") == 4 and 'format("woff2")' in css


def test_ruby_becomes_w_ruby():
    xml = ruby_openxml("漢字", "かんじ", "ja")
    assert "<w:ruby>" in xml and "<w:t>かんじ</w:t>" in xml and 'w:lid w:val="ja-JP"' in xml


def test_the_japanese_example_keeps_its_one_ruby_in_docx_and_epub(tmp_path):
    post = next(EXAMPLES.glob("*京都*.md"))
    assert post.read_text(encoding="utf-8").count("{哲学|てつがく}") == 1
    assert run_converter("build", str(post), "-o", str(tmp_path), "-f", "docx,epub").returncode == 0
    with zipfile.ZipFile(next(tmp_path.glob("*.docx"))) as z:
        document = z.read("word/document.xml").decode()
    assert document.count("<w:ruby>") == 1 and "てつがく" in document
    with zipfile.ZipFile(next(tmp_path.glob("*.epub"))) as z:
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("EPUB/text/chapter-"))
    assert xhtml.count("<ruby>") == 1 and "<rt>てつがく</rt>" in xhtml


@pytest.mark.parametrize("pattern,lang,face,word_lang", [
    ("2024-03-15-*.md", "zh-Hans", "Noto Serif CJK SC", "zh-CN"),
    ("2023-10-08-*.md", "zh-Hant", "Noto Serif CJK TC", "zh-TW"),
    ("2024-04-02-*.md", "ja", "Noto Serif CJK JP", "ja-JP"),
    ("2024-05-20-*.md", "ko", "Noto Serif CJK KR", "ko-KR"),
])
def test_docx_east_asian_font_and_language_per_language(tmp_path, pattern, lang, face, word_lang):
    from .checks import libreoffice_asian_fonts, libreoffice_convert, pdf_cjk_glyph_forms

    post = next(EXAMPLES.glob(pattern))
    assert run_converter("build", str(post), "-o", str(tmp_path), "-f", "docx").returncode == 0
    docx = next(tmp_path.glob("*.docx"))
    with zipfile.ZipFile(docx) as z:
        styles = z.read("word/styles.xml").decode()
        document = z.read("word/document.xml").decode()
    import re

    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert f'w:eastAsia="{face}"' in defaults and f'w:eastAsia="{word_lang}"' in defaults
    assert not re.search(r'<w:lang [^>]*w:val="(zh|ja|ko)', document)
    fonts, langs = libreoffice_asian_fonts(docx, tmp_path)
    assert fonts[face] > 0
    assert not [f for f in fonts if f.startswith("Noto Serif CJK") and f != face]
    assert langs[word_lang] > 0
    # What LibreOffice renders: every CJK font of its PDF embedded, none Type 3, and each
    # character whose form differs between regions drawn in the language's form.
    pdf = libreoffice_convert(docx, tmp_path, "pdf")
    rows = [row for row in pdf_fonts(pdf) if "CJK" in row["name"]]
    assert rows and all(row["emb"] == "yes" and row["type"] != "Type 3" for row in rows), rows
    forms = pdf_cjk_glyph_forms(pdf)
    tag = face.rsplit(" ", 1)[-1]
    assert len(forms) >= 3 and [char for char, tags in forms if tag not in tags] == [], forms


def test_fonts_in_a_configured_folder_are_found(tmp_path):
    """A face that exists only in --font-dir is visible to fontconfig, the coverage check
    and the PDF renderer."""
    from fontTools.ttLib import TTFont

    from converter.fonts.files import find_face

    source = find_face("DejaVu Sans")
    assert source is not None
    font = TTFont(str(source.path))
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "Converter Test Sans"
        elif record.nameID == 6:
            record.string = "ConverterTestSans"
    folder = tmp_path / "fonts"
    folder.mkdir()
    font.save(str(folder / "ConverterTestSans.ttf"))
    script = ("import sys; from pathlib import Path; from converter.fonts.files import use_font_dirs, find_face;"
              "use_font_dirs((Path(sys.argv[1]),), Path(sys.argv[2]));"
              "print(find_face('Converter Test Sans'))")
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", script, str(folder), str(tmp_path / "work")],
                         capture_output=True, text=True).stdout
    assert "ConverterTestSans.ttf" in out
    assert find_face("Converter Test Sans") is None  # this process never saw the folder


def test_epub_embeds_subsets_covering_the_book(tmp_path):
    from .conftest import assert_epubcheck_clean

    assert run_converter("build", str(EXAMPLES), "-o", str(tmp_path / "a"), "-f", "epub", "--title", "t",
                         "--offline").returncode == 0
    epub = tmp_path / "a" / "t.epub"
    assert_epubcheck_clean(epub)
    import re

    with zipfile.ZipFile(epub) as z:
        fonts = {n: TTFont(io.BytesIO(z.read(n))) for n in z.namelist() if n.endswith(".woff2")}
        css = z.read("EPUB/styles/book.css").decode()
        opf = z.read("EPUB/content.opf").decode()
        chapters = {n: z.read(n).decode() for n in z.namelist() if n.startswith("EPUB/text/chapter-")}
    assert set(fonts) >= {"EPUB/fonts/zh-Hans-400.woff2", "EPUB/fonts/zh-Hant-400.woff2", "EPUB/fonts/ja-400.woff2",
                          "EPUB/fonts/ko-400.woff2"}
    assert css.count("@font-face") == len(fonts) and 'media-type="font/woff2"' in opf
    # Every character of each language's chapters is in that language's subset of the weight
    # it is set in: bold for headings, strong and table heads, regular for the rest.
    from lxml import etree

    bold = {"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "th"}
    for name, xhtml in chapters.items():
        lang = re.search(r'xml:lang="([^"]+)"', xhtml).group(1)
        if lang not in ("zh-Hans", "zh-Hant", "ja", "ko"):
            continue
        root = etree.fromstring(xhtml.encode())
        for element in root.iter():
            tags = {etree.QName(a).localname for a in element.iterancestors()} | {etree.QName(element).localname}
            if tags & {"code", "pre"}:
                continue
            weight = 700 if tags & bold else 400
            cmap = fonts[f"EPUB/fonts/{lang}-{weight}.woff2"].getBestCmap()
            text = (element.text or "")
            lacking = {c for c in text if ord(c) > 0x2e7f and not c.isspace() and ord(c) not in cmap}
            assert not lacking, (name, weight, sorted(lacking)[:10])
    assert run_converter("build", str(EXAMPLES), "-o", str(tmp_path / "b"), "-f", "epub", "--title", "t",
                         "--offline", "--no-embed-fonts").returncode == 0
    with zipfile.ZipFile(tmp_path / "b" / "t.epub") as z:
        assert not [n for n in z.namelist() if n.endswith(".woff2")]


def test_vertical_traditional_chinese_epub(tmp_path):
    from .conftest import assert_epubcheck_clean

    post = next(EXAMPLES.glob("2023-10-08-*.md"))
    assert run_converter("build", str(post), "-o", str(tmp_path), "-f", "epub", "--vertical").returncode == 0
    epub = next(tmp_path.glob("*.epub"))
    assert_epubcheck_clean(epub)
    with zipfile.ZipFile(epub) as z:
        assert 'page-progression-direction="rtl"' in z.read("EPUB/content.opf").decode()
        assert "writing-mode: vertical-rl" in z.read("EPUB/styles/book.css").decode()
    horizontal = tmp_path / "h"
    assert run_converter("build", str(post), "-o", str(horizontal), "-f", "epub").returncode == 0
    with zipfile.ZipFile(next(horizontal.glob("*.epub"))) as z:
        assert "page-progression-direction" not in z.read("EPUB/content.opf").decode()


def test_font_dir_leaves_no_temporary_files(tmp_path):
    import os
    import subprocess

    from .conftest import converter_cmd

    (tmp_path / "tmp").mkdir()
    (tmp_path / "fonts").mkdir()
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: t\n---\n正文。\n", encoding="utf-8")
    proc = subprocess.run(converter_cmd() + ["build", str(post), "-f", "txt", "-o", str(tmp_path / "out"),
                                             "--font-dir", str(tmp_path / "fonts")],
                          env={**os.environ, "TMPDIR": str(tmp_path / "tmp")}, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert not list((tmp_path / "tmp").iterdir())


class TestJustificationPlan:
    """Letter spacing per character, in units, so that each gap next to a CJK character widens
    by one unit (Pango: half of a character's spacing on each side, none past the text's ends)."""

    @staticmethod
    def widened(text: str) -> list[float]:
        from converter.writers.pdf_justify import letter_spacing

        units = letter_spacing(text)
        left = {i: (0 if i == 0 else u / 2) for i, u in units.items()}
        right = {i: (0 if i == len(text) - 1 else u / 2) for i, u in units.items()}
        visible = [i for i, c in enumerate(text) if not c.isspace() and c != "\u2060"]
        return [right.get(a, 0) + left.get(b, 0) for a, b in zip(visible, visible[1:])]

    @pytest.mark.parametrize("text, expected", [
        ("中国人", [1, 1]),
        ("x中国人", [1, 1, 1]),
        ("他说“好\u2060”。", [1, 1, 1, 1, 1]),
        # Latin letters keep their spacing; the word space is WeasyPrint's to widen.
        ("用Alipay付", [1, 0, 0, 0, 0, 0, 1]),
        # A chain of even length inside the text spills its last unit past its end, never
        # inside it (the spill is counted in the line's width, so the line stays flush).
        ("a b好c d", [0, 1, 1, 0]),
        ("a b好 d", [0, 1, 1]),
        ("中国 Alipay掌握", [1, 0, 0, 0, 0, 0, 0, 1, 1]),
        ("Plain Latin", [0] * 9),
    ])
    def test_every_cjk_gap_widens_by_one_unit(self, text, expected):
        assert self.widened(text) == expected


SYMBOLS_POST = """---
title: 符号测试
date: 2024-01-01
lang: zh-Hans
---
雪人☃，表情😀，加号➕，箭头→，数学∮，Thaana ު，泰文ภาษา，私用区\ue04a。
"""


def test_every_character_is_drawn_from_an_embedded_or_named_face(tmp_path):
    """Symbols, emoji and letters the CJK face lacks: in the EPUB from fallback subsets at the
    end of every font stack; in the PDF never as .notdef; in the DOCX in a style naming a
    face that has them. Only what no installed font has is left (the private-use character),
    and it is what the missing-glyph warning names."""
    from .checks import epub_uncovered, pdf_notdef

    (tmp_path / "p.md").write_text(SYMBOLS_POST, encoding="utf-8")
    proc = run_converter("build", str(tmp_path / "p.md"), "-o", str(tmp_path / "out"), "-f", "pdf,epub,docx",
                         "--title", "t")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "missing-glyph" in line]
    assert len(warnings) == 1 and "U+E04A" in warnings[0] and "U+07AA" not in warnings[0], warnings
    epub = tmp_path / "out" / "t.epub"
    assert_epubcheck_clean(epub)
    assert epub_uncovered(epub) == ["\ue04a"]
    with zipfile.ZipFile(epub) as z:
        css = z.read("EPUB/styles/book.css").decode()
        fallbacks = [n for n in z.namelist() if "/fonts/fallback-" in n]
    assert any("thaana" in n for n in fallbacks) and any("thai" in n for n in fallbacks), fallbacks
    stacks = re.findall(r"font-family: ([^;{]+);", css.split("/*", 1)[0])
    assert stacks and all('"Fallback Noto Sans Thaana"' in s for s in stacks if "," in s)
    checked, notdef = pdf_notdef(tmp_path / "out" / "t.pdf")
    assert checked > 20 and notdef == [], notdef
    with zipfile.ZipFile(tmp_path / "out" / "t.docx") as z:
        document, styles = z.read("word/document.xml").decode(), z.read("word/styles.xml").decode()
    for style, text in (("EmojiFallback", "😀"), ("SymbolFallback", "➕")):
        assert re.search(rf'w:rStyle w:val="{style}"/>(?:(?!</w:r>).)*<w:t[^>]*>{text}<', document), style
    assert not re.search(r'Fallback"/>(?:(?!</w:r>).)*<w:t[^>]*>[^<]*[☃→]', document)  # the CJK face has these
    assert 'w:styleId="SymbolFallback"' in styles and 'w:ascii="Noto Sans Symbols2"' in styles


def _breaking_post() -> str:
    """Chinese sentences of many lengths ending in the marks that line breakers get wrong
    (an ellipsis after a full stop, a range's wave dash, quotation marks), so that at any
    page width some of them fall at a line's edge."""
    import random

    rng = random.Random(7)
    han = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方"
    endings = ["。……", "，约3～5个", "……", "，他说：“好", "”。", "～"]
    body = "".join("".join(rng.choice(han) for _ in range(rng.randint(3, 37))) + rng.choice(endings)
                   for _ in range(80))
    return f"---\ntitle: 断行\ndate: 2024-01-01\nlang: zh-Hans\n---\n{body}\n"


def test_docx_line_breaking_declared_for_word_and_kept_by_libreoffice(tmp_path):
    """Word gets the language's kinsoku lists and the paragraph defaults. LibreOffice reads
    neither list and applies its own table: with the declared punctuation setting it breaks
    no line against that table (without it, this text gives it lines starting with ，and …
    after a hanging full stop); its zh-CN table lacks the ellipsis, the one mark left (it
    ignores word joiners in CJK text). Our own PDF of the same text: no violation."""
    from .checks import kinsoku_violations, libreoffice_convert, pdf_lines

    (tmp_path / "p.md").write_text(_breaking_post(), encoding="utf-8")
    assert run_converter("build", str(tmp_path / "p.md"), "-o", str(tmp_path), "-f", "docx,pdf",
                         "--title", "t").returncode == 0
    with zipfile.ZipFile(tmp_path / "t.docx") as z:
        settings, styles = z.read("word/settings.xml").decode(), z.read("word/styles.xml").decode()
    before = re.search(r'<w:noLineBreaksBefore w:lang="zh-CN" w:val="([^"]+)"', settings)
    after = re.search(r'<w:noLineBreaksAfter w:lang="zh-CN" w:val="([^"]+)"', settings)
    assert before and set("，。」…～") <= set(before.group(1)) and after and set("「“（") <= set(after.group(1))
    assert re.search(r"<w:pPrDefault>\s*<w:pPr>\s*<w:kinsoku/>\s*<w:overflowPunct/>", styles)
    lines = pdf_lines(libreoffice_convert(tmp_path / "t.docx", tmp_path, "pdf"))
    assert len(lines) > 40 and all("starts with '…'" in v for v in kinsoku_violations(lines)), kinsoku_violations(lines)
    lines = pdf_lines(tmp_path / "t.pdf")
    assert len(lines) > 40 and not kinsoku_violations(lines), kinsoku_violations(lines)
