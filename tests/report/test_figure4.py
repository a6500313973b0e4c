"""The data of our Figure 4 and Appendix Figure 2, and the coverage table."""

from __future__ import annotations

from pathlib import Path

from deepdiff.constants import PAPER_PAIRS
from deepdiff.report.bootstrap import bootstrap_context
from deepdiff.report.figure4 import FIGURE2_METHODS, figure2_data, figure4_data
from deepdiff.report.runs import coverage_table
from deepdiff.results.store import collect_results
from tests.report.conftest import only_context, write_runs


def test_figure4_data_and_coverage(sim_results: Path) -> None:
    results = collect_results(sim_results)
    ctx = only_context(results)
    boots = bootstrap_context(results, ctx, n_boot=100)
    fig4 = figure4_data(results, ctx, boots)
    assert len(fig4) == 3 * 11
    assert (fig4["n_seeds"] == 2).all()
    assert ((fig4["low"] <= fig4["pcc"] + 0.05) & (fig4["pcc"] - 0.05 <= fig4["high"])).all()
    cov = coverage_table(results)
    assert cov.shape == (3, 11) and (cov.to_numpy() == 2).all()
    assert list(cov.columns[:2]) == ["Raw:d", "Raw:c"]


def test_figure2_data_marks_each_pairs_best_variant(tmp_path: Path) -> None:
    write_runs(tmp_path, pairs=PAPER_PAIRS[:2], strengths={"aux_cls": 0.9, "raw_aux_cls": 0.5})
    results = collect_results(tmp_path)
    data = figure2_data(results, only_context(results))
    assert set(data["method"]) == set(FIGURE2_METHODS)
    assert set(data.loc[data["best"], "method"]) == {"aux_cls"} and data["best"].sum() == 2
    assert data.loc[data["method"] == "aux_cls", "label"].iloc[0] == "Aux (classification)"
