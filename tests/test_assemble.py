"""Book assembly on hand-made documents: filters, duplicates, order, split, parts, metadata,
links between posts."""

from __future__ import annotations

import json

import pytest

from converter.assemble.books import assemble
from converter.assemble.selection import lang_matches
from converter.assemble.urlkey import url_key
from converter.core.diagnostics import Diagnostics
from converter.core.model import Attrs, Document, Heading, Link, Meta, Paragraph, Text, chapter_target
from converter.core.options import BookOptions, Filters, Split
from converter.core.tree import map_tree


def post(title: str, date: str = "", *, lang: str = "zh-Hans", url: str = "", tags=(), categories=(),
         authors=(), body: str = "正文。", blocks=None, path: str = "", extra=()) -> Document:
    meta = Meta(title=title, date=date, lang=lang, source_url=url, tags=tuple(tags), categories=tuple(categories),
                authors=tuple(authors), source_path=path or f"/posts/{date[:10]}-{title}.md", extra=tuple(extra))
    return Document(meta, tuple(blocks) if blocks is not None else (Paragraph((Text(body),)),))


def titles(book) -> list[str]:
    return [d.meta.title for d in book.chapters]


def links(doc: Document) -> list[str]:
    found = []
    map_tree(doc.blocks, lambda n: found.append(n.url) or n if isinstance(n, Link) else n)
    return found


POSTS = [
    post("b", "2020-03-02", categories=["泡泡"], tags=["t1"], authors=["甲"]),
    post("a", "2019-12-31", categories=["Matters"], tags=["t2", "t1"], authors=["乙"]),
    post("c", "2020-01-15T10:00:00+08:00", categories=["泡泡"], authors=["甲"]),
    post("d", "", categories=[]),
]


def test_default_is_one_book_in_date_order_undated_last():
    [book] = assemble(POSTS, BookOptions(title="T"), "x")
    assert titles(book) == ["a", "c", "b", "d"]
    assert book.meta.title == "T" and book.meta.coverage == "2019-12-31/2020-03-02"
    assert book.meta.date == "2020-03-02" and book.meta.lang == "zh-Hans"
    assert len(book.parts) == 1 and not book.parts[0].title


@pytest.mark.parametrize("order, expected", [("-date", ["b", "c", "a", "d"]), ("title", ["a", "b", "c", "d"]),
                                             ("input", ["b", "a", "c", "d"])])
def test_orders(order, expected):
    [book] = assemble(POSTS, BookOptions(order=order), "x")
    assert titles(book) == expected


def test_group_by_year_makes_parts_in_time_order_with_undated_last():
    [book] = assemble(POSTS, BookOptions(group="year"), "x")
    assert [(p.title, [d.meta.title for d in p.chapters]) for p in book.parts] == [
        ("2019", ["a"]), ("2020", ["c", "b"]), ("未注明日期", ["d"])]


def test_group_by_month_and_category_labels():
    [book] = assemble(POSTS[:3], BookOptions(group="month"), "x")
    assert [p.title for p in book.parts] == ["2019年12月", "2020年1月", "2020年3月"]
    [book] = assemble(POSTS, BookOptions(group="category", order="-date"), "x")
    assert [p.title for p in book.parts] == ["泡泡", "Matters", "未分类"]
    [book] = assemble([post("x", "2020-01-01", lang="en"), post("y", "2020-05-01", lang="en")],
                      BookOptions(group="month"), "x")
    assert [p.title for p in book.parts] == ["January 2020", "May 2020"]


def test_one_group_makes_no_part_page():
    [book] = assemble(POSTS[:3], BookOptions(group="category", filters=Filters(categories=("泡泡",))), "x")
    assert len(book.parts) == 1 and book.parts[0].title == ""


def test_split_by_year_makes_a_series_of_volumes():
    books = assemble(POSTS, BookOptions(title="博客", split=Split("year")), "x")
    assert [b.meta.title for b in books] == ["博客 · 2019", "博客 · 2020", "博客 · 未注明日期"]
    assert [(b.meta.series, b.meta.volume, b.meta.series_index) for b in books][:2] == [
        ("博客", "2019", 1), ("博客", "2020", 2)]
    assert titles(books[1]) == ["c", "b"]
    assert len({b.meta.identifier for b in books}) == 3


