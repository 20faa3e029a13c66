"""The post the project started from (an RFA article) normalizes as a reader would want."""

from __future__ import annotations

from converter.core.model import Figure, Heading, Image, Link, Paragraph
from converter.core.options import ReadOptions
from converter.core.tree import inline_text, iter_tree
from converter.pipeline import read_one
from converter.sources import Discovered

from .conftest import EXAMPLES, run_converter

SEED = next(EXAMPLES.glob("2021-01-06-*.md"))


def seed_doc():
    result = read_one(Discovered(SEED, SEED.parent), ReadOptions())
    assert result.error is None
    return result.doc


def test_metadata_from_front_matter_and_feed_header():
    meta = seed_doc().meta
    assert meta.title == "美媒曝北京要分享蚂蚁大数据 马云能拒绝吗？"
    assert meta.date.startswith("2021-01-06") and meta.authors == ("自由亚洲电台",)
    assert meta.source_url == "https://www.rfa.org/mandarin/yataibaodao/jingmao/cm-01062021145804.html"
    assert meta.lang == "zh-Hans"


def test_body_is_clean_and_complete():
    doc = seed_doc()
    texts = [inline_text(b.content) for b in doc.blocks if isinstance(b, (Paragraph, Heading))]
    # No repeated title; the CMS's related stories and the zoom icons are gone.
    assert doc.meta.title not in texts[0]
    assert not any("虾米音乐宣布将关停" in t for t in texts)
    assert not [n for n in iter_tree(doc.blocks) if isinstance(n, Link) and "rfa.org/mandarin" in n.url]
    images = [n for n in iter_tree(doc.blocks) if isinstance(n, Image)]
    assert len(images) == 2 and not any("icon-zoom" in i.src for i in images)
    # Both figures keep their captions.
    captions = [inline_text(b.caption) for b in doc.blocks if isinstance(b, Figure)]
    assert captions == ["中央连续出拳警告 蚂蚁卖股求和？（变态辣椒）", "中国“蚂蚁集团”的实际责任人马云（法新社）"]
    # The bold one-line paragraphs are subheadings.
    headings = [inline_text(b.content) for b in doc.blocks if isinstance(b, Heading)]
    assert headings == ["共享信用信息？恐为北京数据监控", "政府“黑手”伸进金融市场", "‘把资料交出来’ 美国不可能发生"]
    # <br><br> made paragraphs; the reporter line at the end is kept.
    assert texts[-1] == "记者：陈品洁 责编：申铧 网编：郭度"
    assert any(t.startswith("“要基于企业自由") for t in texts)


def test_inspect_report_names_the_rules_that_removed_things():
    proc = run_converter("inspect", "--report", "--format", "text", str(SEED))
    assert proc.returncode == 0
    assert "generic.related-links" in proc.stderr and "generic.icons" in proc.stderr
    assert "阿里收缩网络业务" in proc.stderr  # the first words of what was removed


def test_inspect_reads_as_build_does_with_the_config_file(tmp_path):
    # The rule that removes the seed's related-links list, switched off in converter.toml:
    # inspect run in that folder must keep the list, as build would.
    (tmp_path / "converter.toml").write_text("[cleanup]\ndisable = ['generic.related-links']\n", encoding="utf-8")
    plain = run_converter("inspect", "--report", "--format", "text", str(SEED))
    configured = run_converter("inspect", "--report", "--format", "text", str(SEED), cwd=tmp_path)
    assert plain.returncode == configured.returncode == 0
    assert "generic.related-links" in plain.stderr and "generic.related-links" not in configured.stderr
    assert len(configured.stdout) > len(plain.stdout)
