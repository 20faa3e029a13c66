"""Image files: what they really are (sniffed, not guessed), and the variant each output
format can show.

Sniffing trusts neither the file name nor the Content-Type: Pillow (restricted to the
raster formats below) or the SVG sanitizer must recognize the bytes, and the pixel count is
checked before anything is decoded. A variant is the image as a target needs it: formats
the target cannot show converted (WebP, AVIF, HEIC, BMP, TIFF → JPEG for photographs, PNG
for the rest), animated GIFs reduced to their first frame where nothing animates, SVG
rasterized where it cannot be embedded, large images scaled down, metadata (EXIF, XMP,
comments) dropped, optionally grayscale. An image a target can show as it is, with no
metadata, is used unchanged.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass, replace

from PIL import Image as PILImage
from PIL import ImageFile, ImageOps, UnidentifiedImageError

from ..core.options import ImageOptions
from . import svg
from .cache import Cache
from .store import Resource, Unavailable

try:  # HEIC/HEIF photographs (phones); the plugin registers itself with Pillow
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - a dependency; without it HEIC is "not an image"
    register_heif_opener = None
if register_heif_opener is not None:
    register_heif_opener()

# DESIGN §9: Pillow's decompression-bomb guard is an error, never a warning on stderr.
warnings.simplefilter("error", PILImage.DecompressionBombWarning)

VARIANT_VERSION = "1"  # part of every variant key: bump when conversions change
# Only these Pillow plugins may open a file a post names: no EPS (it runs Ghostscript), no
# exotic decoders. (JPEG opens multi-picture MPO files from cameras too.)
OPENABLE = ("JPEG", "PNG", "GIF", "WEBP", "AVIF", "BMP", "TIFF") + (("HEIF",) if register_heif_opener else ())
_MEDIA = {"JPEG": ("image/jpeg", "jpg"), "MPO": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"),
          "GIF": ("image/gif", "gif"), "WEBP": ("image/webp", "webp"), "AVIF": ("image/avif", "avif"),
          "BMP": ("image/bmp", "bmp"), "TIFF": ("image/tiff", "tiff"), "HEIF": ("image/heic", "heic")}
SVG_MEDIA = "image/svg+xml"
LOSSY = frozenset({"JPEG", "MPO", "WEBP", "AVIF", "HEIF"})
# Info keys that carry no personal metadata; anything else (exif, xmp, comment, PNG text
# chunks, IPTC/Photoshop blocks, MPO extras) means the file is re-encoded without it.
_BENIGN_INFO = frozenset({"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive",
                          "progression", "adobe", "adobe_transform", "icc_profile", "gamma", "srgb",
                          "transparency", "chromaticity", "interlace", "aspect", "version", "background",
                          "duration", "loop", "extension", "optimize"})
_SHOWN_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA"})


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What a file really is. For SVG, ``data`` is the sanitized document."""

    data: bytes
    media_type: str
    ext: str
    width: int
    height: int


def sniff(data: bytes, max_pixels: int) -> Sniffed:
    """Recognize ``data`` as an image and check it decodes; raises :class:`Unavailable`."""
    if svg.looks_like_svg(data):
        clean, width, height = svg.sanitize(data)
        return Sniffed(clean, SVG_MEDIA, "svg", width, height)
    # WeasyPrint switches this on when it is imported, to draw what it can of broken web
    # images; every image it gets has been sniffed here, where a truncated file is refused.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with PILImage.open(io.BytesIO(data), formats=OPENABLE) as im:
            width, height = im.size
            if width * height > max_pixels:
                raise Unavailable(f"too many pixels ({width}x{height})", "too-large")
            fmt = im.format or ""
            im.load()  # a truncated or corrupt file fails here, not in a renderer
    except UnidentifiedImageError as exc:
        raise Unavailable("not an image", "not-image") from exc
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise Unavailable("too many pixels (decompression bomb)", "too-large") from exc
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise Unavailable(f"damaged image ({exc})", "not-image") from exc
    media_type, ext = _MEDIA[fmt]
    return Sniffed(data, media_type, ext, width, height)


@dataclass(frozen=True, slots=True)
class Target:
    """What an output format can show.

    ``formats``: Pillow formats embedded as they are; ``webp_on_request``: WebP too when
    ``ImageOptions.keep_webp``; ``animation``: animated GIFs stay animated; ``svg``: SVG is
    embedded (sanitized) rather than rasterized to PNG.
    """

    name: str
    formats: frozenset[str]
    animation: bool = False
    svg: bool = False
    webp_on_request: bool = False


_WEB = frozenset({"JPEG", "PNG", "GIF"})
TARGETS = {
    "epub": Target("epub", _WEB, animation=True, svg=True, webp_on_request=True),
    "html": Target("html", _WEB | {"WEBP"}, animation=True, svg=True),
    "pdf": Target("pdf", _WEB, svg=True),
    "docx": Target("docx", _WEB),
}
OTHER = Target("other", frozenset({"JPEG", "PNG"}))


