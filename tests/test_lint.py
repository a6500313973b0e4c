"""Lint is part of the tests: ruff must pass on the library, tests, benchmarks and notebooks."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT

TARGETS = [p for p in ("deepdiff", "tests", "benchmarks", "notebooks", "workflow") if (ROOT / p).exists()]


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")
    if exe is None:
        pytest.fail("ruff is not installed; run `make setup` (it is part of the dev extra)")
    return [exe]


def test_ruff_check() -> None:
    result = subprocess.run([*_ruff(), "check", *TARGETS], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = subprocess.run(
        [*_ruff(), "format", "--check", *TARGETS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, "run `ruff format`:\n" + result.stdout + result.stderr


def test_no_merge_conflict_markers_in_tracked_files() -> None:
    """A conflict resolved by hand must not leave its markers on a page or in code."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if files.returncode != 0:
        pytest.skip("not a git checkout")
    markers = ("<" * 7 + " ", "=" * 7 + "\n", ">" * 7 + " ")
    found = []
    for name in files.stdout.splitlines():
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".ipynb", ".yml", ".yaml", ".toml", ".cfg", ".txt", ".c"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(True), 1):
            text = line.lstrip(' "')
            if text.startswith(markers) or text.rstrip('",\\n') == "=" * 7:
                found.append(f"{name}:{number}")
    assert not found, f"merge conflict markers: {', '.join(found)}"
