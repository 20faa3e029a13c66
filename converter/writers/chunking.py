"""Where a long book is cut into chunks that are laid out (PDF) or converted (DOCX) apart.

Cuts fall between chapters. They must stay where they were when one post of the book
changes, so that the other chunks are found in the build cache: a cut follows a chapter
whose identity (its source file) hashes to a multiple of a divisor, as content-defined
chunking does, once the chunk holds at least half the target size; a chunk never grows past
twice the target. The divisor is the target over the average chapter size, rounded to a
power of two, so that editing one chapter does not move it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence


def _hash(identity: str) -> int:
    return int.from_bytes(hashlib.sha256(identity.encode("utf-8")).digest()[:8], "big")


def chunk_bounds(items: Sequence[tuple[str, int]], target: int) -> list[list[int]]:
    """Group ``items`` — (identity, size) in reading order — into runs of about ``target``
    size; returns the indexes of each run."""
    if not items:
        return []
    average = max(1, sum(size for _, size in items) // len(items))
    divisor = 2 ** max(0, round(math.log2(max(1.0, target / average))))
    groups: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index, (identity, item_size) in enumerate(items):
        current.append(index)
        size += item_size
        if size >= 2 * target or (size >= target // 2 and _hash(identity) % divisor == 0):
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups
