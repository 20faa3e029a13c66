"""Crash safety: a real build killed with SIGKILL at random moments of reading, fetching,
laying out and writing never leaves a partial book, a temporary file after the next build,
or a damaged cache; the next build gives what an uninterrupted one gives."""

from __future__ import annotations

import hashlib
import os
import pty
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

from converter.core.atomic import is_temporary

from . import imagefiles
from .conftest import EXAMPLES, converter_cmd
from .httpserver import Route, Server

FORMATS = ("pdf", "epub", "docx")
# What the build's progress display says (on a terminal) as it enters each stage.
PHASES = {"reading": "reading", "fetching": "images", "laying out": "laying out",
          "writing": ("writing epub", "writing docx")}
KILLS = 20


def _posts(folder: Path, server: Server, version: str) -> Path:
    posts = folder / "posts"
    if posts.exists():
        shutil.rmtree(posts)
    posts.mkdir(parents=True)
    for name in ("2021-01-06-美媒曝北京要分享蚂蚁大数据.md", "2024-04-02-京都の春.md", "2024-07-12-一杯好茶.md"):
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        (posts / name).write_text(text.replace("\n---\n", f"\n---\n版本{version}。\n\n", 1), encoding="utf-8")
    (posts / "img").mkdir()
    (posts / "img" / "local.png").write_bytes(imagefiles.png((80, 60), (10, 80, 200)))
    (posts / "2024-08-01-images.md").write_text(
        f"---\ntitle: 图片 {version}\n---\n本地：\n\n![本地](img/local.png)\n\n"
        f"远程：\n\n![远程]({server.url('/photo.png')})\n\n慢：\n\n![慢]({server.url('/slow.png')})\n",
        encoding="utf-8")
    return posts


def _command(posts: Path, out: Path, cache: Path, server: Server) -> list[str]:
    return converter_cmd() + ["build", str(posts), "-o", str(out), "-f", ",".join(FORMATS), "--title", "崩溃",
                              "--cache-dir", str(cache), "--allow-host", f"127.0.0.1:{server.port}",
                              "--fetch-timeout", "1", "--retry-failed"]


def _build(command: list[str]) -> None:
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def _kill_during(command: list[str], phase: str, rng: random.Random) -> str:
    """Start the build with a terminal for its progress lines; once it says it entered
    ``phase``, wait a random moment and SIGKILL it. Returns what it had said."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    said: list[str] = []
    entered = threading.Event()
    needles = PHASES[phase] if isinstance(PHASES[phase], tuple) else (PHASES[phase],)

    def listen() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            said.append(chunk.decode("utf-8", "replace"))
            text = "".join(said)
            if any(n in line for line in re.split(r"[\r\n]", text) for n in needles):
                entered.set()

    reader = threading.Thread(target=listen, daemon=True)
    reader.start()
    # A build that never says it entered the phase fails the test: a kill after the build
    # ended would prove nothing.
    assert entered.wait(120), f"never entered {phase}: {''.join(said)[-500:]}"
    time.sleep(rng.uniform(0, 0.8 if phase in ("reading", "fetching") else 2.5))
    proc.send_signal(signal.SIGKILL)  # the build's own process, as a crash or the OOM killer would
    proc.wait()
    os.close(master)
    reader.join(5)
    return "".join(said)


def _cache_intact(cache: Path) -> None:
    """Every object holds the bytes its name promises, and the index is a sound database."""
    for path in (cache / "objects").rglob("*"):
        if path.is_file() and not is_temporary(path.name):
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.stem, path
    if (cache / "index.sqlite").exists():  # a build killed while reading made none yet
        with sqlite3.connect(f"file:{cache / 'index.sqlite'}?mode=ro", uri=True) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_builds_killed_at_random_moments_leave_only_whole_files(tmp_path):
    routes = {"/photo.png": Route(imagefiles.png((50, 40)), headers={"Content-Type": "image/png"}),
              "/slow.png": Route(imagefiles.png(), kind="slow")}
    rng = random.Random(2013)
    with Server(routes) as server:
        # The two versions of the book, each built without interruption.
        refs = {}
        for version in ("A", "B"):
            posts = _posts(tmp_path / f"ref-{version}", server, version)
            out = tmp_path / f"ref-{version}" / "out"
            _build(_command(posts, out, tmp_path / f"ref-{version}" / "cache", server))
            refs[version] = _outputs(out)
        assert sorted(refs["A"]) == sorted(refs["B"]) and refs["A"] != refs["B"]
        # The output folder holds version A; version B is built into it and killed, again and again.
        out = tmp_path / "out"
        shutil.copytree(tmp_path / "ref-A" / "out", out)
        cache = tmp_path / "cache"
        posts = _posts(tmp_path / "work", server, "B")
        command = _command(posts, out, cache, server)
        seen_phases = []
        for kill in range(KILLS):
            phase = list(PHASES)[kill % len(PHASES)]
            said = _kill_during(command, phase, rng)
            seen_phases.append(phase)
            for name in refs["A"]:
                data = (out / name).read_bytes()
                assert data in (refs["A"][name], refs["B"][name]), (kill, phase, name, said[-500:])
            _cache_intact(cache)
            if kill % 5 == 4:  # the next build completes, and cleans up after the killed ones
                _build(command)
                assert _outputs(out) == refs["B"], kill
                assert sorted(p.name for p in out.iterdir()) == sorted(refs["B"]), kill
        _build(command)
        assert _outputs(out) == refs["B"]
        assert sorted(p.name for p in out.iterdir()) == sorted(refs["B"])
        _cache_intact(cache)
    assert len(seen_phases) >= 20 and set(seen_phases) == set(PHASES)
