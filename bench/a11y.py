"""Accessibility benchmark: DAISY Ace on converter's EPUBs and on pandoc's EPUBs of the same posts.

Two books: the examples (``examples/posts``) and the whole dev corpus
(``../shared/corpus/dev``; left out when absent). Each is built by converter (``--offline``,
so that both tools see the same missing remote images) and by pandoc 3 (pypandoc-binary),
given the posts' bodies without front matter (Markdown for the examples, HTML for the
corpus, as in ``bench/scale.py``) and the same title and language. Ace runs on all four;
the table shows its violations by impact, side by side, and which rules they break.

    .venv/bin/python bench/a11y.py [--only examples|corpus] [--keep DIR]

Exit status 1 when converter's EPUB has a critical or serious violation, or more moderate
ones than pandoc's (issue 14); 2 when Ace is not installed (``make setup-test``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.checks import IMPACTS, ace_counts, ace_missing, ace_report, ace_violations  # noqa: E402

SHARED = Path(os.environ.get("CONVERTER_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "dev"
_FRONT_RE = re.compile(r"\A(?:---|\+\+\+)\n.*?\n(?:---|\+\+\+)\n", re.S)
LANG = "zh-Hans"


def converter_epub(posts: Path, out: Path, title: str) -> Path:
    exe = Path(sys.executable).with_name("converter")
    subprocess.run([str(exe), "build", str(posts), "-o", str(out), "-f", "epub", "--title", title, "--offline",
                    "--lang", LANG, "--cache-dir", str(out / "cache"), "-q"], check=False, capture_output=True)
    found = sorted(out.glob("*.epub"))
    if not found:
        raise SystemExit(f"converter made no EPUB of {posts}")
    return found[0]


def pandoc_epub(posts: Path, out: Path, title: str, reader: str) -> Path:
    """pandoc's EPUB of the posts' bodies, in date (file name) order, as one book."""
    import pypandoc

    inputs = out / "pandoc-in"
    inputs.mkdir(parents=True, exist_ok=True)
    files = []
    for post in sorted(posts.glob("*.md")):
        body = _FRONT_RE.sub("", post.read_text(encoding="utf-8"), count=1)
        path = inputs / (post.stem + (".html" if reader == "html" else ".md"))
        path.write_text(body, encoding="utf-8")
        files.append(str(path))
    target = out / "pandoc.epub"
    subprocess.run([pypandoc.get_pandoc_path(), "--quiet", "-f", reader, "-t", "epub3", "-o", str(target),
                    "--metadata", f"title={title}", "--metadata", f"lang={LANG}", *files],
                   check=False, capture_output=True, cwd=posts)
    if not target.is_file():
        raise SystemExit(f"pandoc made no EPUB of {posts}")
    return target


def row(name: str, report: dict, seconds: float) -> tuple[str, dict[str, int], Counter, float]:
    rules = Counter(f"{v['impact']}:{v['rule']}" for v in ace_violations(report))
    return name, ace_counts(report), rules, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("examples", "corpus"))
    parser.add_argument("--keep", type=Path, help="keep the EPUBs and Ace's reports here")
    args = parser.parse_args()
    missing = ace_missing()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    books = [("examples", ROOT / "examples" / "posts", "markdown")]
    if CORPUS.is_dir():
        books.append(("corpus", CORPUS, "html"))
    else:
        print(f"(dev corpus not found at {CORPUS}: the corpus book is left out)")
    if args.only:
        books = [b for b in books if b[0] == args.only]
    rows, ok = [], True
    with tempfile.TemporaryDirectory(prefix="a11y-bench-") as work_name:
        work = args.keep or Path(work_name)
        for name, posts, reader in books:
            out = work / name
            ours = converter_epub(posts, out / "converter", f"a11y {name}")
            theirs = pandoc_epub(posts, out / "pandoc", f"a11y {name}", reader)
            results = []
            for tool, epub in (("converter", ours), ("pandoc", theirs)):
                began = time.perf_counter()
                report = ace_report(epub, timeout=3600)
                results.append(row(f"{name} / {tool}", report, time.perf_counter() - began))
            rows += results
            mine, peer = results[0][1], results[1][1]
            if mine["critical"] or mine["serious"] or mine["moderate"] > peer["moderate"]:
                ok = False
    print(f"\n{'book / tool':<24}" + "".join(f"{i:>10}" for i in IMPACTS) + f"{'Ace (s)':>10}")
    for name, counts, _, seconds in rows:
        print(f"{name:<24}" + "".join(f"{counts[i]:>10}" for i in IMPACTS) + f"{seconds:>10.1f}")
    print("\nviolations by rule (impact:rule count):")
    for name, _, rules, _ in rows:
        listed = ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items())) or "none"
        print(f"  {name}: {listed}")
    print("\ntarget (issue 14): converter 0 critical, 0 serious, no more moderate than pandoc:",
          "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
