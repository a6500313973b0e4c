"""The claims of Section 4.3 on planted outcomes, reversed outcomes and missing methods."""

from __future__ import annotations

from pathlib import Path

from deepdiff.report import paper
from deepdiff.report.bootstrap import bootstrap_context
from deepdiff.report.claims import evaluate_claim, evaluate_figure4_claims
from deepdiff.results import collect_results
from tests.report.conftest import only_context, write_runs


def test_figure4_claims_on_planted_outcomes(sim_results: Path) -> None:
    results = collect_results(sim_results)
    ctx = only_context(results)
    boots = bootstrap_context(results, ctx, n_boot=200)
    verdicts = {r.claim_id: r for r in evaluate_figure4_claims(boots, ctx)}
    # Planted: raw_c (0.62) >> raw_d (0.40), raw_d worst, aux_siamese best, svr2 > svr1, deep > shallow.
    for cid in (
        "fig4.raw_c_beats_raw_d",
        "fig4.raw_d_worst",
        "fig4.aux_siamese_best",
        "fig4.svr2_beats_svr1",
        "fig4.deep_beats_shallow",
        "fig4.deepdiff_beats_attentivechrome",
        "fig4.siamese_helps",
    ):
        assert verdicts[cid].verdict == "holds", (cid, verdicts[cid])
        assert verdicts[cid].evidence is not None and verdicts[cid].evidence.min_seeds == 2
    assert verdicts["fig4.raw_c_beats_raw_d"].count == 3 and verdicts["fig4.raw_c_beats_raw_d"].count_of == 3
    assert "3/3 pairs" in verdicts["fig4.raw_c_beats_raw_d"].ours_text


def test_claims_fail_when_the_planted_order_is_reversed(tmp_path: Path) -> None:
    write_runs(tmp_path, strengths={"raw_c": 0.20, "raw_d": 0.70, "svr1": 0.6, "svr2": 0.2, "raw_aux": 0.3})
    results = collect_results(tmp_path)
    ctx = only_context(results)
    boots = bootstrap_context(results, ctx, n_boot=200)
    verdicts = {r.claim_id: r for r in evaluate_figure4_claims(boots, ctx)}
    assert verdicts["fig4.raw_c_beats_raw_d"].verdict == "does not hold"
    assert verdicts["fig4.raw_c_beats_raw_d"].count == 0
    assert verdicts["fig4.raw_d_worst"].verdict == "does not hold"
    assert verdicts["fig4.svr2_beats_svr1"].verdict == "does not hold"
    assert verdicts["fig4.raw_c_beats_raw_d"].support < 0.05
    assert verdicts["fig4.raw_aux_beats_raw"].verdict == "does not hold"
    # raw_d (0.70) > attentivechrome (0.35) but raw_c (0.20) is below it: not every variant is ahead.
    assert verdicts["fig4.deepdiff_beats_attentivechrome"].verdict == "does not hold"


def test_claim_not_yet_run_when_a_method_is_missing(tmp_path: Path) -> None:
    write_runs(tmp_path)
    results = collect_results(tmp_path)
    results = results[results["method"] != "svr1"]  # as if svr1 had never been run
    ctx = only_context(results)
    boots = bootstrap_context(results, ctx, n_boot=50)
    r = evaluate_claim(paper.claim("fig4.svr2_beats_svr1"), boots, ctx)
    assert r.verdict == "not yet run"
    assert any("svr1" in m for m in r.missing)
    assert evaluate_claim(paper.claim("fig4.raw_c_beats_raw_d"), boots, ctx).verdict == "holds"
