"""Fuzz posts, reproducibly from a seed: mutated dev posts (when the dev corpus is there),
posts written from a grammar of everything a post holds, and posts with hostile snippets
and images. A batch is a folder of posts plus the images they name."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

from PIL import Image

from .mutate import SNIPPETS, mutate
from .svgsoup import random_svg

WORDS = ("中文", "汉字", "標點符號", "香港", "日本語", "ひらがな", "カタカナ", "한국어", "문장", "English", "words",
         "typography", "“引号”", "「括号」", "——", "……", "，", "。", "！", "？", "（注）", "3～5", "2024年", "😀",
         "\u202e", "\u200b", "&amp;", "&lt;", "&#x4E2D;", "e\u0301", "\ufffd")
IMAGES = ("img/a.png", "img/b.jpg", "img/c.gif", "img/d.webp", "img/e.svg", "img/f.svg", "img/broken.png",
          "img/text.png", "img/missing.png", "../outside.png", "file:///etc/passwd", "https://example.invalid/x.png",
          "data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)", "img/g.svg")


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) + rng.choice(("", "", " ")) for _ in range(rng.randint(1, n)))


def _inline_md(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(9)
        text = _text(rng, 6)
        parts.append((text, f"*{text}*", f"**{text}**", f"~~{text}~~", f"`{text}`", f"[{text}](https://example.org/{rng.randrange(99)})",
                      f"![{text}]({rng.choice(IMAGES)})", f"{text}[^{rng.randint(1, 3)}]", f"{{{text}|かな}}")[kind])
    return " ".join(parts)


def _blocks_md(rng: random.Random, depth: int = 0) -> str:
    out = []
    for _ in range(rng.randint(1, 12 if depth == 0 else 3)):
        kind = rng.randrange(10)
        if kind == 0:
            out.append("#" * rng.randint(1, 6) + " " + _text(rng, 4))
        elif kind == 1 and depth < 4:
            out.append("\n".join("> " + line for line in _blocks_md(rng, depth + 1).split("\n")))
        elif kind == 2 and depth < 4:
            marker = rng.choice(("-", "*", "1."))
            out.append("\n".join(f"{marker} " + _inline_md(rng) for _ in range(rng.randint(1, 4))))
        elif kind == 3:
            cols = rng.randint(1, 6)
            rows = ["| " + " | ".join(_text(rng, 2) for _ in range(cols)) + " |" for _ in range(rng.randint(1, 5))]
            out.append("\n".join([rows[0], "|" + "---|" * cols, *rows[1:]]))
        elif kind == 4:
            out.append("```" + rng.choice(("", "python", "js")) + "\n" + _text(rng, 10) + "\n```")
        elif kind == 5:
            out.append("\n".join(f"[^{i}]: {_text(rng, 5)}" for i in range(1, rng.randint(1, 4))))
        elif kind == 6:
            out.append(rng.choice(SNIPPETS).decode("utf-8", errors="replace"))
        elif kind == 7:
            out.append(f"<figure><img src=\"{rng.choice(IMAGES)}\" alt=\"{_text(rng, 2)}\"><figcaption>"
                       f"{_text(rng, 4)}</figcaption></figure>")
        else:
            out.append(_inline_md(rng))
    return "\n\n".join(out)


def _front_matter(rng: random.Random, index: int) -> str:
    fields = {"title": f"{_text(rng, 3)} {index}"}
    if rng.random() < 0.8:
        fields["date"] = f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if rng.random() < 0.5:
        fields["tags"] = [_text(rng, 1) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.3:
        fields["lang"] = rng.choice(("zh-Hans", "zh-Hant", "ja", "ko", "en", "xx-invalid", ""))
    if rng.random() < 0.2:
        fields["source"] = rng.choice(("https://example.org/p", "javascript:alert(1)", "file:///etc/passwd"))
    style = rng.randrange(3)
    if style == 0:
        return "---\n" + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in fields.items()) + "---\n"
    if style == 1:
        return "+++\n" + "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in fields.items()) + "+++\n"
    return json.dumps(fields, ensure_ascii=False) + "\n"


def synthetic_post(rng: random.Random, index: int) -> tuple[str, bytes]:
    """A post written from the grammar: (file name, bytes)."""
    body = _blocks_md(rng)
    if rng.random() < 0.3:
        from converter.readers.markdown import markdown_to_html

        return f"{index:05d}-synthetic.html", (_front_matter(rng, index) + markdown_to_html(body)).encode("utf-8")
    return f"{index:05d}-synthetic.md", (_front_matter(rng, index) + body + "\n").encode("utf-8")


def _encoded(fmt: str, size, color, **params) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **params)
    return out.getvalue()


def write_images(folder: Path, rng: random.Random) -> None:
    """The images fuzz posts name (a few formats, two random SVGs, broken files)."""
    img = folder / "img"
    img.mkdir(parents=True, exist_ok=True)
    (img / "a.png").write_bytes(_encoded("PNG", (40, 30), (200, 30, 30)))
    (img / "b.jpg").write_bytes(_encoded("JPEG", (64, 48), (20, 120, 220)))
    (img / "c.gif").write_bytes(_encoded("GIF", (30, 20), (0, 200, 0)))
    (img / "d.webp").write_bytes(_encoded("WEBP", (50, 25), (90, 90, 0)))
    for name in ("e.svg", "f.svg", "g.svg"):
        (img / name).write_bytes(random_svg(rng))
    (img / "broken.png").write_bytes(_encoded("PNG", (40, 30), (1, 2, 3))[:60])
    (img / "text.png").write_bytes(b"<html>not an image</html>")
    (folder.parent / "outside.png").write_bytes(_encoded("PNG", (9, 9), (9, 9, 9)))


def dev_posts(corpus: Path | None) -> list[Path]:
    if corpus is None or not corpus.is_dir():
        return []
    return sorted(p for p in corpus.iterdir() if p.suffix in (".md", ".html"))


def write_batch(folder: Path, seed: int, count: int, first: int, corpus_posts: list[Path]) -> dict[str, str]:
    """``count`` posts numbered from ``first`` into ``folder`` (with the images they name),
    from ``seed``; returns each file's origin (the mutations, or ``synthetic``)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    write_images(folder, rng)
    origins: dict[str, str] = {}
    for index in range(first, first + count):
        roll = rng.random()
        if corpus_posts and roll < 0.65:
            source = rng.choice(corpus_posts)
            data, names = mutate(source.read_bytes(), rng)
            name = f"{index:05d}-mutated{source.suffix}"
            origins[name] = f"{source.name}: {'+'.join(names)}"
        elif roll < 0.95 or not corpus_posts:
            name, data = synthetic_post(rng, index)
            if rng.random() < 0.3:
                data, names = mutate(data, rng)
                origins[name] = "synthetic: " + "+".join(names)
            else:
                origins[name] = "synthetic"
        else:
            name = f"{index:05d}-svg.md"
            data = ("---\ntitle: svg " + str(index) + "\n---\n" + "\n\n".join(
                f"![svg](img/{n})" for n in ("e.svg", "f.svg", "g.svg"))).encode()
            origins[name] = "svg"
        (folder / name).write_bytes(data)
    return origins
