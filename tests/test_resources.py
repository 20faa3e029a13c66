"""The resolver and its parts: confined local files, data: URIs, sniffing, the cache, image
variants per output format, SVG sanitizing. Network cases use a real server on 127.0.0.1."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image
from lxml import etree

from converter.core.diagnostics import Diagnostics
from converter.core.errors import ConfigError
from converter.core.model import Document, Figure, Image as ImageNode, Meta, Paragraph, Text
from converter.core.options import FetchOptions, ImageOptions, ResourceOptions
from converter.resources import ImageRequest, Resolver, Resource, ResourceStore, Unavailable, resolve_images
from converter.resources.images import convert, sniff, target_for
from converter.resources.local import LocalFiles, decode_data_uri
from converter.resources.svg import sanitize

from . import imagefiles
from .httpserver import Route, Server

SECRET = b"SECRET-MARKER-do-not-embed"


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture
def site(tmp_path) -> Path:
    """tmp/site/posts/p.md with images beside it; a secret and a PNG outside the site."""
    posts = tmp_path / "site" / "posts"
    (posts / "img").mkdir(parents=True)
    (posts / "p.md").write_text("---\ntitle: t\n---\nx\n", encoding="utf-8")
    (posts / "img" / "a.png").write_bytes(imagefiles.png())
    (posts / "static" / "images").mkdir(parents=True)
    (posts / "static" / "images" / "root.png").write_bytes(imagefiles.png((8, 8)))
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_bytes(SECRET)
    (tmp_path / "outside.png").write_bytes(imagefiles.png((37, 23)))
    return posts


def resolver_for(roots, cache: Path, **options) -> Resolver:
    return Resolver(tuple(roots), cache, ResourceOptions(**options), targets=("epub", "pdf", "docx"))


def _refused(resolver: Resolver, src: str, post: Path) -> Unavailable:
    with pytest.raises(Unavailable) as info:
        resolver.resolve(src, post)
    return info.value


# ------------------------------------------------------------------------------ local files

def test_relative_and_root_relative_paths(site, tmp_path):
    with resolver_for((site,), tmp_path / "cache") as r:
        post = site / "p.md"
        a = r.resolve("img/a.png", post)
        assert (a.width, a.height, a.media_type) == (40, 30, "image/png")
        assert a.path.read_bytes() == (site / "img" / "a.png").read_bytes()
        assert r.cache.folder in a.path.parents  # renderers get the resolver's copy
        assert r.resolve("/images/root.png", post).width == 8  # Hugo: static/ is served at /
        assert r.resolve("./img/../img/a.png", post).id == a.id


def test_escapes_are_refused(site, tmp_path):
    (site / "img" / "out.png").symlink_to(tmp_path / "outside.png")
    (site / "img" / "zero.png").symlink_to("/dev/zero")
    os.mkfifo(site / "img" / "pipe.png")
    (site / "img" / "secret.png").symlink_to(tmp_path / "etc" / "passwd")
    with resolver_for((site,), tmp_path / "cache") as r:
        post = site / "p.md"
        for src in ("../../etc/passwd", "../../outside.png", "img/out.png", "img/zero.png", "img/secret.png",
                    "%2e%2e/%2e%2e/etc/passwd", "/../../etc/passwd"):
            assert "outside the allowed folders" in str(_refused(r, src, post)), src
        assert "not found" in str(_refused(r, "/etc/passwd", post))
        assert "not allowed" in str(_refused(r, "file:///etc/passwd", post))
        start = time.monotonic()
        assert "not a regular file" in str(_refused(r, "img/pipe.png", post))
        assert time.monotonic() - start < 1
        assert not any(SECRET in p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file())


def test_jekyll_site_root_is_found_from_posts_folder(tmp_path):
    site = tmp_path / "blog"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: x\n")
    (site / "assets").mkdir()
    (site / "assets" / "logo.png").write_bytes(imagefiles.png((12, 12)))
    with resolver_for((site / "_posts",), tmp_path / "cache") as r:
        assert r.resolve("/assets/logo.png", site / "_posts" / "p.md").width == 12
        assert r.resolve("../assets/logo.png", site / "_posts" / "p.md").width == 12


def test_explicit_site_root(tmp_path, site):
    elsewhere = tmp_path / "media"
    elsewhere.mkdir()
    (elsewhere / "m.png").write_bytes(imagefiles.png((9, 9)))
    with resolver_for((site,), tmp_path / "cache") as r:
        assert "not found" in str(_refused(r, "/m.png", site / "p.md"))
    with resolver_for((site,), tmp_path / "cache", site_roots=(elsewhere,)) as r:
        assert r.resolve("/m.png", site / "p.md").width == 9


def test_data_uris_are_decoded_with_a_cap():
    import base64

    data = imagefiles.png()
    assert decode_data_uri("data:image/png;base64," + base64.b64encode(data).decode()) == data
    with pytest.raises(Unavailable, match="too large"):
        decode_data_uri("data:image/png;base64," + "A" * 2000, max_bytes=1000)
    with pytest.raises(Unavailable, match="too large"):
        decode_data_uri("data:image/svg+xml," + "%41" * 900, max_bytes=100)


def test_local_files_reader_caps_size(tmp_path):
    (tmp_path / "big.png").write_bytes(b"\0" * 2000)
    with pytest.raises(Unavailable, match="larger"):
        LocalFiles((tmp_path,), max_bytes=1000).read("big.png", tmp_path / "p.md")


# ------------------------------------------------------------------------------ sniffing

def test_sniff_trusts_bytes_not_names():
    with pytest.raises(Unavailable, match="not an image"):
        sniff(imagefiles.HTML_AS_JPEG, 10**8)
    with pytest.raises(Unavailable, match="damaged"):
        sniff(imagefiles.png((400, 400))[:200], 10**8)
    assert sniff(imagefiles.encoded("WEBP"), 10**8).media_type == "image/webp"


def test_decompression_bomb_is_refused_unread():
    bomb = imagefiles.png_bomb()
    assert len(bomb) < 100_000
    start = time.monotonic()
    with pytest.raises(Unavailable) as info:
        sniff(bomb, ImageOptions().max_pixels)
    assert info.value.kind == "too-large" and "pixels" in str(info.value)
    assert time.monotonic() - start < 1


# ------------------------------------------------------------------------------ variants

def _variant(data: bytes, target: str, **options) -> tuple[Image.Image, bytes]:
    info = sniff(data, 10**8)
    made = convert(info.data, info.media_type, (info.width, info.height), target_for(target, ImageOptions(**options)),
                   ImageOptions(**options))
    out = info.data if made is None else made.data
    return Image.open(io.BytesIO(out)), out


@pytest.mark.parametrize("fmt,mode", [("WEBP", "RGB"), ("AVIF", "RGB"), ("HEIF", "RGB"), ("BMP", "RGB"),
                                      ("TIFF", "RGB"), ("WEBP", "RGBA"), ("TIFF", "CMYK")])
def test_formats_targets_cannot_show_are_converted(fmt, mode):
    data = imagefiles.encoded(fmt, mode=mode, color=(10, 20, 30, 40) if mode in ("RGBA", "CMYK") else (10, 20, 30))
    for target in ("epub", "pdf", "docx"):
        im, _ = _variant(data, target)
        expected = "PNG" if mode == "RGBA" or fmt in ("BMP", "TIFF") else "JPEG"
        assert im.format == expected, (fmt, mode, target)
        assert im.mode in ("RGB", "RGBA", "L", "LA", "P")


def test_webp_kept_in_epub_only_when_asked():
    data = imagefiles.encoded("WEBP")
    assert _variant(data, "epub", keep_webp=True)[1] == data
    assert _variant(data, "docx", keep_webp=True)[0].format == "JPEG"


def test_animated_gif_first_frame_for_print_and_docx():
    gif = imagefiles.animated_gif()
    assert _variant(gif, "epub")[1] == gif
    for target in ("pdf", "docx"):
        im, _ = _variant(gif, target)
        assert im.format == "PNG" and not getattr(im, "is_animated", False)


def test_large_images_are_scaled_and_metadata_stripped():
    im, _ = _variant(imagefiles.encoded("PNG", (3200, 1000)), "epub")
    assert im.size == (1600, 500)
    im, _ = _variant(imagefiles.encoded("PNG", (3200, 1000)), "epub", max_side=800)
    assert im.size == (800, 250)
    exif_jpeg = imagefiles.jpeg_with_exif()
    im, data = _variant(exif_jpeg, "epub")
    assert data != exif_jpeg and b"PRIVATE-EXIF-NOTE" not in data and b"SecretCamera" not in data
    assert im.format == "JPEG" and not im.getexif()
    im, data = _variant(imagefiles.png_with_text((10, 10), "PRIVATE-PNG-TEXT"), "pdf")
    assert b"PRIVATE-PNG-TEXT" not in data
    plain = imagefiles.png()
    assert _variant(plain, "docx")[1] == plain  # nothing to change: the same bytes


def test_grayscale_option():
    im, _ = _variant(imagefiles.png(), "epub", grayscale=True)
    assert im.mode == "L"
    im, _ = _variant(imagefiles.encoded("JPEG"), "docx", grayscale=True, quality=50)
    assert im.mode == "L" and im.format == "JPEG"


def test_svg_is_sanitized_and_rasterized_for_docx():
    clean, width, height = sanitize(imagefiles.evil_svg("http://tracker.example/t"))
    assert (width, height) == (120, 60)
    text = clean.decode()
    for bad in ("script", "onload", "tracker.example", "javascript", "foreignObject", "svg-foreign", "<set"):
        assert bad not in text, bad
    root = etree.fromstring(clean)
    assert root.find("{http://www.w3.org/2000/svg}rect").get("fill") == "#3366cc"
    im, _ = _variant(imagefiles.evil_svg("http://tracker.example/t"), "docx")
    assert im.format == "PNG" and im.size == (120, 60)
    info = sniff(imagefiles.evil_svg("http://tracker.example/t"), 10**8)
    assert info.data == clean and info.media_type == "image/svg+xml"
    for target in ("epub", "pdf"):  # they draw SVG themselves: the sanitized file as it is
        assert convert(info.data, info.media_type, (120, 60), target_for(target, ImageOptions()), ImageOptions()) is None


def test_svg_entities_cannot_explode():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
              + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
                         for i in range(8))
              + b']><svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>')
    start = time.monotonic()
    with pytest.raises(Unavailable):
        sanitize(laughs)
    assert time.monotonic() - start < 2
    external = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')
    try:
        clean, _w, _h = sanitize(external)
    except Unavailable:
        return
    assert b"root:" not in clean


# ------------------------------------------------------------------------------ the store

def test_store_variants_are_made_once_per_target(tmp_path):
    calls = []

    def make(resource: Resource, target: str) -> Resource:
        calls.append(target)
        return Resource(resource.id + "-" + target, resource.path, resource.media_type, 1, 1)

    store = ResourceStore(make_variant=make)
    store.add(Resource("img-a.png", tmp_path / "a.png", "image/png", 1, 1, "https://x.example/a.png"))
    view = store.view("docx")
    assert view.get("img-a.png").id == "img-a.png-docx"
    assert view.get("img-a.png").id == "img-a.png-docx"
    assert store.for_target("img-a.png", "epub").id == "img-a.png-epub"
    assert calls == ["docx", "epub"]
    assert view.get("nope") is None and view.source("img-a.png") == "https://x.example/a.png"
    assert view.source("https://y.example/b.png") == "https://y.example/b.png"
    assert store.source("data:image/png;base64," + "A" * 10_000) == "data:image/png;base64,…"


# ------------------------------------------------------------------------------ remote + cache

def _routes() -> dict[str, Route]:
    return {
        "/a.png": Route(imagefiles.png(), headers={"Content-Type": "image/png"}),
        "/same-bytes.png": Route(imagefiles.png(), headers={"Content-Type": "image/png"}),
        "/fake.jpg": Route(imagefiles.HTML_AS_JPEG, headers={"Content-Type": "image/jpeg"}),
        "/bomb.png": Route(imagefiles.png_bomb(), headers={"Content-Type": "image/png"}),
        "/photo.webp": Route(imagefiles.encoded("WEBP", (2400, 1200)), headers={"Content-Type": "image/webp"}),
    }


@pytest.fixture(scope="module")
def server():
    with Server(_routes()) as srv:
        yield srv


def remote_options(server: Server, **extra) -> dict:
    return dict(fetch=FetchOptions(allow_hosts=(f"127.0.0.1:{server.port}",), timeout=3, connect_timeout=1), **extra)


def test_remote_images_are_cached_and_deduplicated(server, tmp_path):
    post = tmp_path / "p.md"
    cache = tmp_path / "cache"
    with resolver_for((tmp_path,), cache, **remote_options(server)) as r:
        a = r.resolve(server.url("/a.png"), post, "https://blog.example/p")
        same = r.resolve(server.url("/same-bytes.png"), post)
        assert a.id == same.id and len(r.store) == 1
        assert a.source == server.url("/a.png")
        webp = r.resolve(server.url("/photo.webp"), post)
        docx = r.store.for_target(webp.id, "docx")
        assert docx.media_type == "image/jpeg" and (docx.width, docx.height) == (1600, 800)
        assert r.stats.fetched == 3
    before = len(server.requests)
    with resolver_for((tmp_path,), cache, **remote_options(server)) as r:
        assert r.resolve(server.url("/a.png"), post).id == a.id
        assert r.store.for_target(r.resolve(server.url("/photo.webp"), post).id, "docx").path == docx.path
        assert r.stats.cached == 2 and r.stats.fetched == 0
    with resolver_for((tmp_path,), cache, offline=True) as r:
        assert r.resolve(server.url("/a.png"), post).id == a.id
        assert "offline" in str(_refused(r, server.url("/never-fetched.png"), post))
    assert len(server.requests) == before


def test_failures_are_cached_for_a_while(server, tmp_path):
    post = tmp_path / "p.md"
    cache = tmp_path / "cache"
    url = server.url("/missing.png")
    with resolver_for((tmp_path,), cache, **remote_options(server)) as r:
        assert "404" in str(_refused(r, url, post))
    hits = server.hits["/missing.png"]
    with resolver_for((tmp_path,), cache, **remote_options(server)) as r:
        assert "remembered" in str(_refused(r, url, post))
    assert server.hits["/missing.png"] == hits
    with resolver_for((tmp_path,), cache, failure_ttl=0.0, **remote_options(server)) as r:
        assert "404" in str(_refused(r, url, post))
    assert server.hits["/missing.png"] == hits + 1


def test_hostile_downloads_become_reasons(server, tmp_path):
    post = tmp_path / "p.md"
    with resolver_for((tmp_path,), tmp_path / "cache", **remote_options(server)) as r:
        fake = _refused(r, server.url("/fake.jpg"), post)
        assert fake.kind == "not-image" and "served as image/jpeg" in str(fake)
        assert _refused(r, server.url("/bomb.png"), post).kind == "too-large"
        assert not list((tmp_path / "cache" / "objects").rglob("*.jpg"))


def test_remote_off_and_default_refusal(server, tmp_path):
    post = tmp_path / "p.md"
    before = len(server.requests)
    with resolver_for((tmp_path,), tmp_path / "c1", fetch_images=False) as r:
        assert "not fetched" in str(_refused(r, server.url("/a.png"), post))
    with resolver_for((tmp_path,), tmp_path / "c2") as r:  # loopback not allowed
        assert "loopback" in str(_refused(r, server.url("/a.png"), post))
    assert len(server.requests) == before


def test_prefetch_then_resolve_images_warns_per_post(server, tmp_path):
    post = tmp_path / "p.md"
    doc = Document(Meta(title="t", source_path=str(post), source_url="https://blog.example/p"), (
        Paragraph((Text("x"), ImageNode(server.url("/a.png"), "A"))),
        Figure(ImageNode(server.url("/gone.png"), "gone"), (Text("cap"),)),
    ))
    with resolver_for((tmp_path,), tmp_path / "cache", **remote_options(server)) as r:
        r.prefetch([ImageRequest(server.url("/a.png"), post, "https://blog.example/p"),
                    ImageRequest(server.url("/gone.png"), post), ImageRequest("http://[::1", post),
                    ImageRequest("https://bad host/x.png", post)])
        assert "malformed" in str(_refused(r, "http://[::1", post))
        assert "malformed" in str(_refused(r, "https://bad host/x.png", post))
        requests = len(server.requests)
        diag = Diagnostics(str(post))
        out = resolve_images(doc, r, diag)
        assert len(server.requests) == requests  # everything was fetched up front
        assert out.blocks[0].content[1].src.startswith("img-")
        assert out.blocks[1].image.src == server.url("/gone.png")
        assert [(d.code, d.path) for d in diag] == [("image-unavailable", str(post))]
        assert "404" in diag.items[0].message
        assert r.stats.placeholders == 1
    referers = [h.get("referer") for p, h in server.requests if p == "/a.png"]
    assert "https://blog.example/p" in referers


def test_reader_hands_data_and_refused_images_to_the_resolver(tmp_path):
    import base64

    from converter.readers.html import read_html

    data_uri = "data:image/png;base64," + base64.b64encode(imagefiles.png((11, 7))).decode()
    diag = Diagnostics()
    blocks = read_html(f'<p>a<img src="{data_uri}" alt="内联"/> <img src="file:///etc/passwd"/>'
                       '<img src=" javascript:alert(1)\n" alt="j"/></p>', diag=diag)
    images = [n for n in blocks[0].content if isinstance(n, ImageNode)]
    # Refused sources stay in the model: the resolver refuses them with a reason, and the
    # writers draw the placeholder every unavailable image gets.
    assert [i.src for i in images] == [data_uri, "file:///etc/passwd", "javascript:alert(1)"]
    assert not diag.items
    with resolver_for((tmp_path,), tmp_path / "cache") as r:
        resource = r.resolve(data_uri, tmp_path / "p.md")
        assert (resource.width, resource.height) == (11, 7) and r.stats.local == 1
        doc = Document(Meta(title="t", source_path=str(tmp_path / "p.md")), blocks)
        resolved = resolve_images(doc, r, diag)
        assert [d.message for d in diag] == ["file:///etc/passwd: 'file:' URLs are not allowed",
                                             "javascript:alert(1): 'javascript:' URLs are not allowed"]
        view = r.store.view("epub")
        kept = [n.src for n in resolved.blocks[0].content if isinstance(n, ImageNode)]
        assert [view.get(src) is None for src in kept] == [False, True, True]
        assert [view.reason(src) for src in kept] == ["", "'file:' URLs are not allowed",
                                                      "'javascript:' URLs are not allowed"]


def test_a_surprise_in_a_decoder_costs_one_image_not_the_build(tmp_path, monkeypatch):
    from converter.resources import resolver as resolver_module

    def broken_sniff(data, max_pixels):
        raise IndexError("tile index out of range")

    (tmp_path / "a.png").write_bytes(imagefiles.png())
    monkeypatch.setattr(resolver_module, "sniff", broken_sniff)
    with resolver_for((tmp_path,), tmp_path / "cache") as r:
        error = _refused(r, "a.png", tmp_path / "p.md")
        assert "internal error" in str(error) and "IndexError" in str(error)


def test_resource_settings_become_resource_options(tmp_path):
    from converter.config import BookConfig, build_options, check

    given = dict(site_roots=(str(tmp_path),), fetch_images=True, offline=False, cache_dir=str(tmp_path / "c"),
                 retry_failed=False, fetch_timeout=3.0, allow_hosts=("127.0.0.1:8080",), max_image_px=800,
                 image_quality=70, grayscale=True, keep_webp=True)

    def options(**changes):
        return build_options(check(BookConfig(**{**given, **changes}), None)).resources

    from converter.resources.resolver import remote_mode

    resources = options()
    assert remote_mode(resources) == "fetch" and resources.cache_dir == (tmp_path / "c").resolve()
    assert resources.site_roots == (tmp_path.resolve(),) and not resources.retry_failed
    assert (resources.fetch.timeout, resources.fetch.allow_hosts) == (3.0, ("127.0.0.1:8080",))
    assert resources.images == ImageOptions(max_side=800, quality=70, grayscale=True, keep_webp=True)
    assert remote_mode(options(offline=True)) == "cache"
    assert remote_mode(options(offline=True, fetch_images=False)) == "off"
    assert options(retry_failed=True).retry_failed
    with pytest.raises(ConfigError, match="--site-root"):
        options(site_roots=(str(tmp_path / "missing"),))


def test_an_image_one_format_cannot_show_is_a_placeholder_there_only(tmp_path, monkeypatch):
    from converter.resources import svg

    monkeypatch.setattr(svg, "_cairosvg", lambda: None)  # as on a machine without cairo
    (tmp_path / "d.svg").write_bytes(imagefiles.evil_svg("http://tracker.example/t"))
    post = tmp_path / "p.md"
    doc = Document(Meta(title="t", source_path=str(post)), (Figure(ImageNode("d.svg", "图"), ()),))
    with resolver_for((tmp_path,), tmp_path / "cache") as r:
        diag = Diagnostics(str(post))
        out = resolve_images(doc, r, diag)
        rid = out.blocks[0].image.src
        assert r.store.view("epub").get(rid).media_type == "image/svg+xml"
        assert r.store.view("pdf").get(rid) is not None
        assert r.store.view("docx").get(rid) is None
        assert r.store.view("docx").source(rid) == "d.svg"  # what the DOCX placeholder shows
        assert [d.message for d in diag] == ["d.svg: placeholder in DOCX: SVG cannot be converted here "
                                             "(cairosvg or the cairo library is missing)"]
