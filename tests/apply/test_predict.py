"""predict: a saved model on other cells, with and without expression; the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import deepdiff
from deepdiff.apply.cells import load_cells
from deepdiff.apply.predict import apply_model
from deepdiff.data.layout import EXPRESSION_ROLE, cell_file
from deepdiff.results.store import RunResult
from deepdiff.simulate.export import expression_csv
from tests.apply.test_cells import write_cell
from tests.training.standins import tiny_pair


def test_a_saved_model_predicts_the_run_s_test_genes_as_stored(runs: dict[str, RunResult]) -> None:
    for method, run in runs.items():
        model = deepdiff.load_model(run.path)
        table = deepdiff.predict(model, tiny_pair(60, 30, 30))  # a PairData: its test split
        stored = run.predictions
        assert list(table["gene"]) == list(stored["gene"]), method
        for column in stored.columns.drop("gene"):
            np.testing.assert_allclose(
                table[column], stored[column], rtol=1e-5, atol=1e-6, err_msg=f"{method} {column}"
            )


@pytest.fixture
def other_cells(tmp_path: Path) -> Path:
    """Two cells with other names than the training pair's, one file each, no expression."""
    genes = [f"ENSG{i:011d}" for i in range(25)]
    write_cell(tmp_path, "K562", genes, seed=3)
    write_cell(tmp_path, "HepG2", genes, seed=4)
    return tmp_path


@pytest.mark.parametrize("method", ["raw_aux_siamese", "attentivechrome_diff"])
def test_prediction_on_cells_with_other_names_and_no_expression(
    runs: dict[str, RunResult], other_cells: Path, method: str
) -> None:
    cells = load_cells("K562-HepG2", other_cells, progress=False)
    result = apply_model(runs[method].path, cells, progress=False)
    table = result.table
    assert list(table.columns) == ["gene", "symbol", "lfc_pred", "log_expr_a_pred", "log_expr_b_pred"]
    assert len(table) == 25 and np.isfinite(table["lfc_pred"]).all() and result.metrics is None
    att = result.attention
    assert att["bin_attention"].shape[0] == 25 and att["bin_attention"].dtype == np.float16
    if method == "attentivechrome_diff":  # rows named after the cells predicted, not the training pair
        assert [str(n).split(":")[0] for n in att["row_names"]] == ["K562"] * 5 + ["HepG2"] * 5
    assert "true LFC is unknown" in result.summary()


def test_with_expression_the_predictions_are_scored(runs: dict[str, RunResult], other_cells: Path) -> None:
    genes = [f"ENSG{i:011d}" for i in range(25)]
    rng = np.random.default_rng(0)
    for cell in ("K562", "HepG2"):
        (other_cells / cell_file(cell, EXPRESSION_ROLE)).write_bytes(
            expression_csv(genes, rng.integers(0, 500, 25).astype(float))
        )
    result = apply_model(
        runs["raw_c"].path, load_cells("K562-HepG2", other_cells, progress=False), progress=False, n_boot=200
    )
    assert {"lfc_true", "lfc_pred"} <= set(result.table.columns)
    lfc = result.metrics["lfc"]
    assert lfc["n"] == 25 and lfc["n_unknown"] == 0 and len(lfc["pearson_ci"]) == 2
    assert lfc["pearson_ci"][0] <= lfc["pearson"] <= lfc["pearson_ci"][1]
    assert "LFC: PCC" in result.summary() and "95% CI" in result.summary()
