"""The one exception hierarchy: every fatal problem names the file and what went wrong.

Degraded-but-usable results are not exceptions: they are diagnostics (see ``diagnostics.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

# Characters that would make a message more than one line, or make a terminal show it in
# another order than written (bidi controls in a crafted file name).
_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def printable(text: str) -> str:
    """``text`` on one line, with control and bidi characters shown as escapes (``\\u202e``)."""
    return _UNPRINTABLE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class ConverterError(Exception):
    """Base of every error the tool raises on purpose.

    ``path`` is the file the problem is about (shown first, like a compiler message);
    ``hint`` tells the user what to do about it.
    """

    def __init__(self, message: str, *, path: str | Path | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.hint = hint

    def __reduce__(self):
        # Errors travel back from worker processes; keep the path and hint on the way.
        return (_rebuild, (type(self), self.message, self.path, self.hint))

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        return printable(f"{text} ({self.hint})" if self.hint else text)


def _rebuild(cls: type[ConverterError], message: str, path: str | None, hint: str) -> ConverterError:
    return cls(message, path=path, hint=hint)


class UsageError(ConverterError):
    """The command line or a configuration value asks for something impossible."""


class ConfigError(UsageError):
    """A configuration file is invalid (unknown key, wrong type, bad value)."""


class SourceError(ConverterError):
    """A post cannot be read: missing, not a file, empty, binary, not decodable."""


class FrontMatterError(SourceError):
    """A post's front matter cannot be parsed or has a field of the wrong kind."""


class RenderError(ConverterError):
    """A writer failed to produce its output file."""


class ResourceError(ConverterError):
    """A resource a post names (an image) cannot be had; the build goes on with a placeholder."""
