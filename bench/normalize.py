"""Speed benchmark: reading and normalizing the dev corpus, against pandoc's HTML reader.

converter: every post of ../shared/corpus/dev read, cleaned and normalized into the document
model in one process (front matter, HTML5 parse, cleanup rules, mapping, transforms).
pandoc: the same HTML bodies (front matter and feed header removed, as converter sees them)
concatenated into one document and read by `pandoc -f html -t json` in one run — pandoc's
own reader, no cleanup, no writer. Both are timed in the same run, best of N; the ratio must
be at least 3x.

End to end, as users and tools meet it: ``converter inspect --format json -j 1`` over the
corpus folder (a fresh process: start-up, discovery, reading, JSON on stdout), against the
same pandoc run; the ratio must be at least 5x (issue 10).

Run: .venv/bin/python bench/normalize.py [--corpus DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypandoc  # noqa: E402

from converter.core.options import ReadOptions  # noqa: E402
from converter.pipeline import read_one  # noqa: E402
from converter.sources import Discovered, discover  # noqa: E402
from converter.sources.feedheader import split_feed_header  # noqa: E402
from converter.sources.frontmatter import split  # noqa: E402

TARGET = 3.0
CLI_TARGET = 5.0


def converter_pass(found: list[Discovered]) -> float:
    start = time.perf_counter()
    for f in found:
        result = read_one(f, ReadOptions())
        if result.error is not None:
            raise SystemExit(f"read failed: {result.error}")
    return time.perf_counter() - start


def cli_pass(corpus: Path) -> float:
    exe = Path(sys.executable).with_name("converter")
    start = time.perf_counter()
    subprocess.run([str(exe), "inspect", "--format", "json", "-j", "1", str(corpus)],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def pandoc_pass(html_file: Path) -> float:
    start = time.perf_counter()
    subprocess.run([pypandoc.get_pandoc_path(), "--quiet", "-f", "html", "-t", "json", str(html_file), "-o", "/dev/null"],
                   check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not (args.corpus / "MANIFEST.tsv").is_file():
        print(f"skipped: no corpus at {args.corpus}")
        return 0
    found, _ = discover([str(args.corpus)])
    bodies = []
    for f in found:
        _meta, body, _ = split(f.path.read_text(encoding="utf-8"), f.path)
        bodies.append(split_feed_header(body)[1])
    size = sum(len(b.encode()) for b in bodies)
    with tempfile.TemporaryDirectory() as tmp:
        html_file = Path(tmp) / "bodies.html"
        html_file.write_text("<!DOCTYPE html><html><body>\n" + "\n".join(f"<div>{b}</div>" for b in bodies)
                             + "\n</body></html>", encoding="utf-8")
        converter_pass(found[:5])  # warm-up: imports, OpenCC dictionaries
        ours = min(converter_pass(found) for _ in range(args.repeat))
        theirs = min(pandoc_pass(html_file) for _ in range(args.repeat))
        cli = min(cli_pass(args.corpus) for _ in range(args.repeat))
    ratio = theirs / ours
    cli_ratio = theirs / cli
    print(f"posts: {len(found)}, HTML bodies: {size / 1e6:.1f} MB")
    print(f"converter read+normalize (1 process): {ours:6.2f} s  ({len(found) / ours:.0f} posts/s)")
    print(f"pandoc -f html -t json (1 run):       {theirs:6.2f} s")
    print(f"ratio pandoc/converter: {ratio:.1f}x  (target >= {TARGET:.0f}x) -> {'PASS' if ratio >= TARGET else 'FAIL'}")
    print(f"converter inspect --format json -j 1:  {cli:6.2f} s  (end to end, one process)")
    print(f"ratio pandoc/inspect: {cli_ratio:.1f}x  (target >= {CLI_TARGET:.0f}x) -> "
          f"{'PASS' if cli_ratio >= CLI_TARGET else 'FAIL'}")
    return 0 if ratio >= TARGET and cli_ratio >= CLI_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