def test_split_by_count_and_size():
    many = [post(f"p{i:02d}", f"2020-01-{i + 1:02d}", body="字" * 100) for i in range(7)]
    books = assemble(many, BookOptions(title="T", split=Split("count", 3)), "x")
    assert [len(b.chapters) for b in books] == [3, 3, 1]
    assert [b.meta.volume for b in books] == ["第1卷", "第2卷", "第3卷"]
    # 100 Han characters are 300 bytes of UTF-8 (+3 bytes of title): two posts fit in 700.
    books = assemble(many, BookOptions(split=Split("size", 700)), "x")
    assert [len(b.chapters) for b in books] == [2, 2, 2, 1]
    [book] = assemble(many, BookOptions(split=Split("count", 50)), "x")
    assert book.meta.series == "" and book.meta.volume == ""


def test_volume_language_is_its_own():
    books = assemble([post("a", "2019-01-01"), post("b", "2020-01-01", lang="en")], BookOptions(split=Split("year")),
                     "x")
    assert [b.meta.lang for b in books] == ["zh-Hans", "en"]


def test_filters():
    def kept(**filters):
        [book] = assemble(POSTS, BookOptions(filters=Filters(**filters)), "x")
        return titles(book)

    assert kept(since="2020-01-01") == ["c", "b"]
    assert kept(until="2020-01-15") == ["a", "c"]  # a date-time counts by its own calendar day
    assert kept(tags=("T1",)) == ["a", "b"]
    assert kept(categories=("泡泡",)) == ["c", "b"]
    assert assemble(POSTS, BookOptions(filters=Filters(langs=("en",))), "x") == []


@pytest.mark.parametrize("tag, ranges, expected", [
    ("zh-Hant", ["zh"], True), ("zh-Hans", ["zh-Hant"], False), ("zh-Hant-TW", ["zh-hant"], True),
    ("en", ["*"], True), ("zh", ["zh-Hans"], False), ("", ["zh"], False)])
def test_language_ranges(tag, ranges, expected):
    assert lang_matches(tag, ranges) is expected


def test_duplicates_are_kept_once_with_a_warning():
    first = post("同一篇", "2020-01-01", url="https://matters.news/@a/%25E4%25B8%25AD-x?source=rss-1")
    again = post("同一篇（重抓）", "2020-01-02", url="http://www.matters.news/@a/%E4%B8%AD-x/", body="改过")
    copy = post("副本", "2020-02-01", body="一样", path="/a/copy.md")
    copy2 = post("副本", "2020-02-03", body="一样", path="/b/copy.md")
    other = post("副本", "2020-02-04", body="不一样")
    diag = Diagnostics()
    [book] = assemble([again, copy2, first, copy, other], BookOptions(), "x", diag)
    assert titles(book) == ["同一篇", "副本", "副本"]
    assert [d.meta.source_path for d in book.chapters][1] == "/a/copy.md"
    warnings = [d for d in diag if d.code == "duplicate-post"]
    assert [w.path for w in warnings] == [again.meta.source_path, "/b/copy.md"]
    assert all("kept once" in w.message for w in warnings)


def test_url_keys():
    assert url_key("https://www.iyouport.org/%e4%b8%8d/") == url_key("http://iyouport.org/%E4%B8%8D")
    assert url_key("https://x.org/a?utm_source=t&id=3") == url_key("https://x.org/a?id=3")
    assert url_key("https://x.org/a?p=1") != url_key("https://x.org/a?p=2")
    assert url_key("mailto:a@b.c") == "" and url_key("/relative") == ""


def test_identifier_is_stable_and_content_derived():
    one = assemble(POSTS, BookOptions(), "x")[0].meta.identifier
    assert one == assemble(list(reversed(POSTS)), BookOptions(), "y")[0].meta.identifier
    assert one != assemble(POSTS[:3], BookOptions(), "x")[0].meta.identifier
    assert one.startswith("urn:uuid:")


