"""Structured warnings: what was degraded, where, and why; collected into a build report.

Readers, transforms and writers never print. They record a :class:`Diagnostic` in the
:class:`Diagnostics` sink they are given; the CLI decides how to show them, and ``--strict``
turns any of them into a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import printable


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One message: a stable ``code`` (e.g. ``image-unavailable``), the post it is about, a
    human message, and a severity: 'warning' (something was degraded) or 'info' (what the
    cleanup removed; shown by ``inspect --report``, never fails a build)."""

    code: str
    message: str
    path: str = ""
    severity: str = "warning"

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return printable(f"{where}{self.severity}[{self.code}]: {self.message}")


@dataclass(slots=True)
class Diagnostics:
    """A collector of diagnostics for one post (``path``) or one build."""

    path: str = ""
    items: list[Diagnostic] = field(default_factory=list)

    def warn(self, code: str, message: str, *, path: str | None = None) -> None:
        """Record a warning about ``path`` (default: this collector's post)."""
        self.items.append(Diagnostic(code, message, self.path if path is None else path))

    def info(self, code: str, message: str) -> None:
        """Record an informational message about this collector's post."""
        self.items.append(Diagnostic(code, message, self.path, "info"))

    @property
    def warnings(self) -> list[Diagnostic]:
        """The diagnostics of severity 'warning'."""
        return [d for d in self.items if d.severity == "warning"]

    def extend(self, other: "Diagnostics | list[Diagnostic] | tuple[Diagnostic, ...]") -> None:
        """Add every diagnostic of ``other``."""
        self.items.extend(other.items if isinstance(other, Diagnostics) else other)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)
