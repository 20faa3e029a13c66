"""Images end to end through the command line, against a real HTTP server on 127.0.0.1:
what can be had is embedded once per output in a form the format shows, what cannot is a
placeholder with a warning naming the post and the reason, nothing outside the allowed
roots ever reaches an output, and a rebuild works offline from the cache."""

from __future__ import annotations

import html
import os
import re
import time
import zipfile
import zlib
from pathlib import Path

import pdfplumber
import pytest

from converter.resources import Resource
from converter.writers.pdf import resource_url
from converter.writers.pdf_engine import ChunkTask, lay_out

from . import imagefiles
from .conftest import assert_epubcheck_clean, pdf_text, run_converter
from .httpserver import Route, Server

SECRET = b"SECRET-MARKER-7f3a-do-not-embed"
REAL_PASSWD = Path("/etc/passwd").read_bytes().split(b"\n")[0]
SOURCE = "https://blog.example.org/2024/remote"
FETCH_TIMEOUT = 2

# alt text → (url path, what the warning must say)
BROKEN = {
    "缺失": ("/missing.png", "HTTP 404"),
    "太慢": ("/slow.png", "timed out"),
    "无尽": ("/endless.png", "too large"),
    "循环": ("/loop", "too many redirects"),
    "文件": ("/to-file", "'file:'"),
    "回环": ("/to-localhost", "loopback"),
    "假图": ("/fake.jpg", "not an image (served as image/jpeg)"),
    "炸弹": ("/bomb.png", "too many pixels"),
}
LOCAL_REFUSED = {
    "秘密": ("../../etc/passwd", "outside the allowed folders"),
    "系统": ("../../../../../../../../../../etc/passwd", "outside the allowed folders"),
    "绝对": ("/etc/passwd", "not found"),
    "链接": ("img/out.png", "outside the allowed folders"),
    "管道": ("img/pipe.png", "not a regular file"),
    "协议": ("file:///etc/passwd", "'file:' URLs are not allowed"),
}


def _routes() -> dict[str, Route]:
    png = {"Content-Type": "image/png"}
    return {
        "/photo.png": Route(imagefiles.png((50, 40)), headers=png),
        "/exif.jpg": Route(imagefiles.jpeg_with_exif(), headers={"Content-Type": "image/jpeg"}),
        "/pic.webp": Route(imagefiles.encoded("WEBP", (2400, 1200)), headers={"Content-Type": "image/webp"}),
        "/anim.gif": Route(imagefiles.animated_gif(), headers={"Content-Type": "image/gif"}),
        "/evil.svg": Route(b"", headers={"Content-Type": "image/svg+xml"}),  # body set once the port is known
        "/flaky.png": Route(imagefiles.png((20, 20), (0, 90, 0)), headers=png, kind="flaky", failures=1),
        "/slow.png": Route(imagefiles.png(), kind="slow"),
        "/endless.png": Route(kind="endless"),
        "/loop": Route(status=302, headers={"Location": "/loop"}),
        "/to-file": Route(status=302, headers={"Location": "file:///etc/passwd"}),
        "/to-localhost": Route(status=302, headers={"Location": "http://localhost:{port}/photo.png"}),
        "/fake.jpg": Route(imagefiles.HTML_AS_JPEG, headers={"Content-Type": "image/jpeg"}),
        "/bomb.png": Route(imagefiles.png_bomb(), headers=png),
    }


@pytest.fixture(scope="module")
def server():
    with Server(_routes()) as srv:
        srv.routes["/evil.svg"].body = imagefiles.evil_svg(srv.url("/tracker.png"))
        yield srv


