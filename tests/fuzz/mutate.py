"""Mutations of real posts: the ways a scraped or copied file goes wrong.

Each mutation takes the post's bytes and a random source and returns new bytes: cut at a
random byte, tags dropped or duplicated, random bytes and NULs inserted, front matter
broken, encodings mixed, hostile snippets slipped in. :func:`mutate` applies one to three
of them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

_TAG_RE = re.compile(rb"<[^<>]{0,200}>")
SNIPPETS = (
    b"<script>alert('fuzz')</script>", b'<img src=x onerror="alert(1)">', b'<a href="javascript:alert(2)">js</a>',
    b'<iframe src="http://127.0.0.1:9/frame"></iframe>', b"<object data=x.swf></object>", b"<embed src=x.swf>",
    b'<img src="file:///etc/passwd" alt="file">', b'<img src="../../../../../etc/passwd">', b"\xe2\x80\xae",
    b'<svg onload="alert(3)"><script>alert(4)</script></svg>', b'<base href="http://127.0.0.1:9/">',
    b'<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">', b"<style>@import url(x.css)</style>",
    b"<div>" * 300, b"</div>" * 300, b"<table><tr>" + b"<td>c" * 300, b"x" * 20_000, b"[" * 500, b"*a " * 500,
    b"{% raw %}" * 50, b"{{< shortcode >}}", b"$$\n" * 20, b"<!--", b"]]>", b"<![CDATA[", b"&#0;&#xD800;&#x110000;",
    b"\x00\x01\x02\x7f", b"\xef\xbb\xbf", b"\r\n\r", b"\t" * 10, b"---\n", b"+++\n", b"<ruby>\xe6\xbc\xa2<rt>",
    b"![x](data:image/png;base64,AAAA)", b"<math><mi>x</mi></math>", b"<details><summary>s</summary>d</details>",
    b"<sup><a href=\"#fn1\">1</a></sup><ol><li id=\"fn1\">note<sup><a href=\"#fn1\">1</a></sup></li></ol>",
)
BAD_FRONT_MATTER = (
    b"title: [unclosed\n", b"title:\t\"tab\"\n", b"date: 99999-99-99\n", b"date: 0001-01-01\n", b"tags: {a: b}\n",
    b"title: 12345\n", b"authors: [[[]]]\n", b"lang: \"\xe2\x80\xaezz\"\n", b"draft: maybe\n", b"title: null\n",
    b"source: javascript:alert(1)\n", b"categories: !!python/object:os.system ls\n", b"&a [*a]\n", b"title: &x *x\n",
    b"date: 2020-13-45T99:99:99\n", b"--- \n---\n", b"title: \"\\ud800\"\n", b"? complex\n: key\n",
)


def _cut(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


def _drop_tags(data: bytes, rng: random.Random) -> bytes:
    tags = list(_TAG_RE.finditer(data))
    if not tags:
        return data
    dropped = {m.start() for m in rng.sample(tags, max(1, len(tags) * rng.randint(1, 50) // 100))}
    out, last = [], 0
    for m in tags:
        if m.start() in dropped:
            out.append(data[last:m.start()])
            last = m.end()
    out.append(data[last:])
    return b"".join(out)


def _duplicate_tags(data: bytes, rng: random.Random) -> bytes:
    tags = list(_TAG_RE.finditer(data))
    if not tags:
        return data
    out, last = [], 0
    for m in sorted(rng.sample(tags, min(len(tags), rng.randint(1, 20))), key=lambda m: m.start()):
        out.append(data[last:m.end()])
        out.append(m.group() * rng.choice((1, 2, 5, 50)))
        last = m.end()
    out.append(data[last:])
    return b"".join(out)


def _random_bytes(data: bytes, rng: random.Random) -> bytes:
    """Random characters (controls, NULs, any plane) inserted; now and then raw bytes that
    are not UTF-8 at all."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        at = rng.randrange(len(out) + 1)
        roll = rng.random()
        if roll < 0.01:
            insert = rng.randbytes(rng.randint(1, 16))
        elif roll < 0.02:
            insert = b"\x00"
        else:
            insert = "".join(chr(rng.choice((rng.randrange(0x20), rng.randrange(0x80, 0x2000),
                                             rng.randrange(0x2000, 0xD800), rng.randrange(0xE000, 0x110000))))
                             for _ in range(rng.randint(1, 8))).encode("utf-8")
        out[at:at] = insert
    return bytes(out)


def _flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _break_front_matter(data: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(5)
    if choice == 0:  # the closing line gone
        return data.replace(b"\n---\n", b"\n", 1) if data.startswith(b"---") else b"---\n" + data
    if choice == 1:  # a bad line inside
        end = data.find(b"\n", 4)
        return data[:end + 1] + rng.choice(BAD_FRONT_MATTER) + data[end + 1:] if end > 0 else data
    if choice == 2:  # TOML or JSON where YAML was
        return data.replace(b"---", rng.choice((b"+++", b"{", b"}")), 2)
    if choice == 3:  # front matter twice
        end = data.find(b"\n---", 3)
        return data[:end + 4] + data if end > 0 else data
    return rng.choice(BAD_FRONT_MATTER) + data  # no opening line


def _mix_encodings(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    if not text:
        return data
    start = rng.randrange(len(text))
    end = min(len(text), start + rng.randint(1, 2000))
    encoding = rng.choice(("gb18030", "big5", "shift_jis", "euc-kr", "utf-16-le", "latin-1", "cp1252"))
    middle = text[start:end].encode(encoding, errors="replace")
    head = text[:start].encode("utf-8")
    if rng.random() < 0.2:  # all of it in a legacy encoding, perhaps with a BOM
        return rng.choice((b"", b"\xef\xbb\xbf", b"\xff\xfe")) + text.encode(encoding, errors="replace")
    return head + middle + text[end:].encode("utf-8")


def _insert_snippet(data: bytes, rng: random.Random) -> bytes:
    out = data
    for _ in range(rng.randint(1, 5)):
        at = rng.randrange(len(out) + 1)
        out = out[:at] + rng.choice(SNIPPETS) + out[at:]
    return out


def _swap_syntax(data: bytes, rng: random.Random) -> bytes:
    """HTML written as Markdown and the other way round (indentation turns HTML into code)."""
    if rng.random() < 0.5:
        return re.sub(rb"\n(?=<)", b"\n    ", data)
    return data.replace(b"<p>", b"\n\n# ").replace(b"</p>", b"\n\n* ")


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "cut": _cut, "drop-tags": _drop_tags, "duplicate-tags": _duplicate_tags, "random-bytes": _random_bytes,
    "flip-bytes": _flip_bytes, "front-matter": _break_front_matter, "encodings": _mix_encodings,
    "snippets": _insert_snippet, "syntax": _swap_syntax,
}


# How often each is picked: the ones that make a file undecodable (flipped bytes, legacy
# encodings) end at the first stage, so they are picked less.
WEIGHTS = {"cut": 2, "drop-tags": 2, "duplicate-tags": 2, "random-bytes": 1.5, "flip-bytes": 0.3,
           "front-matter": 1.5, "encodings": 0.5, "snippets": 2, "syntax": 1}


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, tuple[str, ...]]:
    """``data`` with one to three mutations applied; and their names."""
    names = tuple(rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()), k=rng.randint(1, 3)))
    for name in names:
        data = MUTATIONS[name](data, rng)
    return data, names
