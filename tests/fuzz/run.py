"""The fuzz run: generated posts built in batches through the real command line, every
outcome checked. ``make fuzz`` runs 10,000 posts; the test suite a fixed-seed slice.

For every batch: the build exits with 0 or 1 and prints no traceback; each post is a
chapter of the EPUB or the subject of exactly one ``error:`` line naming its file; no
output failed; the EPUB passes EPUBCheck; no output holds active content; the output
folder holds no temporary file. Reported: posts, failures by kind, the slowest post to read
(timed in a pass of its own), the slowest batch and the peak memory of any process of a
build.

    python -m tests.fuzz.run --posts 10000 --batch 200 --work .fuzz-work
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .generate import dev_posts, write_batch
from .hostile import active_content

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = Path(os.environ.get("CONVERTER_SHARED", ROOT.parent / "shared")) / "corpus" / "dev"
SUMMARY_RE = re.compile(r"^(\d+) post\(s\), (\d+) file\(s\) written")
KINDS = (  # failure kinds by what the error line says, first match wins
    ("internal", "internal error"), ("front-matter", "front matter"), ("not-utf8", "not valid UTF-8"),
    ("binary", "binary"), ("empty", "empty"), ("too-large", "byte limit"), ("time-limit", "longer than"),
    ("memory-limit", "memory"), ("reader-died", "process reading it"), ("nesting", "nested too deeply"),
)


def kind_of(message: str) -> str:
    return next((kind for kind, needle in KINDS if needle in message), "other")


@dataclass
class BatchResult:
    """What one batch did, and what was wrong with it (``problems``: must stay empty)."""

    name: str
    posts: int = 0
    built: int = 0
    duplicates: int = 0
    failures: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    max_rss_kb: int = 0
    slowest_read: tuple[float, str] = (0.0, "")


def converter_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("converter")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "converter"]


def _run(cmd: list[str], timeout: float) -> tuple[int, str, str, int, float]:
    """Run ``cmd``; its status, output, error output, the peak RSS (KB) of it and of every
    process it waited for (its reader workers), and its wall time. A run past ``timeout`` is
    killed with its process group (status -9)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    chunks: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda n=n, f=f: chunks.__setitem__(n, f.read()))
               for n, f in (("out", proc.stdout), ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    try:
        _pid, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    return (proc.returncode, chunks["out"].decode("utf-8", "replace"), chunks["err"].decode("utf-8", "replace"),
            usage.ru_maxrss, time.monotonic() - start)


def _timed_reads(posts: list[Path], root: Path, jobs: int) -> tuple[float, str]:
    """The slowest post to read (seconds, name), read as a build reads them."""
    from converter.core.options import ReadOptions
    from converter.core.workers import WorkerLimits, run_isolated
    from converter.sources import Discovered

    timed = run_isolated(functools.partial(_time_one, options=ReadOptions()),
                         [Discovered(p, root) for p in posts], lambda item, reason: (float("inf"), str(item.path)),
                         jobs=jobs, limits=WorkerLimits(60.0, 2048 * 1024 * 1024))
    return max(timed, default=(0.0, ""))


def _time_one(found, options) -> tuple[float, str]:
    from converter.pipeline import read_one

    start = time.monotonic()
    read_one(found, options)
    return time.monotonic() - start, found.path.name


def output_members(path: Path) -> list[tuple[str, list[str]]]:
    """(member, active content found) for an output file, or each member of a package."""
    if path.suffix in (".epub", ".docx"):
        with zipfile.ZipFile(path) as z:
            return [(name, found) for name in z.namelist() if (found := active_content(name, z.read(name)))]
    found = active_content(path.name, path.read_bytes())
    return [(path.name, found)] if found else []


def check_outputs(out: Path, formats: tuple[str, ...], result: BatchResult, epubcheck: bool) -> None:
    """The outputs of a batch: complete, free of active content, EPUBCheck-clean, no temporaries."""
    leftovers = [p.name for p in out.iterdir() if p.name.endswith(".part") or p.name.startswith(".")]
    if leftovers:
        result.problems.append(f"temporary files left: {leftovers}")
    for fmt in formats:
        files = list(out.glob(f"*.{fmt}"))
        if len(files) != 1:
            result.problems.append(f"expected one .{fmt}, found {[p.name for p in files]}")
            continue
        path = files[0]
        for member, found in output_members(path):
            result.problems.extend(f"active content in {path.name}/{member}: {what}" for what in found[:3])
        if fmt == "epub":
            with zipfile.ZipFile(path) as z:
                chapters = sum(bool(re.match(r"EPUB/text/chapter-\d+\.xhtml$", n)) for n in z.namelist())
            if chapters != result.built - result.duplicates:
                result.problems.append(f"{chapters} chapters for {result.built} posts read "
                                       f"({result.duplicates} duplicates)")
    if epubcheck and "epub" in formats:
        from tests.conftest import run_epubcheck

        report = run_epubcheck(next(out.glob("*.epub")))
        bad = [m for m in report["messages"] if m["severity"] in ("FATAL", "ERROR")]
        for m in bad[:10]:
            result.problems.append(f"EPUBCheck {m['ID']}: {m['message'][:200]} "
                                   f"@ {[l.get('path') for l in m.get('locations', [])][:2]}")


def build_batch(posts_dir: Path, out: Path, cache: Path, formats: tuple[str, ...], *, epubcheck: bool,
                time_posts: bool, jobs: int, timeout: float) -> BatchResult:
    """Build one batch folder as a user would, and check everything about the outcome."""
    posts = sorted(p for p in posts_dir.iterdir() if p.is_file() and p.suffix in (".md", ".html"))
    result = BatchResult(posts_dir.parent.name, posts=len(posts))
    if time_posts:
        result.slowest_read = _timed_reads(posts, posts_dir, jobs)
    cmd = converter_cmd() + ["build", str(posts_dir), "-o", str(out), "-f", ",".join(formats), "--title",
                             f"fuzz {posts_dir.name}", "--cache-dir", str(cache), "--offline", "--drafts",
                             "-j", str(jobs)]
    status, stdout, stderr, rss, seconds = _run(cmd, timeout)
    result.seconds, result.max_rss_kb = seconds, rss
    if status not in (0, 1):
        result.problems.append(f"exit status {status} (timeout {timeout:g} s?)")
    if "Traceback" in stdout + stderr:
        result.problems.append("a traceback: " + (stdout + stderr)[(stdout + stderr).index("Traceback"):][:2000])
    names = {p.name: p for p in posts}
    failed: Counter = Counter()
    for line in stderr.splitlines():
        if line.startswith("error: "):
            message = line[len("error: "):]
            post = next((n for n in names if message.startswith(str(names[n]) + ": ")), None)
            if post is None:
                result.problems.append(f"an error line that names no post: {line[:300]}")
                continue
            failed[post] += 1
            result.failures[kind_of(message)] += 1
        elif "warning[duplicate-post]" in line:
            result.duplicates += 1
        match = SUMMARY_RE.match(line)
        if match:
            result.built = int(match.group(1))
    for post, count in failed.items():
        if count != 1:
            result.problems.append(f"{post}: {count} error lines")
    if result.built + len(failed) != len(posts):
        result.problems.append(f"{len(posts)} posts: {result.built} built + {len(failed)} failed")
    if result.failures.get("internal"):
        result.problems.append(f"{result.failures['internal']} internal error(s)")
    if status in (0, 1):
        check_outputs(out, formats, result, epubcheck)
    return result


def run(posts: int, batch: int, seed: int, work: Path, *, corpus: Path | None, formats: tuple[str, ...],
        full_every: int, epubcheck: bool, time_posts: bool, jobs: int, keep: bool,
        say=print) -> list[BatchResult]:
    """Generate and build ``posts`` posts in batches of ``batch``; every ``full_every``-th
    batch is also built as PDF and DOCX."""
    corpus_posts = dev_posts(corpus)
    cache = work / "cache"
    results = []
    for number, first in enumerate(range(0, posts, batch)):
        count = min(batch, posts - first)
        folder = work / f"batch-{number:04d}"
        write_batch(folder / "posts", seed * 1_000_003 + number, count, first, corpus_posts)
        batch_formats = formats if not full_every or number % full_every else tuple(dict.fromkeys(
            formats + ("pdf", "docx")))
        result = build_batch(folder / "posts", folder / "out", cache, batch_formats, epubcheck=epubcheck,
                             time_posts=time_posts, jobs=jobs, timeout=max(600.0, 30.0 * count))
        results.append(result)
        say(f"{result.name}: {result.posts} posts, {result.built} built, {sum(result.failures.values())} failed "
            f"{dict(result.failures)}, {result.seconds:.0f} s, {result.max_rss_kb // 1024} MB, "
            f"formats {','.join(batch_formats)}, slowest read {result.slowest_read[0]:.2f} s"
            + (f", PROBLEMS: {result.problems}" if result.problems else ""))
        if not keep and not result.problems:
            shutil.rmtree(folder)
    return results


def summary(results: list[BatchResult]) -> dict:
    failures: Counter = Counter()
    for r in results:
        failures.update(r.failures)
    slowest = max((r.slowest_read for r in results), default=(0.0, ""))
    slow_batch = max(results, key=lambda r: r.seconds, default=None)
    return {
        "posts": sum(r.posts for r in results), "built": sum(r.built for r in results),
        "failed": sum(failures.values()), "failures_by_kind": dict(failures.most_common()),
        "duplicates": sum(r.duplicates for r in results),
        "problems": [f"{r.name}: {p}" for r in results for p in r.problems],
        "slowest_read_seconds": round(slowest[0], 2), "slowest_read_post": slowest[1],
        "slowest_batch": slow_batch.name if slow_batch else "", "slowest_batch_seconds": round(
            slow_batch.seconds if slow_batch else 0.0, 1),
        "peak_rss_mb": max((r.max_rss_kb for r in results), default=0) // 1024,
        "batches": len(results),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--work", type=Path, default=Path(".fuzz-work"))
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--formats", default="epub")
    parser.add_argument("--full-every", type=int, default=10, help="build PDF and DOCX too every N batches")
    parser.add_argument("--no-epubcheck", action="store_true")
    parser.add_argument("--no-timing", action="store_true", help="skip the pass that times each post's reading")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep every batch (else only those with problems)")
    args = parser.parse_args(argv)
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    results = run(args.posts, args.batch, args.seed, args.work, corpus=args.corpus,
                  formats=tuple(args.formats.split(",")), full_every=args.full_every,
                  epubcheck=not args.no_epubcheck, time_posts=not args.no_timing, jobs=args.jobs or os.cpu_count() or 1,
                  keep=args.keep, say=lambda line: print(line, flush=True))
    report = summary(results)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    (args.work / "summary.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
