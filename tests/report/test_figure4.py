"""The data of our Figure 4, and the coverage table."""

from __future__ import annotations

from pathlib import Path

from deepdiff.report.bootstrap import bootstrap_context
from deepdiff.report.figure4 import figure4_data
from deepdiff.report.runs import coverage_table
from deepdiff.results import collect_results
from tests.report.conftest import only_context


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
