"""The hostile corpus (tests/fuzz/hostile.py) built through the command line: every post a
chapter or one error line naming it, nothing outside the input folder or on the network
reached, no active content in any output, every EPUB valid, bounded time."""

from __future__ import annotations

import time
import zipfile

import pytest

from .conftest import assert_epubcheck_clean, run_converter
from .fuzz.hostile import BIDI, SECRET, SERVER_PATHS, Built, Refused, active_content, write_corpus
from .fuzz.run import output_members
from .httpserver import Route, Server


@pytest.mark.parametrize("big, formats", [(False, "pdf,epub,docx,html"), (True, "epub,docx,html,txt")],
                         ids=["every-format", "big-files"])
def test_hostile_corpus_builds_safely(tmp_path, big, formats):
    routes = {path: Route(b"x", headers={"Content-Type": "image/png"}) for path in SERVER_PATHS}
    with Server(routes) as server:
        expected = write_corpus(tmp_path, server.url("").rstrip("/"), big=big)
        out = tmp_path / "out"
        start = time.monotonic()
        proc = run_converter("build", str(tmp_path / "posts"), "-o", str(out), "-f", formats, "--title", "Hostile",
                             "--cache-dir", str(tmp_path / "cache"), "--allow-host", f"127.0.0.1:{server.port}")
        elapsed = time.monotonic() - start
        asked = [path for path, _headers in server.requests if path != "/noscript.png"]
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert elapsed < 600, elapsed
    assert not asked, asked  # nothing a hostile post points at was fetched
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    for name, outcome in expected.items():
        shown = name.replace(BIDI, "\\u202e")
        mine = [line for line in errors if f"/posts/{shown}: " in line]
        if isinstance(outcome, Refused):
            assert len(mine) == 1 and outcome.reason in mine[0], (name, mine)
        else:
            assert not mine, mine
    assert len(errors) == sum(isinstance(o, Refused) for o in expected.values()), errors
    assert sorted(p.name for p in out.iterdir()) == sorted(f"Hostile.{f}" for f in formats.split(","))
    epub = out / "Hostile.epub"
    assert_epubcheck_clean(epub)
    with zipfile.ZipFile(epub) as z:
        nav = z.read("EPUB/nav.xhtml").decode("utf-8")
    for outcome in expected.values():
        if isinstance(outcome, Built):
            assert outcome.title in nav, outcome.title
    assert BIDI not in nav
    for path in out.iterdir():
        assert not output_members(path), (path.name, output_members(path))
        members = zipfile.ZipFile(path).namelist() if path.suffix in (".epub", ".docx") else [None]
        for member in members:
            data = zipfile.ZipFile(path).read(member) if member else path.read_bytes()
            assert SECRET.encode() not in data, (path.name, member)
    assert active_content("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='x()'/>")  # the check bites
