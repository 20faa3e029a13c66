"""Fidelity benchmark: how clean and how complete normalized posts are, on the dev corpus.

For every post of ../shared/corpus/dev this compares the normalized document (what converter
puts in a book) with an independent reading of the source HTML:

* junk residue   posts whose normalized text still contains widget or chrome text   target 0
* retention      article text (main container minus the named junk of corpus NOTES §8)
                 found in the normalized text, in order                  ≥ 99% overall, ≥ 97% each
* images         content images kept / content images in the source (lazy copies once) ≥ 98%
* trackers       tracking pixels kept                                                 target 0
* spacing        Han–whitespace–Han in the normalized text that the source did not have
                 as two separate words typed in one text node                         target 0
* repeated title posts whose body still opens with their title                       target 0

Posts from outside the dev corpus are held to the same bar: the fixtures of
tests/fixtures/fidelity.json (comment threads of several CMSs and languages, spam link walls,
a WordPress export, RSS and Atom feeds) name the phrases each post must keep and the junk it
must lose; a kept phrase missing is lost text, a junk phrase present is junk residue.

Prints a table per source host and overall; exits 1 when a target is missed.
Run: .venv/bin/python bench/fidelity.py [--corpus DIR] [--show N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.core.model import Figure, Image  # noqa: E402
from converter.core.options import ReadOptions  # noqa: E402
from converter.core.tree import map_tree  # noqa: E402
from converter.pipeline import read_all, read_one  # noqa: E402
from converter.sources import Discovered, discover  # noqa: E402
from converter.sources.feedheader import split_feed_header  # noqa: E402
from converter.sources.frontmatter import split  # noqa: E402
from converter.writers.plaintext import document_text  # noqa: E402

# The oracle's own view of the source: article containers and the junk catalogued in corpus
# NOTES §8 (J01–J19). Deliberately written from the notes, not from converter's rule table.
ARTICLE_ROOTS = (".entry-content", ".field-name-body", "#article-content", ".article-content")
JUNK = (
    ".entry-meta", ".sharedaddy", ".sd-sharing", ".sd-like", "#jp-relatedposts", ".entry-footer",
    ".entry-author-wrapper", ".site-posted-on", ".code-block", "[class*=ads_]", ".post-sidebar",
    "section.collection", "ul.collection-list", "link", ".navigation__primary-inner", "noscript",
    "span.rdf-meta", ".submitted", ".element-invisible", ".element-hidden", "#comments", ".comment-wrapper",
    "#block-views-articles-related-block-1", ".view-articles-related", ".pager", ".service-links",
    ".field-name-service-links-displays-group", ".pullquote-share", ".pullquote", ".cboxes.node-article",
    "nav.links", ".author-wrap", ".medium-feed-link", "script", "style", "button", "input",
    "header.entry-header", "header.page-header", ".field-name-title", ".column-wrap p.title",
    ".js-testPostMetaInlineSupplemental", "h2.element-invisible", "ul.links.inline", ".field-name-author",
    ".streamItem",
)
# Conversation posts: the comment wrappers are the article (NOTES §9).
CONVERSATION = ".node-profile"
# Widget and chrome text as it appears on a line of its own (a share prompt, a like
# counter, a tag list, a word count); spam words as whole words.
JUNK_TEXT = re.compile(
    r"^\W*(点击)?分享到[：:\s]|点击以在 .{1,20} 上共享|共享此文章|^\W*赞过[：:]|正在加载……|^\s*Tagged\s*:?\s*$|"
    r"Continue reading on|was originally published in|冒个泡吧|^\s*\d+\s*Minutes?\s*$|"
    r"\[email[\s\xa0]*protected\]|\b(viagra|cialis|levitra|tadalafil|sildenafil)\b|"
    r"^\s*(相关|Related)\s*$", re.I | re.M)
TRACKER = re.compile(r"medium\.com/_/stat|/pixel[./?]|\b1x1\b|/beacon", re.I)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Tabs are not word spaces: the text rendering separates table cells with them.
HAN_WS_HAN = re.compile(f"([{HAN}])[ \u3000\u00a0\u2000-\u200a]+(?=([{HAN}]))")
TYPED_SPACE = re.compile(f"([{HAN}])[ \t\u3000\u00a0\u2000-\u200a\n\r]+(?=([{HAN}]))")
_STRIP = re.compile(r"[\s\u00a0\u200b-\u200f\u2028-\u202e\u2060\ufeff\x00-\x1f\x7f-\x9f]+")
_BLOCKS = "p, li, h1, h2, h3, h4, h5, h6, figcaption, td, th, pre, blockquote, dt, dd"


# converter normalizes the width of , ? ! : ; between Han characters, and turns an opening
# quotation mark that ends a Chinese paragraph into the closing one meant; compare modulo both.
_WIDTH = str.maketrans("，？！：；“”‘’", ",?!:;\"\"''")


def squash(text: str) -> str:
    return _STRIP.sub("", text).translate(_WIDTH)


@dataclass
class PostResult:
    path: Path
    host: str
    expected_chars: int = 0
    kept_chars: int = 0
    images_expected: int = 0
    images_kept: int = 0
    trackers_kept: int = 0
    junk: list[str] = field(default_factory=list)
    spacing: list[str] = field(default_factory=list)
    repeated_title: bool = False
    missing: list[str] = field(default_factory=list)

    @property
    def retention(self) -> float:
        return self.kept_chars / self.expected_chars if self.expected_chars else 1.0


def image_key(url: str) -> str:
    """An image's identity across lazy copies and size variants: file name without the
    WordPress size suffix, extension and query."""
    path = urlsplit(url.strip()).path
    name = path.rsplit("/", 1)[-1].lower()
    name = re.sub(r"\.(jpe?g|png|gif|webp|svg|avif)$", "", name)
    name = re.sub(r"-\d+x\d+$", "", name)
    return name or url


def source_images(root) -> set[str]:
    keys = set()
    for img in root.css("img"):
        attrs = img.attributes
        candidates = [attrs.get(k) for k in ("data-lazy-src", "data-src", "data-original", "src")]
        srcset = attrs.get("srcset") or attrs.get("data-lazy-srcset") or ""
        candidates.extend(part.split()[0] for part in srcset.split(",") if part.split())
        urls = [c for c in candidates if c and c.strip() and not c.strip().startswith("data:")]
        if not urls:
            continue
        if any(TRACKER.search(u) for u in urls):
            continue
        width, height = attrs.get("width") or "", attrs.get("height") or ""
        if width.strip() in ("1", "0") or height.strip() in ("1", "0"):
            continue
        if re.search(r"icon|avatar|logo|emoji|gravatar", " ".join(urls) + (attrs.get("class") or ""), re.I):
            continue
        keys.add(image_key(urls[0]))
    return keys


def expected_chunks(body: str) -> tuple[list[str], set[str], set[tuple[str, str]], int]:
    tree = LexborHTMLParser(body)
    top = tree.body
    if top is None:
        return [], set(), set(), 0
    # A space typed between Han characters (no line break in it, even across inline tags)
    # is a visible word space in the source; source formatting (a line break with
    # indentation) is not.
    pieces = []
    for node in top.traverse(include_text=True):
        if node.tag == "-text":
            pieces.append(node.text_content or "")
        elif node.tag in ("p", "div", "li", "br", "h1", "h2", "h3", "h4", "td", "tr", "blockquote"):
            pieces.append("\n")
    typed = {(m.group(1), m.group(2)) for m in TYPED_SPACE.finditer("".join(pieces))
             if "\n" not in m.group(0) and "\r" not in m.group(0)}
    # Cloudflare-obfuscated e-mail addresses read as the address; an ai2html chart shows
    # one artboard (the widest, on a desktop), not all its screen-size copies.
    for node in top.css("[data-cfemail]"):
        data = bytes.fromhex(node.attributes.get("data-cfemail") or "00")
        node.replace_with(bytes(b ^ data[0] for b in data[1:]).decode("utf-8", "replace"))
    for box in top.css(".ai2html_export, .ai2html"):
        boards = box.css(".g-artboard")
        widest = max(boards, key=lambda b: float(b.attributes.get("data-min-width") or 0), default=None)
        for board in boards:
            if widest is not None and board.mem_id != widest.mem_id:
                board.decompose()
    # A Medium-style "Related" stream: the heading and every card after it.
    for heading in top.css(".streamItem--heading"):
        node = heading
        while node is not None and node.tag != "body":
            sibling = node.next
            while sibling is not None:
                following = sibling.next
                sibling.decompose()
                sibling = following
            node = node.parent
    # Note reference marks ("1" in a <sup> link to #fn1) become notes; their digits are not text.
    for sup in top.css("sup"):
        link = sup.css_first("a[href]")
        if link is not None and "#" in (link.attributes.get("href") or "") and len((sup.text() or "").strip()) <= 4:
            sup.decompose()
    for back in top.css('a.footnote-backref, a[href*="#fnr"], a[href*="#fnref"]'):
        back.decompose()
    for p in top.css("p"):
        if re.search(r"was originally published in .* on Medium", p.text(deep=True) or "", re.S):
            p.decompose()
    conversation = top.css_first(CONVERSATION) is not None
    for sel in JUNK:
        if conversation and sel in ("#comments", ".comment-wrapper"):
            continue
        for node in top.css(sel):
            node.decompose()
    images = source_images(top)
    root = next((n for sel in ARTICLE_ROOTS for n in [top.css_first(sel)] if n is not None), top)
    chunks = []
    for node in root.css(_BLOCKS):
        # Only leaf blocks, so no text is counted twice (css() includes the node itself).
        if any(inner.mem_id != node.mem_id for inner in node.css(_BLOCKS)):
            continue
        text = squash(node.text(deep=True) or "")
        if text:
            chunks.append(text)
    return chunks, images, typed, sum(len(c) for c in chunks)


def doc_images(doc) -> set[str]:
    found: list[str] = []

    def visit(node):
        if isinstance(node, Image):
            found.append(node.src)
        return node

    map_tree(doc.blocks, visit)
    return {image_key(u) for u in found}, sum(1 for u in found if TRACKER.search(u))


def check(path: Path, host: str) -> PostResult:
    result = PostResult(path, host)
    text = path.read_text(encoding="utf-8")
    _meta, body, _ = split(text, path)
    _header, body = split_feed_header(body)
    chunks, images, typed, total = expected_chunks(body)
    read = read_one(Discovered(path, path.parent), ReadOptions())
    if read.doc is None:
        result.junk.append(f"not read: {read.error}")
        return result
    doc = read.doc
    plain = document_text(doc)
    # The chapter title is printed too (NOTES §5 counts it as visible text).
    flat = squash(doc.meta.title + "\n" + plain)
    # Retention: each source block found in order (a block may be split or joined
    # differently, so fall back to an unordered search before calling it lost).
    pos = 0
    for chunk in chunks:
        at = flat.find(chunk, pos)
        if at >= 0:
            pos = at + len(chunk)
            result.kept_chars += len(chunk)
        elif chunk in flat:
            result.kept_chars += len(chunk)
        else:
            result.missing.append(chunk[:60])
    result.expected_chars = total
    kept, trackers = doc_images(doc)
    result.images_expected = len(images)
    result.images_kept = len(images & kept)
    result.trackers_kept = trackers
    result.junk.extend(m.group(0) for m in JUNK_TEXT.finditer(plain))
    for m in HAN_WS_HAN.finditer(plain):
        if (m.group(1), m.group(2)) not in typed:
            result.spacing.append(m.group(0))
    first = next(iter(doc.blocks), None)
    if first is not None:
        first_text = squash(document_text(type(doc)(doc.meta, (first,))))
        title = squash(doc.meta.title)
        result.repeated_title = bool(title) and first_text == title and not isinstance(first, Figure)
    return result


FIXTURES = ROOT / "tests" / "fixtures"


@dataclass
class FixtureResult:
    name: str
    posts: int = 0
    junk: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)


def fixture_results() -> list[FixtureResult]:
    """Each post of fidelity.json read as ``build`` reads it, against its kept and junk phrases."""
    cases = json.loads((FIXTURES / "fidelity.json").read_text(encoding="utf-8"))["posts"]
    out = []
    for case in cases:
        result = FixtureResult(case["file"])
        found, errors = discover([str(FIXTURES / case["file"])])
        read = [r for r in read_all(found, ReadOptions(), jobs=1) if r.doc is not None]
        result.lost.extend(str(e) for e in errors)
        items = case.get("items") or {"": case}
        for key, expect in items.items():
            docs = [r.doc for r in read if not key or r.doc.meta.source_path.endswith("#" + key)
                    or r.doc.meta.title == key]
            if len(docs) != 1:
                result.lost.append(f"{key or case['file']}: not read")
                continue
            text = docs[0].meta.title + "\n" + document_text(docs[0])
            result.posts += 1
            result.lost.extend(f"{key}: {k}" for k in expect["kept"] if k not in text)
            result.junk.extend(f"{key}: {g}" for g in expect["gone"] if g in text)
        out.append(result)
    return out


def report_fixtures() -> list[str]:
    """Print the fixtures' table; the names of the targets they miss."""
    results = fixture_results()
    print(f"{'fixture (outside the corpus)':40} {'posts':>5} {'junk':>5} {'lost':>5}")
    for r in results:
        print(f"{r.name:40} {r.posts:5d} {len(r.junk):5d} {len(r.lost):5d}")
    failures = []
    for name, bad in (("fixture junk residue", [j for r in results for j in r.junk]),
                      ("fixture text lost", [x for r in results for x in r.lost])):
        if bad:
            failures.append(name)
            print(f"\n{name}: {bad[:5]}")
    print()
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    parser.add_argument("--show", type=int, default=3, help="examples to print per failing metric")
    args = parser.parse_args()
    fixture_failures = report_fixtures()
    manifest = args.corpus / "MANIFEST.tsv"
    if not manifest.is_file():
        print(f"corpus skipped: no corpus at {args.corpus}")
        print("\nresult:", "PASS" if not fixture_failures else "FAIL (" + ", ".join(fixture_failures) + ")")
        return 1 if fixture_failures else 0
    hosts = {}
    for line in manifest.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        hosts[cols[0]] = cols[1]
    results = [check(args.corpus / name, host) for name, host in sorted(hosts.items())]

    by_host: dict[str, list[PostResult]] = defaultdict(list)
    for r in results:
        by_host[r.host].append(r)
    header = f"{'host':22} {'posts':>5} {'junk':>5} {'retain':>8} {'min':>7} {'images':>8} {'track':>5} {'space':>5} {'title':>5}"
    print(header)
    print("-" * len(header))

    def row(name, rs):
        exp = sum(r.expected_chars for r in rs)
        kept = sum(r.kept_chars for r in rs)
        img_e = sum(r.images_expected for r in rs)
        img_k = sum(r.images_kept for r in rs)
        print(f"{name:22} {len(rs):5d} {sum(1 for r in rs if r.junk):5d} {kept / exp if exp else 1:8.2%} "
              f"{min((r.retention for r in rs), default=1):7.1%} {img_k / img_e if img_e else 1:8.1%} "
              f"{sum(r.trackers_kept for r in rs):5d} {sum(len(r.spacing) for r in rs):5d} "
              f"{sum(1 for r in rs if r.repeated_title):5d}")
        return exp, kept, img_e, img_k

    for host in sorted(by_host):
        row(host, by_host[host])
    print("-" * len(header))
    exp, kept, img_e, img_k = row("overall", results)

    failures = list(fixture_failures)
    worst = sorted(results, key=lambda r: r.retention)
    checks = [
        ("junk residue", [r for r in results if r.junk], lambda r: f"{r.junk[:3]}"),
        ("retention < 97%", [r for r in worst if r.retention < 0.97], lambda r: f"{r.retention:.1%} lost {r.missing[:2]}"),
        ("trackers kept", [r for r in results if r.trackers_kept], lambda r: str(r.trackers_kept)),
        ("spacing", [r for r in results if r.spacing], lambda r: f"{r.spacing[:3]}"),
        ("repeated title", [r for r in results if r.repeated_title], lambda r: ""),
    ]
    for name, bad, show in checks:
        if bad:
            failures.append(name)
            print(f"\n{name}: {len(bad)} post(s)")
            for r in bad[:args.show]:
                print(f"  {r.path.name[:70]}: {show(r)}")
    if exp and kept / exp < 0.99:
        failures.append("overall retention < 99%")
    if img_e and img_k / img_e < 0.98:
        failures.append("images < 98%")
        lost = sorted(results, key=lambda r: r.images_kept - r.images_expected)[:args.show]
        print("\nimages lost:")
        for r in lost:
            print(f"  {r.path.name[:70]}: {r.images_kept}/{r.images_expected}")
    print("\nresult:", "PASS" if not failures else "FAIL (" + ", ".join(failures) + ")")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
