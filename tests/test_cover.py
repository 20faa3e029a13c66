"""Generated covers: size, the CJK face of the book's language, missing glyphs, determinism."""

from __future__ import annotations

import io

from PIL import Image

from converter.assemble.cover import balanced, choose_face, render_cover, wrap
from converter.core.diagnostics import Diagnostics
from converter.core.model import BookMeta

class Mono:
    """A font whose every character is one unit wide."""

    @staticmethod
    def getlength(text):
        return len(text)


COLORS = dict(background="#1f2a3c", foreground="#f4efe4", accent="#c8a45a")


def test_faces_follow_the_language():
    face, missing = choose_face(["标题"], "zh-Hans", "serif", bold=True)
    assert face.family == "Noto Serif CJK SC" and face.path.suffix == ".ttc" and face.weight == 700 and not missing
    assert choose_face(["標題"], "zh-Hant", "sans", bold=False)[0].family == "Noto Sans CJK TC"
    assert choose_face(["Title"], "en", "serif", bold=False)[0].family == "Noto Serif"
    # An English book with a Chinese title falls through to a face that has the characters.
    assert "CJK" in choose_face(["博客 Blog"], "en", "serif", bold=True)[0].family
    assert choose_face(["x🎉"], "en", "serif", bold=True)[1] == {ord("🎉")}


def test_cover_is_a_1600x2560_png_drawn_in_the_text_colour():
    meta = BookMeta(title="博客 · 2019", series="博客", volume="2019", lang="zh-Hans", authors=("林小雨",),
                    coverage="2019-01-03/2019-12-30")
    png = render_cover(meta, **COLORS)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1600, 2560)
    colours = {c for _, c in image.getcolors(1 << 20)}
    assert (0x1F, 0x2A, 0x3C) in colours and (0xF4, 0xEF, 0xE4) in colours and (0xC8, 0xA4, 0x5A) in colours
    # Nothing is drawn where a PDF page may crop the cover (top and bottom 12%).
    for band in ((0, 0, 1600, 300), (0, 2260, 1600, 2560)):
        assert image.crop(band).getcolors() == [(1600 * 300, (0x1F, 0x2A, 0x3C))]
    assert render_cover(meta, **COLORS) == png


def test_missing_glyphs_are_left_out_with_a_warning():
    diag = Diagnostics()
    render_cover(BookMeta(title="Notes 🎉", lang="en"), diag=diag, **COLORS)
    assert [d.code for d in diag] == ["cover-glyphs"] and "🎉" in diag.items[0].message


def test_wrapping_keeps_closing_punctuation_off_line_starts():
    lines = wrap("一二三四，五六七八。九", Mono, 4)
    assert all(not line.startswith(("，", "。")) for line in lines)
    assert "".join(lines) == "一二三四，五六七八。九"
    assert wrap("Plain text is forever", Mono, 10) == ["Plain text", "is forever"]


def test_balanced_lines():
    assert wrap("一二三四五六七", Mono, 6) == ["一二三四五六", "七"]
    assert balanced("一二三四五六七", Mono, 6) == ["一二三四", "五六七"]


def test_without_fontconfig_the_cover_is_still_drawn(monkeypatch):
    monkeypatch.setattr("converter.assemble.cover.find_face", lambda family, bold: None)
    diag = Diagnostics()
    png = render_cover(BookMeta(title="Plain Text", lang="en", authors=("Sam",)), diag=diag, **COLORS)
    assert [d.code for d in diag] == ["cover-font"]
    assert len(Image.open(io.BytesIO(png)).getcolors(1 << 20)) > 2  # text was drawn
