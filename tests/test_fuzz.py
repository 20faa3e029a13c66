"""Fuzzing in the suite: hypothesis drives mutations of dev posts and written posts through
reading (never a traceback: a document or one error naming the file), random SVGs through
the sanitizer, and a fixed-seed slice of ``make fuzz`` through real builds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.core.errors import ConverterError
from converter.core.options import ReadOptions
from converter.pipeline import read_one
from converter.resources import Unavailable
from converter.resources.svg import sanitize
from converter.sources import Discovered

from .fuzz.generate import synthetic_post
from .fuzz.mutate import MUTATIONS, SNIPPETS, mutate
from .fuzz.run import build_batch, kind_of
from .fuzz.svgsoup import random_svg
from .fuzz.generate import write_batch

SLOW = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def _read(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    result = read_one(Discovered(path, tmp_path), ReadOptions(time_limit=20))
    if result.error is not None:
        message = str(result.error)
        assert isinstance(result.error, ConverterError)
        assert message.startswith(str(path)) and "\n" not in message, message
        assert kind_of(message) != "internal", message
    return result


@pytest.fixture(scope="module")
def dev_sample(corpus) -> list[bytes]:
    posts = sorted(p for p in corpus.iterdir() if p.suffix in (".md", ".html"))
    return [p.read_bytes() for p in random.Random(5).sample(posts, 12)]


@SLOW
@given(st.randoms(use_true_random=False), st.integers(0, 11))
def test_mutated_dev_posts_read_or_fail_with_one_line(tmp_path_factory, dev_sample, rng, which):
    data, _names = mutate(dev_sample[which], rng)
    _read(tmp_path_factory.mktemp("m"), "post.md", data)


@SLOW
@given(st.randoms(use_true_random=False), st.integers(0, 10_000))
def test_written_posts_read_or_fail_with_one_line(tmp_path_factory, rng, index):
    name, data = synthetic_post(rng, index)
    if rng.random() < 0.5:
        data, _names = mutate(data, rng)
    result = _read(tmp_path_factory.mktemp("s"), name, data)
    if result.error is None and result.doc is not None:
        assert result.doc.meta.title  # every read post has a title


@SLOW
@given(st.lists(st.sampled_from(SNIPPETS), max_size=12), st.sampled_from(sorted(MUTATIONS)), st.binary(max_size=200))
def test_snippet_soup_reads(tmp_path_factory, snippets, _mutation, noise):
    body = b"".join(snippets) + noise
    _read(tmp_path_factory.mktemp("x"), "soup.html", b"---\ntitle: soup\n---\n" + body)


@settings(max_examples=200, deadline=None)
@given(st.randoms(use_true_random=False))
def test_sanitized_svg_is_safe_and_well_formed(rng):
    from lxml import etree

    from .fuzz.hostile import active_content

    try:
        clean, width, height = sanitize(random_svg(rng))
    except Unavailable:
        return
    assert width > 0 and height > 0
    assert not active_content("image.svg", clean)
    root = etree.fromstring(clean)
    ids = [e.get("id") for e in root.iter() if e.get("id") is not None]
    assert len(ids) == len(set(ids))
    for element in root.iter():
        if etree.QName(element).localname == "path":
            assert element.get("d") is not None  # required attributes kept or the element gone


def test_a_fixed_seed_slice_of_the_fuzz_run_builds_clean(tmp_path, corpus):
    """Two batches of the fuzz run (same generator and checks as ``make fuzz``), one of them
    in every format: every post a chapter or one error line, EPUBCheck clean, no active
    content, no temporary file, no traceback."""
    posts = sorted(p for p in corpus.iterdir() if p.suffix in (".md", ".html"))
    problems = []
    for number, formats in enumerate((("epub",), ("epub", "pdf", "docx"))):
        folder = tmp_path / f"batch-{number}"
        write_batch(folder / "posts", 1_000 + number, 24, number * 24, posts)
        result = build_batch(folder / "posts", folder / "out", tmp_path / "cache", formats, epubcheck=True,
                             time_posts=False, jobs=2, timeout=900)
        assert result.built >= 6, result  # the slice reaches the writers, not only the decoder
        problems.extend(result.problems)
    assert not problems, problems
