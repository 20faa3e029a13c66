"""Deterministic ZIP packages (EPUB, DOCX): the same entries in the same order with a fixed
timestamp, so the same book gives byte-identical files.

ebooklib and pandoc stamp entries with the current time; the writers rewrite their
packages through :func:`rewrite_zip`, optionally changing entries on the way.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can hold


def zip_time(iso: str) -> tuple[int, int, int, int, int, int]:
    """A ZIP timestamp from an ISO date or date-time ('' or unparsable: 1980-01-01)."""
    try:
        parsed = dt.datetime.fromisoformat(iso[:19]) if iso else None
    except ValueError:
        parsed = None
    if parsed is None or not 1980 <= parsed.year <= 2107:  # what a ZIP timestamp can hold
        return ZIP_EPOCH
    return (parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute, parsed.second)


def rezipped(path: Path, date_time: tuple[int, ...] = ZIP_EPOCH,
             change: Callable[[str, bytes], bytes] | None = None, stored: tuple[str, ...] = ()) -> bytes:
    """The ZIP file at ``path`` written again: entries in their order, each stamped
    ``date_time`` with plain file permissions, deflated except the names in ``stored``
    (EPUB's ``mimetype`` must be stored, and first); ``change(name, data)`` may replace an
    entry's bytes."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    if change is not None:
        entries = [(name, change(name, data)) for name, data in entries]
    return zipped(entries, date_time, stored)


def zipped(entries: list[tuple[str, bytes]], date_time: tuple[int, ...] = ZIP_EPOCH,
           stored: tuple[str, ...] = ()) -> bytes:
    """A deterministic ZIP of ``entries`` (name, bytes) in their order: each stamped
    ``date_time`` with plain file permissions, deflated except the names in ``stored``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in entries:
            entry = zipfile.ZipInfo(name, date_time)  # type: ignore[arg-type]
            entry.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3  # Unix, whatever machine wrote it
            dst.writestr(entry, data)
    return out.getvalue()


def rewrite_zip(path: Path, date_time: tuple[int, ...] = ZIP_EPOCH,
                change: Callable[[str, bytes], bytes] | None = None, stored: tuple[str, ...] = ()) -> None:
    """:func:`rezipped`, in place."""
    path.write_bytes(rezipped(path, date_time, change, stored))
