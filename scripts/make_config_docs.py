"""Rewrite the settings reference in docs/config.md from the settings table.

Run: .venv/bin/python scripts/make_config_docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.config import settings_reference  # noqa: E402

BEGIN, END = "<!-- settings:begin -->\n", "<!-- settings:end -->"


def main() -> None:
    path = ROOT / "docs" / "config.md"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(head + BEGIN + settings_reference() + END + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
