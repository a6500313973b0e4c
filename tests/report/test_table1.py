"""Our Table 1: relative PCC recomputed from the runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepdiff.constants import PAPER_PAIRS
from deepdiff.methods import PAPER_VARIANTS
from deepdiff.report import paper
from deepdiff.report.bootstrap import PairBootstrap, bootstrap_context
from deepdiff.report.table1 import (
    baseline_problem,
    requirements_text,
    table1_display,
    table1_ours,
    table3_display,
    table3_ours,
)
from deepdiff.results.store import collect_results
from tests.report.conftest import DEFAULT_R, only_context, write_runs


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


def _boots(root: Path, **kwargs: object) -> tuple[dict, object]:
    write_runs(root, **kwargs)  # type: ignore[arg-type]
    results = collect_results(root)
    ctx = only_context(results)
    return bootstrap_context(results, ctx, n_boot=100), ctx


def test_a_baseline_pcc_not_clearly_positive_makes_the_ratio_undefined(tmp_path: Path) -> None:
    """SVR at PCC ~0 on every pair: no -27.7 % with a CI of [-636, 715] %, but 'undefined' and why."""
    boots, ctx = _boots(tmp_path, pairs=PAPER_PAIRS[:2], strengths={"svr2": -0.3})
    assert all(baseline_problem(b, "svr2") for b in boots.values())
    assert baseline_problem(boots[PAPER_PAIRS[0]], "raw_c") == ""
    t1 = table1_ours(boots, ctx)
    svr = t1[t1["baseline"] == "svr2"]
    assert svr["ours"].isna().all() and (svr["n_pairs"] == 0).all()
    assert svr["note"].str.startswith("undefined: two-layer SVR PCC").all()
    cell = table1_display(t1).loc["Raw:c", "two-layer SVR mean"]
    assert (
        cell.startswith("undefined: two-layer SVR PCC -0.") and "≤ 0 on" in cell and "(paper 163.6)" in cell
    )
    ac = t1[t1["baseline"] == "attentivechrome_diff"]  # the other baseline is fine
    assert ac["ours"].notna().all() and (ac["note"] == "").all()


def test_baseline_problem_needs_a_positive_pcc_and_an_interval_above_zero() -> None:
    reps = np.linspace(-0.02, 0.12, 100)
    boot = PairBootstrap("E003-E004", ("svr2",), np.array([[0.05, *reps]]), n_genes=100)
    assert baseline_problem(boot, "svr2") == (
        "two-layer SVR PCC 0.050, 95% CI [-0.016, 0.116] includes 0 on E003-E004"
    )
    clear = PairBootstrap("E003-E004", ("svr2",), np.array([[0.3, *(reps + 0.2)]]), n_genes=100)
    assert baseline_problem(clear, "svr2") == ""
    observed_only = PairBootstrap("E003-E004", ("svr2",), np.array([[-0.069]]), n_genes=100)
    assert baseline_problem(observed_only, "svr2") == "two-layer SVR PCC -0.069 ≤ 0 on E003-E004"


def test_a_pair_with_an_undefined_ratio_is_left_out_and_named(tmp_path: Path) -> None:
    write_runs(tmp_path, pairs=PAPER_PAIRS[:2], seed=0)
    write_runs(tmp_path, pairs=PAPER_PAIRS[2:3], strengths={"svr2": -0.2}, seed=1)
    results = collect_results(tmp_path)
    ctx = only_context(results)
    t1 = table1_ours(bootstrap_context(results, ctx, n_boot=100), ctx)
    row = t1[(t1["variant"] == "raw_c") & (t1["baseline"] == "svr2") & (t1["statistic"] == "mean")].iloc[0]
    assert row["n_pairs"] == 2 and row["ours"] > 100
    assert row["note"].startswith("over 2 of 3 pairs; left out, ratio undefined: two-layer SVR PCC -0.")
    assert f"≤ 0 on {PAPER_PAIRS[2]}" in row["note"]
    cell = table1_display(t1).loc["Raw:c", "two-layer SVR mean"]
    assert "over 2 of 3 pairs" in cell and "[" in cell


def test_missing_baselines_are_named_instead_of_dashes(tmp_path: Path) -> None:
    strengths = {m: r for m, r in DEFAULT_R.items() if m not in ("svr2", "attentivechrome_diff")}
    boots, ctx = _boots(tmp_path, pairs=PAPER_PAIRS[:2], strengths=strengths, only=True)
    t1 = table1_ours(boots, ctx)
    assert t1["ours"].isna().all()
    assert t1["note"].str.startswith("not run: needs ").all()
    cell = table1_display(t1).loc["Raw:d", "AttentiveChrome median"]
    assert "missing attentivechrome_diff (no run on any pair)" in cell and "—" not in cell
    text = requirements_text(boots, PAPER_VARIANTS, paper.TABLE1_BASELINES)
    assert "svr2 (no run on any pair)" in text and "attentivechrome_diff (no run on any pair)" in text
    assert requirements_text({}, PAPER_VARIANTS, ("svr2",)).startswith("no runs in this context")


def test_table3_is_the_appendix_variants_against_the_two_layer_svr(tmp_path: Path) -> None:
    strengths = {**DEFAULT_R, "aux_cls": 0.55, "raw_aux_cls": 0.6}
    boots, ctx = _boots(tmp_path, pairs=PAPER_PAIRS[:2], strengths=strengths)
    t3 = table3_ours(boots, ctx)
    assert list(zip(t3["variant"], t3["statistic"], strict=True)) == [
        ("aux_cls", "mean"),
        ("aux_cls", "median"),
        ("raw_aux_cls", "mean"),
        ("raw_aux_cls", "median"),
    ]
    assert (t3["baseline"] == "svr2").all() and t3["paper"].isna().all() and (t3["n_pairs"] == 2).all()
    assert ((t3["ours"] > 100) & ~t3["within_tolerance"]).all()  # nothing in the paper to be within
    display = table3_display(t3)
    assert display.shape == (2, 2) and list(display.index) == [
        "Aux (classification)",
        "Raw+Aux (classification)",
    ]
    assert display.iloc[0, 0].endswith("(paper: not in its text)")
    # without the appendix's runs, the table says what it needs
    empty = table3_ours({p: b for p, b in _boots(tmp_path / "none", pairs=PAPER_PAIRS[:1])[0].items()}, ctx)
    assert empty["note"].str.contains("aux_cls|raw_aux_cls").all() and empty["ours"].isna().all()
