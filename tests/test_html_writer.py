"""The shared XHTML writer: links to other chapters, link URLs as print footnotes, URLs as
readers see them."""

from __future__ import annotations

import re

from converter.core.model import Attrs, Document, Heading, Link, Meta, Note, Paragraph, Text, chapter_link
from converter.resources import ResourceStore
from converter.writers.html import HtmlRenderer, display_url


def render(*inlines, heading=None, **options) -> str:
    blocks = ((Heading(1, heading, Attrs(id="h")),) if heading else ()) + (Paragraph(tuple(inlines)),)
    doc = Document(Meta(title="T", source_url="https://x.org/%E4%B8%AD/"), blocks)
    return HtmlRenderer(ResourceStore(), lambda r: r.id, **options).chapter(doc)


def test_chapter_links_use_the_medium_s_address():
    link = Link((Text("那篇"),), chapter_link(3, "sec"))
    assert '<a href="c3.xhtml#sec" class="chapter-link">那篇</a>' in render(
        link, chapter_href=lambda n, frag: f"c{n}.xhtml#{frag}")
    assert "<span>那篇</span>" in render(link)  # nowhere to point: text only


def test_link_urls_become_footnotes_in_print_only():
    link = Link((Text("官方文档"),), "https://jekyllrb.com/docs/")
    assert '<span class="footnote link-note">https://jekyllrb.com/docs/</span>' in render(link, link_notes=True)
    assert "link-note" not in render(link)
    # Not when the text already is the address, not inside a note or a heading.
    assert "link-note" not in render(Link((Text("jekyllrb.com/docs"),), "https://jekyllrb.com/docs/"),
                                     link_notes=True)
    assert "link-note" not in render(Note((Paragraph((link,)),)), notes="footnote", link_notes=True)
    assert render(Text("x"), heading=(link,), link_notes=True).count("link-note") == 0


def test_urls_are_shown_decoded():
    assert display_url("https://x.org/%E4%B8%AD%2F%e6%96%87?q=a%20b") == "https://x.org/中%2F文?q=a%20b"
    assert display_url("https://x.org/%FF%FE") == "https://x.org/%FF%FE"  # not UTF-8: as it was
    assert '>https://x.org/中/</a>' in render(Text("x"))  # the byline's source link


def test_notes_inside_notes_get_their_own_numbers():
    inner = Note((Paragraph((Text("内注"),)),))
    outer = Note((Paragraph((Text("外注"), inner)),))
    html = render(Text("正文"), outer, Text("又"), Note((Paragraph((Text("第三"),)),)), notes="endnote")
    ids = re.findall(r'<li id="([^"]+)"', html)
    assert ids == ["note-1", "note-2", "note-3"]
    assert html.index("外注") < html.index("内注") < html.index("第三")
    assert len(set(re.findall(r' id="([^"]+)"', html))) == len(re.findall(r' id="([^"]+)"', html))


def test_embeds_are_labelled_in_the_chapter_language():
    from converter.core.model import Embed

    for lang, word in (("zh-Hans", "视频"), ("ja", "動画"), ("en", "Video"), ("ko", "동영상")):
        doc = Document(Meta(title="T", lang=lang), (Embed("https://youtube.com/x", "video"),))
        html = HtmlRenderer(ResourceStore(), lambda r: r.id).chapter(doc)
        assert f'<span class="embed-label">{word}:</span>' in html


def test_a_failed_figure_shows_its_caption_once_and_says_why():
    from converter.core.model import Figure, Image

    store = ResourceStore()
    store.refuse("https://x.org/a.png", "HTTP 404")
    figure = Figure(Image("https://x.org/a.png"), (Text("图注：山景"),))
    doc = Document(Meta(title="T", lang="zh-Hans"), (figure,))
    html = HtmlRenderer(store, lambda r: r.id).chapter(doc)
    assert html.count("图注：山景") == 1  # in the caption only, not in the frame as well
    frame = re.search(r'<div class="image-placeholder">.*?</div>', html).group()
    assert '<span class="placeholder-label">[图片]</span>' in frame  # no alt: the word for "image"
    assert '<span class="placeholder-reason">(HTTP 404)</span>' in frame and 'href="https://x.org/a.png"' in frame