def _write_posts(server: Server, root: Path) -> Path:
    posts = root / "site" / "posts"
    (posts / "img").mkdir(parents=True)
    (root / "etc").mkdir()
    (root / "etc" / "passwd").write_bytes(SECRET + b"\n")
    (root / "outside.png").write_bytes(imagefiles.png_with_text((37, 23), SECRET.decode()))
    (posts / "img" / "ok.png").write_bytes(imagefiles.png((30, 30), (10, 10, 200)))
    (posts / "img" / "out.png").symlink_to(root / "outside.png")
    os.mkfifo(posts / "img" / "pipe.png")
    good = "\n\n".join(f"![{alt}]({server.url(path)})" for alt, path in (
        ("照片", "/photo.png"), ("相机", "/exif.jpg"), ("网图", "/pic.webp"), ("动图", "/anim.gif"),
        ("矢量", "/evil.svg"), ("重试", "/flaky.png")))
    (posts / "2024-01-01-remote.md").write_text(
        f"---\ntitle: 远程图片\nsource: {SOURCE}\n---\n段落一。\n\n{good}\n", encoding="utf-8")
    broken = "\n\n".join(f"![{alt}]({server.url(path)})" for alt, (path, _why) in BROKEN.items())
    (posts / "2024-01-02-broken.md").write_text(
        f"---\ntitle: 坏图片\nsource: {SOURCE}-2\n---\n段落二。\n\n{broken}\n", encoding="utf-8")
    local = "".join(f'<p><img src="{src}" alt="{alt}"/></p>' for alt, (src, _why) in LOCAL_REFUSED.items())
    (posts / "2024-01-03-local.md").write_text(
        "---\ntitle: 本地图片\n---\n"
        '<style>body { background: url(file:///etc/passwd) }</style>'
        '<p>本地。<img src="img/ok.png" alt="本地图"/></p>'
        f'{local}'
        '<div style="background-image: url(file:///etc/passwd)">样式里的网址。</div>'
        f'<p>再用一次：<img src="{server.url("/photo.png")}" alt="又一张"/></p>\n', encoding="utf-8")
    return posts


