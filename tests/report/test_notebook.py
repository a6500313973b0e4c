"""Notebook support: parameter checks that stop at once, and split checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff.errors import ConfigError
from deepdiff.report import notebook

GOOD = {
    "pair": "E003-E004",
    "data": "simulated",
    "profile": "quick",
    "seed": 0,
    "device": "cpu",
    "results_dir": None,
}


def test_validate_params_accepts_defaults(tmp_path: Path) -> None:
    params = notebook.validate_params(**{**GOOD, "results_dir": str(tmp_path)}, variant="raw_c")
    assert params.pair == "E003-E004" and params.device == "cpu" and params.results_dir == tmp_path.resolve()
    assert "variant raw_c" in params.describe()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pair": "E999-E004"}, "unknown cell E999"),
        ({"pair": "E003"}, "malformed pair"),
        ({"pair": "E003-E004", "data": "sample"}, "authors' sample"),
        ({"data": "internet"}, "data='internet' is unknown"),
        ({"profile": "huge"}, "profile='huge' is unknown"),
        ({"variant": "raw_x"}, "variant='raw_x' is unknown"),
        ({"seed": -1}, "seed=-1"),
        ({"device": "tpu"}, "device"),
        ({"data": "local"}, "needs data_dir"),
    ],
)
def test_validate_params_rejects_bad_values(change: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        notebook.validate_params(**{**GOOD, **change})


def test_auto_follows_the_book_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(notebook.DATA_ENV, "simulated")
    assert notebook.validate_params(**{**GOOD, "data": "auto"}).data == "simulated"
    monkeypatch.setenv(notebook.DATA_ENV, "bogus")
    with pytest.raises(ConfigError, match="bogus"):
        notebook.validate_params(**{**GOOD, "data": "auto"})


def test_check_pairs_and_methods() -> None:
    assert notebook.check_pairs(["E003-E004", "E003-E004", "E123-E116"]) == ["E003-E004", "E123-E116"]
    assert notebook.validate_methods(None, ["a", "b"]) == ["a", "b"]
    assert notebook.validate_methods("a", ["a", "b"]) == ["a"]
    with pytest.raises(ConfigError, match="'c'"):
        notebook.validate_methods(["c"], ["a", "b"])


def test_own_data_inputs_of_the_notebook_06(tmp_path: Path) -> None:
    params = notebook.validate_params(**{**GOOD, "pair": "E123-E003", "results_dir": str(tmp_path)})
    files = {"samples": None, "annotation": None, "expression": None, "data_dir": None, "n_genes": 200}
    inputs = notebook.own_data_inputs(params, predict_pair="E116-E005", **files)
    assert inputs.synthetic and inputs.pairs == ("E123-E003", "E116-E005")
    assert inputs.prepared_dir == tmp_path.resolve() / "own-data" / "prepared"
    assert "simulated (seed 0)" in inputs.label("local: x", "E123-E003")
    assert "simulated (seed 1)" in inputs.label("local: x", "E116-E005")
    bad = [
        ({"predict_pair": "E003-E005"}, "share E003"),
        ({"predict_pair": "E123-E003"}, "is the training pair"),
        ({"samples": str(tmp_path)}, "set data='local'"),
        ({"n_genes": 5}, "at least 30"),
    ]
    for change, message in bad:
        with pytest.raises(ConfigError, match=message):
            notebook.own_data_inputs(params, **{"predict_pair": "E116-E005", **files, **change})
    local = notebook.validate_params(**{**GOOD, "pair": "K562-HepG2", "data": "local"}, data_dir=tmp_path)
    with pytest.raises(ConfigError, match=r"samples=None: data='local' needs your samples file"):
        notebook.own_data_inputs(local, predict_pair="A549-IMR90", **{**files, "data_dir": tmp_path})
    (tmp_path / "prepared").mkdir()
    (tmp_path / "prepared" / "mine.txt").write_text("x")
    sheet = tmp_path / "s.tsv"
    sheet.write_text("cell\tmark\tpath\n")
    mine = {"samples": sheet, "annotation": sheet, "expression": sheet, "data_dir": tmp_path, "n_genes": 200}
    with pytest.raises(ConfigError, match="holds files that prepare did not write"):
        notebook.own_data_inputs(local, predict_pair="A549-IMR90", **mine)
    other = notebook.validate_params(**{**GOOD, "data": "remc"})
    with pytest.raises(ConfigError, match="this notebook prepares its own files"):
        notebook.own_data_inputs(other, predict_pair="E116-E005", **files)


def test_the_results_notebook_runs_the_books_reduced_grid_by_default(tmp_path: Path) -> None:
    """notebooks/05_results's default parameters give deepdiff.grid.settings.BOOK_GRID (on its data)."""
    import ast
    import dataclasses

    import jupytext

    from deepdiff.grid.settings import BOOK_GRID
    from tests.conftest import ROOT

    cell = next(c for c in jupytext.read(ROOT / "notebooks" / "05_results.py").cells if c.cell_type == "code")
    defaults = {
        t.id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body for t in node.targets
    }
    params = notebook.validate_params(
        **{k: defaults[k] for k in ("pair", "profile", "seed")},
        data="simulated",
        device="cpu",
        results_dir=str(tmp_path),
    )
    grid = notebook.notebook_grid(
        params, defaults["extra_pairs"], defaults["variants"], defaults["baselines"], defaults["seeds"]
    )
    assert grid == dataclasses.replace(BOOK_GRID, results_dir=str(tmp_path.resolve()), device="cpu")
    changed = notebook.notebook_grid(params, ["E123-E116"], ["raw"], [], 2)
    assert changed.pairs == ("E003-E004", "E123-E116") and changed.variants == ("raw",)
    assert changed.baselines == () and changed.seeds == (2,)
