"""Structured warnings: what was degraded, where, and why; collected into a build report.

Readers, transforms and writers never print. They record a :class:`Diagnostic` in the
:class:`Diagnostics` sink they are given; the CLI decides how to show them, and ``--strict``
turns any of them into a failure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One warning: a stable ``code`` (e.g. ``image-unavailable``), the post it is about and
    a human message."""

    code: str
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}warning[{self.code}]: {self.message}"


@dataclass(slots=True)
class Diagnostics:
    """A collector of diagnostics for one post (``path``) or one build."""

    path: str = ""
    items: list[Diagnostic] = field(default_factory=list)

    def warn(self, code: str, message: str, *, path: str | None = None) -> None:
        """Record a warning about ``path`` (default: this collector's post)."""
        self.items.append(Diagnostic(code, message, self.path if path is None else path))

    def extend(self, other: "Diagnostics | list[Diagnostic] | tuple[Diagnostic, ...]") -> None:
        """Add every diagnostic of ``other``."""
        self.items.extend(other.items if isinstance(other, Diagnostics) else other)

    def counts(self) -> Counter[str]:
        """Number of diagnostics per code."""
        return Counter(d.code for d in self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)
