"""Builds at the same time: two books sharing one cache folder give what they give one after
the other; two builds of the same output folder take turns instead of interleaving writes.
Also the atomic-file helper every cache entry goes through."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from converter.core import atomic
from converter.resources.cache import Cache

from . import imagefiles
from .conftest import EXAMPLES, converter_cmd
from .httpserver import Route, Server

BOOKS = {"一": ("2021-01-06-美媒曝北京要分享蚂蚁大数据.md", "2024-07-12-一杯好茶.md"),
         "二": ("2024-04-02-京都の春.md", "2023-10-08-台北秋日散步.md")}


def _book(folder: Path, names: tuple[str, ...], server: Server) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(EXAMPLES / name, folder / name)
    (folder / "2024-09-09-共用图片.md").write_text(
        f"---\ntitle: 共用图片 {folder.name}\n---\n![图]({server.url('/shared.png')})\n\n![另]({server.url('/other.png')})\n",
        encoding="utf-8")
    return folder


def _command(posts: Path, out: Path, cache: Path, server: Server, title: str) -> list[str]:
    return converter_cmd() + ["build", str(posts), "-o", str(out), "-f", "epub,docx", "--title", title,
                              "--cache-dir", str(cache), "--allow-host", f"127.0.0.1:{server.port}"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_two_books_sharing_a_cache_build_at_once_as_one_after_the_other(tmp_path):
    routes = {"/shared.png": Route(imagefiles.png((70, 50)), headers={"Content-Type": "image/png"}),
              "/other.png": Route(imagefiles.encoded("WEBP", (90, 40)), headers={"Content-Type": "image/webp"})}
    with Server(routes) as server:
        posts = {title: _book(tmp_path / f"posts-{title}", names, server) for title, names in BOOKS.items()}
        # One after the other, with a fresh shared cache.
        for title in BOOKS:
            proc = subprocess.run(_command(posts[title], tmp_path / "seq" / title, tmp_path / "seq-cache", server,
                                           title), capture_output=True, text=True, timeout=600)
            assert proc.returncode == 0, proc.stderr
        # At the same time, with another fresh shared cache.
        procs = [subprocess.Popen(_command(posts[title], tmp_path / "par" / title, tmp_path / "par-cache", server,
                                           title), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for title in BOOKS]
        for proc in procs:
            _out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err
    for title in BOOKS:
        assert _files(tmp_path / "par" / title) == _files(tmp_path / "seq" / title), title


def test_a_second_build_of_the_same_folder_waits_its_turn(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    for name in BOOKS["一"]:
        shutil.copy(EXAMPLES / name, posts / name)
    out = tmp_path / "out"
    command = converter_cmd() + ["build", str(posts), "-o", str(out), "-f", "pdf,epub", "--title", "同一",
                                 "--cache-dir", str(tmp_path / "cache")]
    first = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    expected = _files(out)
    # Hold the folder's lock as a build writing into it would; a build started meanwhile
    # must wait for it, then write whole files.
    from converter.writers.output import output_lock

    with output_lock(out):
        (out / ".同一.abcdefgh.pdf.part").write_bytes(b"left by a killed build")
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(8)
        assert proc.poll() is None  # still waiting for the lock
        assert _files(out).keys() == expected.keys() | {".同一.abcdefgh.pdf.part"}
    _out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert _files(out) == expected  # whole files, and the killed build's temporary is gone


def test_atomic_entries_are_verified_when_read(tmp_path):
    entry = tmp_path / "build" / "posts" / "abc"
    atomic.write_checked(entry, b"laid out chunk")
    assert atomic.read_checked(entry) == b"laid out chunk"
    data = bytearray(entry.read_bytes())
    data[-1] ^= 1
    entry.write_bytes(bytes(data))
    assert atomic.read_checked(entry) is None and not entry.exists()  # damaged: gone, made again
    assert atomic.read_checked(tmp_path / "missing") is None
    # Content-addressed objects: a damaged one counts as missing, and putting it again repairs it.
    cache = Cache(tmp_path / "cache", 60.0)
    digest, path = cache.put(b"image bytes", "png")
    path.write_bytes(b"image bytez")
    fresh = Cache(tmp_path / "cache", 60.0)
    cache.remember("http://x/a.png", digest, "png", "image/png", (1, 1), {})
    assert fresh.url("http://x/a.png") is None
    assert fresh.put(b"image bytes", "png") == (digest, path) and path.read_bytes() == b"image bytes"
    assert fresh.url("http://x/a.png").path == path
    # Temporaries of killed writers are swept once old.
    stale = path.parent / f".{path.name}.abcdefgh.part"
    stale.write_bytes(b"partial")
    assert atomic.sweep(path.parent, 3600) == 0 and stale.exists()
    assert atomic.sweep(path.parent, 0) == 1 and not stale.exists()
