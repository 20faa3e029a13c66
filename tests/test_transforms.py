"""Normalization transforms on small documents: titles, subheadings, characters, languages,
heading levels, links."""

from __future__ import annotations

import pytest

from converter.core.diagnostics import Diagnostics
from converter.core.model import (
    Attrs, Div, Document, Emph, Figure, Heading, Image, LineBreak, Link, Meta, Paragraph, Span, Strong, Text,
)
from converter.core.options import CleanupOptions, ReadOptions
from converter.transforms import Context, characters, headings, language, links, subheadings, title
from converter.transforms.langdetect import detect


def ctx(**opts) -> Context:
    return Context(ReadOptions(**opts), Diagnostics())


def P(*texts) -> Paragraph:
    return Paragraph(tuple(Text(t) if isinstance(t, str) else t for t in texts))


def doc(*blocks, **meta) -> Document:
    return Document(Meta(**meta), tuple(blocks))


class TestTitle:
    def test_site_suffix_and_repeated_heading(self):
        d = doc(Figure(Image("lead.jpg")), Heading(1, (Text("网络“水军”的布局 - iYouPort"),)), P("正文。"),
                title="网络水军的布局 - iYouPort", source_url="https://www.iyouport.org/x")
        out = title.clean_title(d, ctx())
        # The heading kept the quotes the front matter lost: its text becomes the title.
        assert out.meta.title == "网络“水军”的布局"
        assert [type(b) for b in out.blocks] == [Figure, Paragraph]

    def test_configured_site_names_and_categories(self):
        d = doc(P("正文"), title="标题 | 泡泡", categories=("泡泡",))
        assert title.clean_title(d, ctx()).meta.title == "标题"
        d = doc(P("x"), title="Title — My Blog")
        assert title.clean_title(d, ctx(cleanup=CleanupOptions(site_names=("My Blog",)))).meta.title == "Title"
        assert title.clean_title(d, ctx()).meta.title == "Title — My Blog"

    def test_title_repeat_is_only_looked_for_before_the_text_starts(self):
        long = "很长的第一段正文。" * 20
        d = doc(P(long), Heading(1, (Text("标题"),)), title="标题")
        assert len(title.clean_title(d, ctx()).blocks) == 2

    def test_untitled_post_takes_first_heading_then_slug(self):
        out = title.clean_title(doc(Heading(1, (Text("第一章"),)), P("x")), ctx())
        assert out.meta.title == "第一章" and len(out.blocks) == 1
        assert title.clean_title(doc(P("x"), slug="my-first-post"), ctx()).meta.title == "my first post"


class TestSubheadings:
    def test_bold_one_liners_become_headings(self):
        d = doc(P("导语。"), P(Strong((Text("政府“黑手”伸进金融市场"),))), P("正文。"))
        out = subheadings.promote_bold_lines(d, ctx())
        assert out.blocks[1] == Heading(1, (Text("政府“黑手”伸进金融市场"),))

    def test_bold_line_then_break_splits(self):
        d = doc(Paragraph((Strong((Text("强硬反腐，强硬打压"),)), LineBreak(), Text("习近平执政一年多来……"))))
        out = subheadings.promote_bold_lines(d, ctx())
        assert [type(b) for b in out.blocks] == [Heading, Paragraph]

    @pytest.mark.parametrize("text", ["这是一句被加粗强调的完整句子。", "注意：", "很" * 41])
    def test_bold_sentences_stay_paragraphs(self, text):
        d = doc(P(Strong((Text(text),))))
        assert subheadings.promote_bold_lines(d, ctx()) == d

    def test_level_is_below_existing_headings(self):
        d = doc(Heading(2, (Text("章"),)), P(Strong((Text("小节"),))))
        assert subheadings.promote_bold_lines(d, ctx()).blocks[1].level == 3