def target_for(name: str, options: ImageOptions) -> Target:
    """The target of output format ``name`` under ``options``."""
    target = TARGETS.get(name, replace(OTHER, name=name))
    if target.webp_on_request and options.keep_webp:
        target = replace(target, formats=target.formats | {"WEBP"})
    return target


@dataclass(frozen=True, slots=True)
class Encoded:
    data: bytes
    media_type: str
    ext: str
    width: int
    height: int


def _has_alpha(im: PILImage.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info


def _encode(im: PILImage.Image, lossy_source: bool, options: ImageOptions, icc: bytes | None) -> Encoded:
    out = io.BytesIO()
    if lossy_source and not _has_alpha(im):
        im = im.convert("L" if im.mode in ("1", "L") else "RGB")
        im.save(out, "JPEG", quality=options.quality, optimize=True, icc_profile=icc)
        return Encoded(out.getvalue(), "image/jpeg", "jpg", *im.size)
    im.save(out, "PNG", icc_profile=icc)
    return Encoded(out.getvalue(), "image/png", "png", *im.size)


def convert(data: bytes, media_type: str, size: tuple[int, int], target: Target,
            options: ImageOptions) -> Encoded | None:
    """``data`` as ``target`` needs it, or ``None`` when it can be used unchanged."""
    if media_type == SVG_MEDIA:
        if target.svg:
            return None
        scale = min(1.0, options.max_side / max(size))
        width, height = max(1, round(size[0] * scale)), max(1, round(size[1] * scale))
        data = svg.rasterize(data, width, height)
        if not options.grayscale:
            return Encoded(data, "image/png", "png", width, height)
    try:
        with PILImage.open(io.BytesIO(data), formats=OPENABLE) as im:
            fmt = im.format or ""
            animated = bool(getattr(im, "is_animated", False))
            too_big = max(im.size) > options.max_side
            if (fmt in target.formats and not too_big and not options.grayscale and im.mode in _SHOWN_MODES
                    and set(im.info) <= _BENIGN_INFO and (target.animation or not animated)):
                return None
            im.seek(0)
            original_mode = im.mode
            icc = im.info.get("icc_profile")
            frame = ImageOps.exif_transpose(im)
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise Unavailable(f"image cannot be converted ({exc})", "unsupported") from exc
    alpha = _has_alpha(frame)
    if options.grayscale:
        frame = frame.convert("LA" if alpha else "L")
    elif frame.mode not in _SHOWN_MODES:  # CMYK, 16-bit, float: what every viewer shows
        frame = frame.convert("RGBA" if alpha else "RGB")
    if too_big:
        if frame.mode in ("1", "P"):  # resample in full colour, not between palette indexes
            frame = frame.convert("RGBA" if alpha else "RGB")
        frame.thumbnail((options.max_side, options.max_side), PILImage.Resampling.LANCZOS)
    # A colour profile describes the original channels; after a change of mode it would lie.
    keep_icc = icc if frame.mode == original_mode else None
    return _encode(frame, fmt in LOSSY, options, keep_icc)


class Variants:
    """Makes (once, through the cache) the variant of a resource for a target: the
    ``make_variant`` of a :class:`~converter.resources.store.ResourceStore`."""

    def __init__(self, options: ImageOptions, cache: Cache) -> None:
        self.options = options
        self.cache = cache

    def key(self, resource: Resource, target: Target) -> str:
        o = self.options
        spec = (f"{VARIANT_VERSION}|{resource.id}|{target.name}|{sorted(target.formats)}|{target.animation}|"
                f"{target.svg}|{o.max_side}|{o.quality}|{o.grayscale}")
        return hashlib.sha256(spec.encode()).hexdigest()

    def __call__(self, resource: Resource, target_name: str) -> Resource:
        target = target_for(target_name, self.options)
        key = self.key(resource, target)
        found = self.cache.variant(key)
        if found is not None:
            return _resource(found.path, found.media_type, found.width, found.height, resource.source)
        made = convert(resource.path.read_bytes(), resource.media_type, (resource.width, resource.height),
                       target, self.options)
        if made is None:  # deciding that again costs a header read: not worth an index row
            return resource
        digest, path = self.cache.put(made.data, made.ext)
        self.cache.remember_variant(key, digest, made.ext, made.media_type, made.width, made.height)
        return _resource(path, made.media_type, made.width, made.height, resource.source)


def resource_id(digest: str, ext: str) -> str:
    """The id of the image whose bytes have SHA-256 ``digest``."""
    return f"img-{digest[:20]}.{ext}"


def _resource(path, media_type: str, width: int, height: int, source: str) -> Resource:
    """A resource for a cache object (named ``<digest>.<ext>``)."""
    return Resource(resource_id(path.stem, path.suffix.lstrip(".")), path, media_type, width, height, source)
