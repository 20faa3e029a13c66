"""Robustness on real scraped posts: the 300-post dev corpus (skipped without ../shared)."""

from __future__ import annotations

import zipfile

import pytest

from .conftest import assert_epubcheck_clean, run_converter

pytestmark = pytest.mark.slow


def test_whole_dev_corpus_builds_one_valid_epub(corpus, tmp_path):
    proc = run_converter("build", str(corpus), "-o", str(tmp_path), "-f", "epub", "--title", "dev", "--offline")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    epub = tmp_path / "dev.epub"
    with zipfile.ZipFile(epub) as z:
        chapters = [n for n in z.namelist() if n.startswith("EPUB/text/chapter-")]
    posts = [p for p in corpus.iterdir() if p.suffix == ".md"]
    # Posts captured twice (same source URL) are kept once, each drop with a warning.
    duplicates = proc.stderr.count("warning[duplicate-post]")
    assert len(chapters) == len(posts) - duplicates
    assert_epubcheck_clean(epub)
