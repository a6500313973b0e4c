"""The notebooks: each py:percent file has an .ipynb twin with the same cells and no stored outputs.

The ``.py`` files are the source of truth; after editing one, run
``jupytext --sync notebooks/*.py`` to update its ``.ipynb``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext
import nbformat
import pytest

from tests.conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
EXPECTED = ("01_data", "02_baselines", "03_train", "04_attention", "05_results", "06_your_data")
#: Parameters every notebook takes; ``variant`` where one variant is trained.
COMMON_PARAMETERS = {"pair", "data", "profile", "seed", "device", "results_dir"}
VARIANT_NOTEBOOKS = {"03_train", "04_attention", "06_your_data"}
FIX = "run `jupytext --sync notebooks/*.py` (and clear outputs) to fix"


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_every_notebook_has_both_files() -> None:
    py = {p.stem for p in NOTEBOOKS.glob("*.py")}
    ipynb = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert py == ipynb == set(EXPECTED), f"py: {sorted(py)}, ipynb: {sorted(ipynb)}; {FIX}"
    assert (NOTEBOOKS / "jupytext.toml").is_file()


@pytest.mark.parametrize("name", EXPECTED)
def test_pair_in_sync(name: str) -> None:
    from_py = jupytext.read(NOTEBOOKS / f"{name}.py")
    from_ipynb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert _cells(from_py) == _cells(from_ipynb), f"{name}.py and {name}.ipynb differ; {FIX}"
    tags_py = [c.metadata.get("tags", []) for c in from_py.cells]
    tags_ipynb = [c.metadata.get("tags", []) for c in from_ipynb.cells]
    assert tags_py == tags_ipynb, f"cell tags of {name} differ; {FIX}"


@pytest.mark.parametrize("name", EXPECTED)
def test_ipynb_has_no_outputs_and_a_python_kernel(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}.ipynb cell {i} stores outputs; clear them ({FIX})"
            assert cell.execution_count is None, f"{name}.ipynb cell {i} has an execution count"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("name", EXPECTED)
def test_parameters_cell_is_first_code_cell_with_the_common_parameters(name: str) -> None:
    nb = jupytext.read(NOTEBOOKS / f"{name}.py")
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0], f"{name}: exactly one cell tagged 'parameters', the first code cell"
    tree = ast.parse(code[0].source)
    assigned = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}
    assert all(isinstance(node, ast.Assign) for node in tree.body), "only plain assignments in parameters"
    expected = COMMON_PARAMETERS | ({"variant"} if name in VARIANT_NOTEBOOKS else set())
    assert expected <= assigned, f"{name} lacks parameters {sorted(expected - assigned)}"
    # The cell after the parameters validates them through the library before any work.
    assert "validate_params(" in code[1].source


#: Non-blank lines a code cell may have: a longer one holds logic that belongs in the library.
MAX_CELL_LINES = 20


@pytest.mark.parametrize("name", EXPECTED)
def test_notebooks_are_thin_calls_of_the_library(name: str) -> None:
    for i, cell in enumerate(jupytext.read(NOTEBOOKS / f"{name}.py").cells):
        if cell.cell_type != "code":
            continue
        defined = [
            type(node).__name__
            for node in ast.walk(ast.parse(cell.source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
        ]
        assert not defined, f"{name} cell {i} defines {defined}: move it into the deepdiff package"
        lines = [line for line in cell.source.splitlines() if line.strip()]
        assert len(lines) <= MAX_CELL_LINES, (
            f"{name} cell {i} has {len(lines)} lines; its logic belongs in deepdiff"
        )


def test_notebooks_contain_no_absolute_paths() -> None:
    for path in NOTEBOOKS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "/work/" not in text and "/home/" not in text, path
        assert "os.chdir" not in text, f"{path.name}: notebooks must not depend on the working directory"


def test_paths_are_found_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default results directory does not depend on the kernel's working directory."""
    from deepdiff._util.paths import RESULTS_ENV, default_results_dir

    monkeypatch.delenv(RESULTS_ENV, raising=False)
    here = default_results_dir()
    monkeypatch.chdir(tmp_path)
    assert default_results_dir() == here == ROOT / "results"
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "r"))
    assert default_results_dir() == tmp_path / "r"
