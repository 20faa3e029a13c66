"""What cleanup rules work on: the parsed body, the post's identity, and a removal log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from ..core.diagnostics import Diagnostics


@dataclass
class CleanupContext:
    """The body being cleaned (``root``), the post's title and source URL, and the log of
    what each rule removed or changed."""

    root: LexborNode
    title: str = ""
    source_url: str = ""
    removed: Counter = field(default_factory=Counter)
    first: dict[str, str] = field(default_factory=dict)

    def remove(self, rule: str, node: LexborNode, *, label: str | None = None, quiet: bool = False) -> None:
        """Remove ``node`` on behalf of ``rule`` and log it (``quiet``: count only, for
        removals that lose nothing, such as duplicate copies)."""
        if node.parent is None:
            return
        self.log(rule, node, label=label, quiet=quiet)
        node.decompose()

    def log(self, rule: str, node: LexborNode, *, label: str | None = None, quiet: bool = False) -> None:
        """Count what ``rule`` did to ``node`` (removed, unwrapped, stripped to its images)
        and keep the first words of the first one."""
        snippet = label if label is not None else " ".join((node.text(deep=True, separator=" ") or "").split())[:40]
        self.removed[rule] += 1
        if rule not in self.first and (snippet or quiet):
            self.first[rule] = snippet

    def report(self, diag: Diagnostics) -> None:
        """One info diagnostic per rule that removed something."""
        for rule, count in sorted(self.removed.items()):
            first = self.first.get(rule, "")
            diag.info(rule, f"{count}" + (f", first: {first!r}" if first else ""))