def test_links_between_posts_become_chapter_links():
    target = post("目标", "2020-01-02", url="https://www.iyouport.org/%e7%9b%ae/",
                  blocks=[Heading(1, (Text("小节"),), Attrs(id="sec")), Paragraph((Text("…"),))],
                  extra=[("permalink", json.dumps("/2020/01/target/"))], path="/site/_posts/2020-01-02-target.md")
    body = (Paragraph((
        Link((Text("by URL"),), "https://iyouport.org/%E7%9B%AE#sec"),
        Link((Text("bad fragment"),), "https://iyouport.org/%E7%9B%AE#nope"),
        Link((Text("by permalink"),), "/2020/01/target/"),
        Link((Text("same site"),), "https://www.iyouport.org/2020/01/target"),
        Link((Text("by file"),), "2020-01-02-target.md"),
        Link((Text("elsewhere"),), "https://example.org/other"),
        Link((Text("fragment"),), "#top"),
    )),)
    source = post("来源", "2020-01-01", url="https://iyouport.org/src/", blocks=body,
                  path="/site/_posts/2020-01-01-src.md")
    [book] = assemble([source, target], BookOptions(), "x")
    urls = links(book.chapters[0])
    assert [chapter_target(u) for u in urls[:5]] == [(2, "sec"), (2, ""), (2, ""), (2, ""), (2, "")]
    assert urls[5:] == ["https://example.org/other", "#top"]
    # A post alone keeps its links as they are.
    [alone] = assemble([source], BookOptions(), "x")
    assert links(alone.chapters[0])[0] == "https://iyouport.org/%E7%9B%AE#sec"


def _linked_posts(second_has_section: bool = True, second_url: str = "https://blog.example/b/") -> list[Document]:
    section = Heading(1, (Text("小节"),), Attrs(id="sec")) if second_has_section else Heading(1, (Text("小节"),))
    return [
        post("a", "2020-01-01", url="https://blog.example/a/", blocks=[Paragraph((
            Link((Text("b"),), "https://blog.example/b/#sec"), Link((Text("x"),), "../elsewhere/")))]),
        post("b", "2020-01-02", url=second_url, blocks=[section, Paragraph((Text("正文。"),))]),
        post("c", "2020-01-03", blocks=[Paragraph((Link((Text("y"),), "../nowhere/"),))]),  # no address
    ]


def _relink(docs, store, site_url: str = "") -> tuple[list[Document], list]:
    from converter.assemble.crosslinks import link_chapters
    from converter.core.model import Book, BookMeta, Part

    diag = Diagnostics()
    book = link_chapters(Book(BookMeta(title="t"), (Part(tuple(docs)),)), site_url, diag, store)
    return list(book.chapters), [(d.code, d.message) for d in diag.items]


def test_relinked_chapters_come_from_the_build_cache_until_what_they_depend_on_changes(tmp_path):
    from converter.core.cachestore import CacheStore

    store = CacheStore(tmp_path / "links")
    docs = _linked_posts()
    expected = _relink(docs, None)
    assert links(expected[0][0])[0] == "chapter:2#sec" and expected[1]  # the relative link warns
    assert _relink(docs, store) == expected and store.misses == 3 and store.hits == 0
    # Nothing changed: every chapter is reused, with its warnings.
    again = _relink(docs, store)
    assert again == expected and store.hits == 3
    # Reused chapters that relinking left alone are the very documents read.
    assert again[0][1] is docs[1]
    # The target lost the id a link's fragment names: the linking chapter is relinked.
    hits = store.hits
    changed = _linked_posts(second_has_section=False)
    result = _relink(changed, store)
    assert result == _relink(changed, None) and links(result[0][0])[0] == "chapter:2"
    # b is another document now (a miss); a's entry is found, but the fragment it relied on is
    # gone, so it is relinked (its link lost the fragment above); c is reused.
    assert store.hits - hits == 2 and store.misses == 4
    # Another site address, or a post moved to another address: nothing is reused.
    hits = store.hits
    assert _relink(docs, store, site_url="https://blog.example/") == _relink(docs, None, "https://blog.example/")
    moved = _linked_posts(second_url="https://blog.example/moved/")
    assert _relink(moved, store) == _relink(moved, None)
    assert store.hits == hits
    assert links(_relink(moved, store)[0][0])[0] == "https://blog.example/b/#sec"
