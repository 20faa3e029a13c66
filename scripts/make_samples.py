"""Regenerate docs/samples/: the cover, the contents page and a two-page spread of the A5
print PDF of examples/posts, and the first page of one example per language (zh-Hans,
zh-Hant, ja, ko, en), rendered at 80 dpi with poppler's pdftoppm.

Run: .venv/bin/python scripts/make_samples.py [--contents N] [--spread N]
(page numbers of the contents page and of the left page of the spread; look at the PNGs
after a change of theme or layout, and move the spread if it no longer shows two full pages
with running heads).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "samples"
TITLE = "converter 示例文集"
# One example per language: file name pattern → sample name.
LANGUAGES = {"2024-03-15-*.md": "zh-Hans", "2023-10-08-*.md": "zh-Hant", "2024-04-02-*.md": "ja",
             "2024-05-20-*.md": "ko", "2024-06-01-*.md": "en"}


def render(pdf: Path, page: int, work: Path) -> Image.Image:
    prefix = work / f"p{page}"
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(prefix)], check=True)
    return Image.open(prefix.with_suffix(".png")).convert("RGB")


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--contents", type=int, default=5)
    args.add_argument("--spread", type=int, default=10)
    opts = args.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run([str(Path(sys.executable).with_name("converter")), "build", str(ROOT / "examples" / "posts"),
                        "--print", "--group", "year", "--title", TITLE, "--author", "converter", "-f", "pdf",
                        "-o", str(work), "-q"], check=True)
        pdf = work / f"{TITLE}.pdf"
        OUT.mkdir(parents=True, exist_ok=True)
        render(pdf, 1, work).save(OUT / "a5-print-cover.png", optimize=True)
        render(pdf, opts.contents, work).save(OUT / "a5-print-contents.png", optimize=True)
        left, right = render(pdf, opts.spread, work), render(pdf, opts.spread + 1, work)
        spread = Image.new("RGB", (left.width + right.width, left.height), "white")
        spread.paste(left, (0, 0))
        spread.paste(right, (left.width, 0))
        ImageDraw.Draw(spread).line([(left.width, 0), (left.width, left.height)], fill=(190, 190, 190))
        spread.save(OUT / "a5-print-spread.png", optimize=True)
        sys.path.insert(0, str(ROOT))
        from tests.pdfbook import read_book

        for pattern, lang in LANGUAGES.items():
            post = next((ROOT / "examples" / "posts").glob(pattern))
            folder = work / lang
            subprocess.run([str(Path(sys.executable).with_name("converter")), "build", str(post), "-f", "pdf",
                            "-o", str(folder), "-q"], check=True)
            pdf = next(folder.glob("*.pdf"))
            first = read_book(pdf).dests.get("chapter-1", 0) + 1
            render(pdf, first, work).save(OUT / f"lang-{lang}.png", optimize=True)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
