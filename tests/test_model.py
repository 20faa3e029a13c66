"""The model: JSON round trips for every node type (property-based) and a few invariants."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.core import model as m

text = st.text(max_size=12)
attrs = st.builds(m.Attrs, id=text, classes=st.lists(text, max_size=2).map(tuple), lang=st.sampled_from(["", "zh-Hans", "ja", "en"]))
inline = st.deferred(lambda: st.one_of(
    st.builds(m.Text, text),
    st.builds(m.Code, text),
    st.builds(m.LineBreak),
    st.builds(m.Image, text, text, text),
    st.builds(m.Emph, inlines), st.builds(m.Strong, inlines), st.builds(m.Strike, inlines),
    st.builds(m.Superscript, inlines), st.builds(m.Subscript, inlines),
    st.builds(m.Link, inlines, text, text),
    st.builds(m.Span, inlines, attrs),
    st.builds(m.Ruby, inlines, text),
    st.builds(m.Note, st.lists(st.builds(m.Paragraph, inlines), max_size=2).map(tuple)),
))
inlines = st.lists(inline, max_size=3).map(tuple)
cell = st.builds(m.TableCell, st.lists(st.builds(m.Paragraph, inlines), max_size=2).map(tuple), st.booleans(),
                 st.integers(1, 3), st.integers(1, 3), st.sampled_from(["", "left", "right"]))
block = st.deferred(lambda: st.one_of(
    st.builds(m.Paragraph, inlines),
    st.builds(m.Heading, st.integers(1, 6), inlines, attrs),
    st.builds(m.BlockQuote, blocks),
    st.builds(m.BulletList, st.lists(blocks, max_size=3).map(tuple)),
    st.builds(m.OrderedList, st.lists(blocks, max_size=3).map(tuple), st.integers(0, 100)),
    st.builds(m.CodeBlock, text, text),
    st.builds(m.Figure, st.builds(m.Image, text, text, text), inlines),
    st.builds(m.Table, st.lists(st.builds(m.TableRow, st.lists(cell, max_size=3).map(tuple)), max_size=2).map(tuple),
              st.lists(st.builds(m.TableRow, st.lists(cell, max_size=3).map(tuple)), max_size=2).map(tuple), inlines),
    st.builds(m.ThematicBreak),
    st.builds(m.Embed, text, st.sampled_from(["video", "iframe"]), text),
    st.builds(m.Div, blocks, attrs),
))
blocks = st.lists(block, max_size=3).map(tuple)
meta = st.builds(m.Meta, title=text, authors=st.lists(text, max_size=2).map(tuple), date=text, lang=text,
                 tags=st.lists(text, max_size=2).map(tuple), draft=st.booleans(),
                 extra=st.lists(st.tuples(text, text), max_size=2).map(tuple))


@settings(max_examples=200, deadline=None)
@given(st.builds(m.Document, meta, blocks))
def test_document_json_round_trip(doc):
    assert m.from_json(m.to_json(doc)) == doc


def test_book_round_trip_and_chapters():
    doc = m.Document(m.Meta(title="a"), (m.Paragraph((m.Text("x"),)),))
    book = m.Book(m.BookMeta("书", lang="zh-Hans"), (m.Part((doc,), "卷一"), m.Part((doc,))))
    assert m.from_json(m.to_json(book), m.Book) == book
    assert book.chapters == (doc, doc)


def test_nodes_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.Text("a").text = "b"  # type: ignore[misc]


@pytest.mark.parametrize("bad", [
    '{"t": "Document", "meta": {"t": "Meta"}, "blocks": [{"t": "Nope"}]}',
    '{"t": "Document", "meta": {"t": "Meta", "title": 3}}',
    '{"t": "Document", "meta": {"t": "Meta"}, "blocks": [{"t": "Paragraph"}]}',
    '{"t": "Document", "meta": {"t": "Meta", "bogus": 1}}',
])
def test_bad_json_is_rejected(bad):
    with pytest.raises(ValueError):
        m.from_json(bad)