@pytest.fixture(scope="module")
def built(server, tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    posts = _write_posts(server, root)
    out = root / "out"
    start = time.monotonic()
    proc = run_converter("build", str(posts), "-o", str(out), "-f", "pdf,epub,docx", "--title", "图片", "--cover", "none",
                         "--cache-dir", str(root / "cache"), "--allow-host", f"127.0.0.1:{server.port}",
                         "--fetch-timeout", str(FETCH_TIMEOUT))
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    return {"out": out, "proc": proc, "elapsed": elapsed, "root": root,
            "epub": out / "图片.epub", "pdf": out / "图片.pdf", "docx": out / "图片.docx"}


def _zip_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _pdf_streams(path: Path) -> bytes:
    """The PDF's bytes followed by every stream it holds, decompressed."""
    raw = path.read_bytes()
    out = [raw]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", raw, re.S):
        try:
            out.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


def _everything(built) -> dict[str, bytes]:
    return {"pdf": _pdf_streams(built["pdf"]),
            "epub": b"\n".join(_zip_members(built["epub"]).values()),
            "docx": b"\n".join(_zip_members(built["docx"]).values())}


def test_build_finishes_quickly_despite_slow_and_endless_servers(built):
    # The slow server answers after 30 s; the download gives up after FETCH_TIMEOUT.
    assert built["elapsed"] < 60, built["elapsed"]
    assert "Traceback" not in built["proc"].stderr
    # Renderers found every resolved image they were given.
    assert "fetch-denied" not in built["proc"].stderr and "engine]" not in built["proc"].stderr


def test_every_failure_is_a_warning_naming_post_and_reason(built):
    lines = built["proc"].stderr.splitlines()

    def warned(post: str, needle: str, reason: str) -> bool:
        return any(post in l and "warning[image-" in l and needle in l and reason in l for l in lines)

    for _alt, (path, reason) in BROKEN.items():
        assert warned("2024-01-02-broken.md", path, reason), (path, reason)
    for _alt, (src, reason) in LOCAL_REFUSED.items():
        assert warned("2024-01-03-local.md", src, reason), (src, reason)
    # The CSS url()s of the post (a <style> and a style attribute) are ignored, with a warning.
    assert any("2024-01-03-local.md" in l and "warning[css-ignored]" in l and "2 CSS url()" in l for l in lines), lines
    assert not any("remote.md" in l and "warning" in l for l in lines), lines
    summary = next(l for l in lines if l.startswith("images:"))
    unique_failed = len(BROKEN)
    assert summary == (f"images: 6 fetched, 0 from cache, 1 local, {unique_failed} failed, "
                       f"{len(BROKEN) + len(LOCAL_REFUSED)} placeholder(s)"), summary


def test_referer_is_the_posts_source_url_and_svg_refs_are_never_fetched(built, server):
    referers = {h.get("referer") for p, h in server.requests if p.startswith("/photo.png")}
    assert SOURCE in referers
    assert server.hits["/flaky.png"] == 2  # one 500, then the image
    assert not any(p.startswith("/tracker") for p in server.paths())


def test_no_file_outside_the_roots_reaches_any_output(built):
    for fmt, data in _everything(built).items():
        assert SECRET not in data, fmt
        assert REAL_PASSWD not in data, fmt
        for marker in (b"PRIVATE-EXIF-NOTE", b"SecretCamera", b"svg-script", b"svg-onload", b"svg-foreign"):
            assert marker not in data, (fmt, marker)


def test_epub_images_converted_once_each_and_placeholders(built):
    assert_epubcheck_clean(built["epub"])
    members = _zip_members(built["epub"])
    images = {n: d for n, d in members.items() if n.startswith("EPUB/images/")}
    # photo (used by two posts), exif jpeg, webp → jpeg, animated gif, svg, flaky, local png
    assert len(images) == 7, sorted(images)
    assert not any(n.endswith(".webp") for n in images)
    assert sum(n.endswith(".gif") for n in images) == 1 and sum(n.endswith(".svg") for n in images) == 1
    svg = next(d for n, d in images.items() if n.endswith(".svg"))
    assert b"<rect" in svg and b"script" not in svg and b"tracker" not in svg
    text = "".join(d.decode() for n, d in members.items() if n.startswith("EPUB/text/chapter-"))
    for alt, (_, reason) in {**BROKEN, **LOCAL_REFUSED}.items():
        # The frame names the image, says why it is missing, then where it was.
        assert re.search(rf'class="image-placeholder"><span class="placeholder-label">\[{alt}\]</span> '
                         rf'<span class="placeholder-reason">\([^<]*{re.escape(reason)}', html.unescape(text)), alt
    assert text.count('class="image-placeholder"') == len(BROKEN) + len(LOCAL_REFUSED)
    # A refused URL is shown on its placeholder, never used.
    assert "background" not in text and not re.search(r'(?:src|href)="file:', text)


def test_docx_gets_only_formats_word_shows(built):
    media = {n: d for n, d in _zip_members(built["docx"]).items() if n.startswith("word/media/")}
    assert len(media) == 7, sorted(media)
    assert all(n.endswith((".png", ".jpg", ".jpeg", ".gif")) for n in media), sorted(media)
    gifs = [d for n, d in media.items() if n.endswith(".gif")]
    assert not gifs  # the animated GIF became its first frame, as PNG
    document = _zip_members(built["docx"])["word/document.xml"].decode()
    texts = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", document))
    for alt, (_, reason) in {**BROKEN, **LOCAL_REFUSED}.items():
        assert re.search(rf"\[{alt}\] ?\([^)]*{re.escape(reason)}", texts), alt


def test_pdf_embeds_each_image_once_and_shows_placeholders(built):
    with pdfplumber.open(built["pdf"]) as pdf:
        objects = {img["stream"].objid for page in pdf.pages for img in page.images}
    assert len(objects) == 6  # the SVG is drawn as vectors
    text = pdf_text(built["pdf"])
    for alt in (*BROKEN, *LOCAL_REFUSED):
        assert f"[{alt}]" in text, alt


def test_weasyprint_fetcher_serves_only_resolved_resources(tmp_path):
    image = tmp_path / "a.png"
    image.write_bytes(imagefiles.png())
    resource = Resource("img-a.png", image, "image/png", 40, 30)
    html = (f'<html><head><link rel="stylesheet" href="file:///etc/passwd"/></head><body>'
            f'<img src="{resource_url(resource)}"/><img src="file:///etc/passwd"/>'
            '<img src="http://127.0.0.1:9/x.png"/><img src="converter-resource:img-unknown.png"/>'
            '<div style="background: url(file:///etc/passwd)">x</div></body></html>')
    out = tmp_path / "t.pdf"
    css = "@import url(file:///etc/passwd); body { background: url(/etc/passwd) }"
    # The engine as the PDF writer's workers run it: only the chunk's resources are served.
    layout = lay_out(ChunkTask(0, html, css, {}, {resource.id: (str(image), "image/png")}, str(out), start=1), None)
    refused = [d.message for d in layout.diagnostics if d.code == "fetch-denied"]
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png", "converter-resource:img-unknown.png"):
        assert any(url in m for m in refused), (url, refused)
    data = _pdf_streams(out)
    assert REAL_PASSWD not in data
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages[0].images) == 1


