"""Our Table 1: relative PCC recomputed from the runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff.report.bootstrap import bootstrap_context
from deepdiff.report.table1 import table1_display, table1_ours
from deepdiff.results import collect_results
from tests.report.conftest import only_context


def test_table1_ours_recomputes_relative_pcc(sim_results: Path) -> None:
    results = collect_results(sim_results)
    ctx = only_context(results)
    boots = bootstrap_context(results, ctx, n_boot=100)
    t1 = table1_ours(boots, ctx)
    assert len(t1) == 28 and (t1["n_pairs"] == 3).all()
    row = t1[(t1["variant"] == "raw_c") & (t1["baseline"] == "svr2") & (t1["statistic"] == "mean")].iloc[0]
    per_pair = (
        results.groupby(["pair", "method"])["test_pearson"]
        .mean()
        .unstack()[["raw_c", "svr2"]]
        .pipe(lambda t: 100 * t["raw_c"] / t["svr2"])
    )
    assert row["ours"] == pytest.approx(per_pair.mean(), rel=1e-6)
    assert row["low"] <= row["ours"] <= row["high"]
    assert row["paper"] == pytest.approx(163.59)
    display = table1_display(t1)
    assert display.shape == (7, 4)
    assert "(paper 163.6)" in display.loc["Raw:c", "two-layer SVR mean"]
