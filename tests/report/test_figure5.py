"""Figure 5's claims on planted attention."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from deepdiff.report import paper
from deepdiff.report.figure5 import evaluate_figure5, figure5_inputs, select_figure5_run
from deepdiff.results.store import collect_results
from tests.report.conftest import only_context, write_runs


def test_figure5_claims_on_planted_attention(tmp_path: Path) -> None:
    write_runs(tmp_path, pairs=(paper.FIGURE5_PAIR,), attention=True, n=300)
    results = collect_results(tmp_path)
    ctx = only_context(results)
    runs = select_figure5_run(results, ctx)
    assert runs["method"].nunique() == 1 and runs["method"].iloc[0] == "aux_siamese"  # best valid PCC
    mark_att, lfc = figure5_inputs(runs)
    assert np.allclose(mark_att.sum(axis=1), 1.0)
    summary, claims, rule = evaluate_figure5(mark_att, lfc, ctx, paper.FIGURE5_PAIR, n_boot=200)
    assert {r.claim_id: r.verdict for r in claims} == {
        "fig5.up_k4": "holds",
        "fig5.down_k27": "holds",
        "fig5.k9_low": "holds",
    }
    assert "LFC" in rule
    assert set(summary["group"]) == {"up", "down"}
