"""Read a post's bytes and decode them to text, refusing what is not a text post."""

from __future__ import annotations

import re
from pathlib import Path

from ..core.errors import SourceError

MAX_POST_BYTES = 32 * 1024 * 1024
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# Characters XML 1.0 forbids (EPUB and DOCX are XML): C0 controls but tab, LF and CR;
# U+FFFE/U+FFFF; lone surrogates (only possible from a broken decoder). C1 controls are
# legal XML but never meant in text; they are removed too.
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


class TruncatedText(str):
    """Text of a file that ended in the middle of a character (the partial one dropped)."""


def read_text(path: Path) -> str:
    """Return the file's text with newlines normalized to LF.

    UTF-8 with or without BOM (and UTF-16 with BOM) is accepted. Anything else is a
    :class:`SourceError` that names the file and, where the bytes decode as a common legacy
    CJK encoding, says which one and how to convert.
    """
    try:
        size = path.stat().st_size
        if size > MAX_POST_BYTES:
            raise SourceError(f"file is {size} bytes, over the {MAX_POST_BYTES} byte limit for a post", path=path)
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", path=path) from exc
    if not data.strip():
        raise SourceError("file is empty", path=path)
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom):], name
            break
    if encoding == "utf-8" and b"\x00" in data[:8192]:
        raise SourceError("file is binary (it contains NUL bytes), not a text post", path=path)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            # A file cut short in the middle of its last character (an interrupted copy or
            # download): the text before it is read, and the caller is told.
            return TruncatedText(data[:exc.start].decode(encoding).replace("\r\n", "\n").replace("\r", "\n"))
        hint = "convert it to UTF-8"
        for legacy in ("gb18030", "big5", "shift_jis", "euc-kr"):
            try:
                data.decode(legacy)
            except UnicodeDecodeError:
                continue
            hint = f"it looks like {legacy.upper()}; convert it with: iconv -f {legacy.upper()} -t UTF-8"
            break
        raise SourceError(f"file is not valid UTF-8 (bad byte at offset {exc.start})", path=path,
                          hint=hint) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_xml_invalid(text: str) -> tuple[str, int]:
    """Remove characters that cannot appear in XML; return the text and how many went."""
    cleaned, count = XML_INVALID_RE.subn("", text)
    return cleaned, count