# ------------------------------------------------------------------------------ offline

def _epub_images(path: Path) -> dict[str, bytes]:
    return {n: d for n, d in _zip_members(path).items() if n.startswith("EPUB/images/")}


def test_offline_rebuild_is_identical_and_makes_no_connection(tmp_path):
    routes = {"/a.png": Route(imagefiles.png((60, 40)), headers={"Content-Type": "image/png"}),
              "/b.webp": Route(imagefiles.encoded("WEBP", (1800, 900)), headers={"Content-Type": "image/webp"}),
              "/c.jpg": Route(imagefiles.jpeg_with_exif(), headers={"Content-Type": "image/jpeg"}),
              "/d.svg": Route(imagefiles.evil_svg("http://127.0.0.1:9/t.png"),
                              headers={"Content-Type": "image/svg+xml"})}
    posts = tmp_path / "posts"
    posts.mkdir()
    cache = tmp_path / "cache"
    with Server(routes) as server:
        body = "\n\n".join(f"![图{i}]({server.url(p)})" for i, p in enumerate((*routes, "/gone.png")))
        (posts / "2024-02-02-p.md").write_text(f"---\ntitle: 离线\nsource: {SOURCE}\n---\n{body}\n",
                                                encoding="utf-8")
        common = ("build", str(posts), "-f", "epub", "--title", "离线", "--cache-dir", str(cache))
        allow = ("--allow-host", f"127.0.0.1:{server.port}")
        first = run_converter(*common, "-o", str(tmp_path / "1"), *allow)
        assert first.returncode == 0, first.stderr
        requests = len(server.requests)
        assert requests == 5
        second = run_converter(*common, "-o", str(tmp_path / "2"), *allow)
        assert second.returncode == 0, second.stderr
        assert len(server.requests) == requests  # the cache answered everything, failures included
        assert "images: 0 fetched, 4 from cache, 0 local, 1 failed" in second.stderr
    third = run_converter(*common, "-o", str(tmp_path / "3"), "--offline")
    assert third.returncode == 0, third.stderr
    assert "images: 0 fetched, 4 from cache" in third.stderr
    epubs = [tmp_path / n / "离线.epub" for n in "123"]
    images = [_epub_images(e) for e in epubs]
    assert len(images[0]) == 4 and images[0] == images[1] == images[2]
    chapters = [{n: d for n, d in _zip_members(e).items() if n.startswith("EPUB/text/")} for e in epubs]
    assert chapters[0] == chapters[2]  # the same ids, sizes and placeholders
    for epub in epubs:
        assert_epubcheck_clean(epub)
    # With an empty cache, offline means placeholders, and still no connection.
    fourth = run_converter("build", str(posts), "-f", "epub", "--title", "离线", "--offline",
                           "--cache-dir", str(tmp_path / "empty"), "-o", str(tmp_path / "4"))
    assert fourth.returncode == 0 and fourth.stderr.count("offline, and not in the cache") == 5, fourth.stderr
    assert "5 not fetched (offline), 0 failed" in fourth.stderr  # a choice, not a failure
    assert not _epub_images(tmp_path / "4" / "离线.epub")
    assert_epubcheck_clean(tmp_path / "4" / "离线.epub")
