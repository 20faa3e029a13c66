"""Markdown reader: fixture cases and the never-raises property."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.core.diagnostics import Diagnostics
from converter.core.model import Document, Meta, from_json, to_json
from converter.readers.markdown import read_markdown

from .conftest import FIXTURES
from .fixture_file import read_cases, write_cases

CASES_FILE = FIXTURES / "markdown_reader.txt"
CASES = read_cases(CASES_FILE)


@pytest.mark.parametrize("case", CASES, ids=[c.title for c in CASES])
def test_fixture(case, update_golden):
    got = "\n".join(to_json(b) for b in read_markdown(case.source, diag=Diagnostics()))
    if update_golden:
        case.expected = got
        write_cases(CASES_FILE, CASES)
        return
    assert got == case.expected, f"{CASES_FILE}:{case.line}: {case.title}"


_md = st.sampled_from(list("#*_`~[]()!|-:>\n 中文aゃ한") + [
    "\n\n", "```\n", "[^1]", "[^1]: x\n", "| a | b |\n|---|---|\n", "<div>", "</div>", "- ", "1. ",
    "    code", "![a](b.png)", "<ruby>", "<rt>", "{% raw %}", "<!-- x -->", "***", "\u3000"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_md, max_size=50).map("".join))
def test_never_raises_and_round_trips(text):
    doc = Document(Meta(), read_markdown(text))
    assert from_json(to_json(doc)) == doc
