"""Image files for the resource tests, made in memory: every format a post may name, and
the hostile ones (a decompression bomb, an SVG with a script, HTML posing as a JPEG)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

# A 20000 x 20000 picture would be 400 megapixels; as a 1-bit PNG of zeros it is ~50 KB.
BOMB_SIDE = 20000


def encoded(fmt: str, size=(40, 30), color=(200, 30, 30), mode="RGB", **params) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **params)
    return out.getvalue()


def png(size=(40, 30), color=(200, 30, 30)) -> bytes:
    return encoded("PNG", size, color)


def jpeg_with_exif(size=(64, 48)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x9286] = "PRIVATE-EXIF-NOTE"  # UserComment
    return encoded("JPEG", size, (20, 120, 220), exif=exif.tobytes())


def animated_gif(size=(30, 20)) -> bytes:
    frames = [Image.new("RGB", size, color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def png_with_text(size, marker: str) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", marker)
    return encoded("PNG", size, (1, 2, 3), pnginfo=info)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = BOMB_SIDE) -> bytes:
    """A valid 1-bit grayscale PNG of ``side`` x ``side`` zeros, compressed to a few KB."""
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def evil_svg(tracker_url: str) -> bytes:
    """An SVG with a script, an event handler, an external image and stylesheet, an
    animation that rewrites a link, and a harmless drawing."""
    return f"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="60"
     onload="alert('svg-onload')">
  <style>@import url({tracker_url}?css-import); rect {{ fill: url({tracker_url}?css-url); }}</style>
  <script>alert("svg-script")</script>
  <rect id="box" x="10" y="10" width="100" height="40" fill="#3366cc"/>
  <image xlink:href="{tracker_url}?image" width="10" height="10"/>
  <use href="{tracker_url}?use#x"/>
  <a href="javascript:alert('svg-link')"><text x="20" y="35">hi</text>
    <set attributeName="href" to="javascript:alert('svg-set')"/></a>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">svg-foreign</div></foreignObject>
</svg>""".encode()


HTML_AS_JPEG = b"<!DOCTYPE html><html><body><h1>Access denied</h1></body></html>"
