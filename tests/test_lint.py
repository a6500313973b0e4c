"""Lint is part of the tests: ruff must pass on the library, tests, benchmarks and notebooks."""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

#: The longest a function of the package may be, in lines (its signature and docstring included).
MAX_FUNCTION_LINES = 80

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


def _package_figures() -> dict:
    """scripts/code_metrics.py's figures of the package's source."""
    spec = importlib.util.spec_from_file_location("code_metrics", ROOT / "scripts" / "code_metrics.py")
    assert spec is not None and spec.loader is not None
    metrics = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(metrics)
    figures = metrics.analyse(ROOT / "deepdiff", MAX_FUNCTION_LINES)
    assert figures["modules"] > 0, "the metrics script found no module of the package"
    return figures


def test_no_function_in_the_package_is_over_80_lines() -> None:
    """A long function is split into named steps; scripts/code_metrics.py measures the package's source."""
    long = [f"{f['where']} ({f['lines']} lines)" for f in _package_figures()["long_functions"]]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: " + ", ".join(long)


def test_the_package_has_no_import_cycle_and_no_reimport_inside_a_function() -> None:
    """Imports run one way (imports inside functions counted), and a function never imports again what its file
    imports at the top; only ``constants`` and ``errors`` stand loose beside the subpackages."""
    figures = _package_figures()
    assert not figures["import_cycles"], f"import cycles: {figures['import_cycles']}"
    again = [f"{r['where']} ({r['function']})" for r in figures["reimports_inside_functions"]]
    assert not again, "imports inside functions of modules the file already imports: " + ", ".join(again)
    assert figures["loose_modules"] == ["constants.py", "errors.py"], figures["loose_modules"]


def test_packages_import_only_those_the_readme_lists_above_them() -> None:
    """The README's table of packages is their layering: each imports only packages listed above it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    order = [
        name
        for line in section.splitlines()
        if line.startswith("| `deepdiff/")
        for name in re.findall(r"`deepdiff/([a-z_]+)/`", line)
    ]
    packages = {
        p.name for p in (ROOT / "deepdiff").iterdir() if (p / "__init__.py").is_file() and p.name != "_util"
    }
    assert set(order) == packages, f"the README's table and the packages differ: {set(order) ^ packages}"
    against = set()
    for path in (ROOT / "deepdiff").rglob("*.py"):
        source = path.relative_to(ROOT / "deepdiff").parts[0]
        if source not in order:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("deepdiff."):
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names if alias.name.startswith("deepdiff.")]
            else:
                continue
            for name in names:
                target = name.split(".")[1]
                if target in order and order.index(target) > order.index(source):
                    against.add(f"{path.relative_to(ROOT)} imports {name}")
    assert not against, "imports against the README's layering: " + ", ".join(sorted(against))
