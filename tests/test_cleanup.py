"""The cleanup stage: each rule on a small page, switchable rules, and what is kept."""

from __future__ import annotations

import pytest

from converter.core.diagnostics import Diagnostics
from converter.core.errors import ConfigError
from converter.core.model import Embed, Figure, Heading, Paragraph, to_json
from converter.core.options import CleanupOptions
from converter.readers.html import read_html

SOURCE = "https://www.example-news.org/2024/05/story.html"


def read(html: str, options: CleanupOptions | None = None, title: str = "标题"):
    diag = Diagnostics()
    blocks = read_html(html, base_url=SOURCE, diag=diag, title=title, cleanup=options or CleanupOptions())
    text = " ".join(to_json(b) for b in blocks)
    return blocks, text, diag


def removed(diag: Diagnostics) -> set[str]:
    return {d.code for d in diag if d.severity == "info"}


def test_wordpress_and_jetpack_chrome():
    html = """<article><div class="entry-meta"><span class="byline">Ann</span><span class="word-count">0 Minutes</span></div>
    <div class="entry-content"><p>正文第一段。</p>
    <div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">共享此文章：</h3><a href="#">Twitter</a></div>
    <div id="jp-relatedposts" class="jp-relatedposts"><h3>相关</h3></div></div>
    <div class="entry-footer"><ul class="post-tags"><li>Tagged</li><li><a href="/tag/a">a</a></li></ul></div></article>"""
    blocks, text, diag = read(html)
    assert [type(b) for b in blocks] == [Paragraph] and "正文第一段" in text
    assert {"wordpress.entry-meta", "jetpack.sharing", "jetpack.related", "wordpress.entry-footer"} <= removed(diag)


def test_spam_comment_section_goes_but_conversation_essays_stay():
    spam = "".join(f'<div class="comment"><p>buy cialis online {i} <a href="http://spam.example/">x</a></p></div>'
                   for i in range(5))
    _, text, _ = read(f"<p>{'文章正文。' * 100}</p><div id='comments' class='comment-wrapper'>{spam}</div>")
    assert "cialis" not in text and "文章正文" in text
    essay = "This is a considered response to the question. " * 20
    conversation = "".join(f'<article class="comment"><h3>Expert {i}</h3><p>{essay}</p></article>' for i in range(4))
    _, text, _ = read(f"<p>Intro of the conversation.</p><div id='comments' class='comment-wrapper'>{conversation}</div>")
    assert "Expert 3" in text and "considered response" in text


def test_related_links_bare_same_site_list_goes_curated_lists_stay():
    same_site = '<ul><li><a href="https://www.example-news.org/a.html">甲文章</a></li><li><strong><a href="/b.html">乙文章</a></strong></li></ul>'
    _, text, diag = read(f"<p>第一段。</p>{same_site}<p>第二段。</p>")
    assert "甲文章" not in text and "第二段" in text and "generic.related-links" in removed(diag)
    curated = '<ul><li>《<a href="https://www.example-news.org/a.html">甲文章</a>》</li><li>《<a href="/b.html">乙文章</a>》</li></ul>'
    assert "甲文章" in read(f"<p>第一段。</p>{curated}")[1]
    introduced = f"<p>相关阅读：</p>{same_site}"
    assert "甲文章" in read(introduced)[1]
    elsewhere = '<ul><li><a href="https://other.org/a">外站一</a></li><li><a href="https://other.org/b">外站二</a></li></ul>'
    assert "外站一" in read(f"<p>第一段。</p>{elsewhere}<p>第二段。</p>")[1]


def test_link_lists_at_the_edges_go_but_a_source_link_stays():
    cats = '<p><a href="/c/1">科技</a> <a href="/c/2">社会</a> <a href="/c/3">评论</a></p>'
    source = '<p><a href="https://original.example/story">The Original English Story Title Here</a></p>'
    _, text, _ = read(f"{cats}<p>{'正文。' * 20}</p>{source}{cats}")
    assert "科技" not in text and "The Original English Story" in text and "正文" in text


def test_lazy_images_noscript_copies_and_trackers():
    html = """<p><img class="jetpack-lazy-image" src="https://cdn.example.org/a.jpg" srcset="data:image/gif;base64,R0lGODlh,AQABAAAAACw=" alt="一"><noscript><img src="https://cdn.example.org/a.jpg"></noscript></p>
    <p><img style="display:none" data-lazy-src="https://cdn.example.org/hidden.jpg"><noscript><img src="https://cdn.example.org/b.jpg" alt="二"></noscript></p>
    <p><img src="https://stats.example.org/pixel.gif" width="1" height="1"><img src="https://medium.com/_/stat?event=post"></p>
    <p><img src="https://www.example-news.org/img/icon-zoom.png"></p>"""
    blocks, text, _ = read(html)
    srcs = [b.image.src for b in blocks if isinstance(b, Figure)]
    assert srcs == ["https://cdn.example.org/a.jpg", "https://cdn.example.org/b.jpg"]