class TestCharacters:
    def test_zero_width_and_entities(self):
        d = doc(P("中\u200b文\ufeff&#x4E2D;&amp;&#25991;", Emph((Text("a\u200db"),))), title="标\u200b题")
        out = characters.repair_characters(d, ctx())
        assert out.blocks[0].content[0].text == "中文中&文"
        assert out.blocks[0].content[1].content[0].text == "ab"
        assert out.meta.title == "标题"

    def test_emoji_zwj_sequences_and_compatibility_ideographs_are_kept(self):
        family = "👨\u200d👩\u200d👧"
        d = doc(P(f"{family} \uf900"))
        assert characters.repair_characters(d, ctx()).blocks[0].content[0].text == f"{family} \uf900"


def test_heading_levels_are_relative():
    d = doc(Heading(3, (Text("a"),)), Heading(5, (Text("b"),)), Heading(3, (Text("c"),)))
    assert [b.level for b in headings.normalize_levels(d, ctx()).blocks] == [1, 2, 1]


def test_headings_inside_wrappers_count():
    wrapped = Div((Heading(4, (Text("b"),)),), Attrs(lang="en"))
    d = doc(Heading(2, (Text("a"),)), wrapped, P(Strong((Text("小标题"),))))
    out = headings.normalize_levels(d, ctx())
    assert out.blocks[0].level == 1 and out.blocks[1].blocks[0].level == 2
    only_nested = doc(Div((Heading(3, (Text("x"),)),), Attrs(lang="en")), P(Strong((Text("小标题"),))))
    assert subheadings.promote_bold_lines(only_nested, ctx()).blocks[1].level == 4
    # The title repeated inside a language wrapper is still the title.
    d = doc(Div((Heading(1, (Text("Title!"),)), P("body")), Attrs(lang="en")), title="Title")
    out = title.clean_title(d, ctx())
    assert out.meta.title == "Title!" and out.blocks == (Div((P("body"),), Attrs(lang="en")),)
    out = title.clean_title(doc(Div((Heading(1, (Text("Only"),)),), Attrs(lang="en")), P("x")), ctx())
    assert out.meta.title == "Only" and out.blocks == (P("x"),)


def test_dangling_fragment_links_and_duplicate_ids():
    d = doc(Heading(1, (Text("a"),), Attrs(id="x")), Heading(1, (Text("b"),), Attrs(id="x")),
            P(Link((Text("ok"),), "#x"), Link((Text("gone"),), "#nowhere"),
              Link((Link((Text("inner"),), "https://b"),), "https://a")))
    out = links.fix_links(d, ctx())
    assert out.blocks[1].attrs.id == ""
    para = out.blocks[2].content
    assert isinstance(para[0], Link) and para[1] == Span((Text("gone"),))
    assert para[2].content == (Span((Text("inner"),)),)


@pytest.mark.parametrize("text,expected", [
    ("这是简体中文的文章，讨论网络审查和数据监控的问题。", "zh-Hans"),
    ("這是繁體中文的文章，討論網絡審查與數據監控的問題。", "zh-Hant"),
    ("京都の春、哲学の道を歩く。桜の花びらが水面を流れていく。", "ja"),
    ("서울의 골목길을 걷다. 오월의 서울은 걷기에 가장 좋은 계절이다.", "ko"),
    ("Plain text has no format to go out of date, and that is why it lasts.", "en"),
    ("中文", ""),  # shared characters only: undetermined
    ("这篇文章引用了一段日本語：「ありがとう」，但主要是中文的讨论和分析，很长很长的一段话。", "zh-Hans"),
])
def test_language_detection(text, expected):
    assert detect(text) == expected


def test_language_falls_back_to_the_book_language():
    out = language.tag_document(doc(P("中文")), ctx(lang="zh-Hant"))
    assert out.meta.lang == "zh-Hant"
    declared = doc(P("这是简体中文"), lang="zh-Hant")
    assert language.tag_document(declared, ctx()).meta.lang == "zh-Hant"
