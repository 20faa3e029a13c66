"""The fidelity benchmark's targets hold on the dev corpus (skipped without ../shared).

Only the quality benchmark runs here; speed is measured by bench/*.py, never in tests.
"""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_fidelity_targets(corpus):
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "fidelity.py"), "--corpus", str(corpus)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "result: PASS" in proc.stdout