def test_srcset_largest_and_picture_sources():
    html = """<img src="https://x.org/small.jpg" srcset="https://x.org/s.jpg 300w, https://x.org/l.jpg 1280w, https://x.org/m.jpg 768w">
    <picture><source srcset="https://x.org/p.webp 2x, https://x.org/p1.webp 1x"><img src=""></picture>"""
    blocks, _, _ = read(html)
    assert [b.image.src for b in blocks] == ["https://x.org/l.jpg", "https://x.org/p.webp"]


def test_cloudflare_email_is_decoded():
    # "user@example.com" XOR 0x42, as Cloudflare encodes it.
    key = 0x42
    hexed = f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in "user@example.com")
    _, text, _ = read(f'<p>Write to <a class="__cf_email__" data-cfemail="{hexed}" href="/cdn-cgi/l/email-protection">[email&#160;protected]</a> now.</p>')
    assert "user@example.com" in text and "protected" not in text


def test_ai2html_keeps_the_widest_artboard():
    html = """<div class="ai2html_export"><div class="g-artboard" data-min-width="300" style="display:block">
    <img class="g-aiImg" src="https://x.org/chart_small.jpg"><p>small label</p></div>
    <div class="g-artboard" data-min-width="1020" style="display:none"><img class="g-aiImg" src="https://x.org/chart_wide.jpg"><p>wide label</p></div></div>"""
    _, text, _ = read(html)
    assert "chart_wide" in text and "wide label" in text and "chart_small" not in text


def test_related_stream_at_the_end_goes():
    cards = "".join(f'<section><a href="/s{i}"><h1>另一篇文章{i}</h1></a></section>' for i in range(3))
    _, text, _ = read(f"<p>{'正文。' * 40}</p><div class='streamItem'><span>Related</span></div>{cards}")
    assert "另一篇文章" not in text and "Related" not in text and "正文" in text


def test_captions_and_credits_make_figures():
    wp = '<div class="wp-caption"><img src="https://x.org/a.jpg" alt=""><p class="wp-caption-text">示威现场</p></div>'
    news = ('<div class="photo"><div><a href="https://x.org/big.jpg"><img src="https://x.org/b.jpg"></a></div>'
            '<div class="photo-credit">Getty Images</div><div class="photo-caption"><p>A vigil.</p></div></div>')
    blocks, _, _ = read(wp + news)
    figures = [b for b in blocks if isinstance(b, Figure)]
    assert len(blocks) == 2 and len(figures) == 2
    assert figures[0].caption[0].text == "示威现场"
    assert "".join(t.text for t in figures[1].caption) == "A vigil. Getty Images"


def test_embeds_are_kept_as_links():
    blocks, _, _ = read('<p>看视频</p><iframe src="https://www.youtube.com/embed/x" title="演讲"></iframe>'
                        '<object data="https://x.org/guide.pdf"><p><a href="https://x.org/guide.pdf">点击以访问 guide.pdf</a></p></object>')
    embeds = [b for b in blocks if isinstance(b, Embed)]
    assert [(e.kind, e.title) for e in embeds] == [("video", "演讲"), ("object", "点击以访问 guide.pdf")]


def test_rules_can_be_disabled_and_added():
    html = '<div class="sharedaddy"><p>分享到微博</p></div><p>正文。</p><div class="promo-box"><p>订阅我们</p></div>'
    _, text, _ = read(html, CleanupOptions(disabled=frozenset({"jetpack.sharing"}), remove=(".promo-box",)))
    assert "分享到微博" in text and "订阅我们" not in text
    with pytest.raises(ConfigError, match="no.such-rule"):
        read(html, CleanupOptions(disabled=frozenset({"no.such-rule"})))


def test_unwrap_and_keep_images_are_reported_too():
    html = ('<div class="box"><p>保留的正文内容</p></div>'
            '<div class="hero"><img src="/a.jpg" alt="图"><span>点击查看大图</span></div><p>正文</p>')
    blocks, text, diag = read(html, CleanupOptions(unwrap=(".box",), keep_images=(".hero",)))
    assert "保留的正文内容" in text and "点击查看大图" not in text
    info = {d.code: d.message for d in diag.items}
    assert info["config.unwrap.1"].startswith("1") and info["config.keep_images.1"] == "1, first: '点击查看大图'"


def test_headings_inside_the_body_are_kept():
    blocks, _, _ = read("<h1>标题</h1><p>导语。</p><h1>第二个一级标题是小标题</h1><p>正文。</p>")
    assert sum(isinstance(b, Heading) for b in blocks) == 2
