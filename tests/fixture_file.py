"""Reader fixtures in markdown-it-py's format: title, '.', input, '.', expected, '.'.

The expected part is the model JSON of the blocks, one block per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Case:
    title: str
    source: str
    expected: str
    line: int


def read_cases(path: Path) -> list[Case]:
    lines = path.read_text(encoding="utf-8").split("\n")
    cases, i = [], 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title, start = lines[i], i + 1
        assert lines[i + 1] == ".", f"{path}:{i + 2}: expected '.'"
        j = i + 2
        parts: list[list[str]] = [[], []]
        for part in parts:
            while lines[j] != ".":
                part.append(lines[j])
                j += 1
            j += 1
        cases.append(Case(title, "\n".join(parts[0]), "\n".join(parts[1]), start))
        i = j
    return cases


def write_cases(path: Path, cases: list[Case]) -> None:
    chunks = [f"{c.title}\n.\n{c.source}\n.\n{c.expected}\n.\n" for c in cases]
    path.write_text("\n".join(chunks), encoding="utf-8")
