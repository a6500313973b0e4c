"""Contexts: the order of evidence, and the pairs of one simulated dataset."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from deepdiff.constants import PAPER_PAIRS
from deepdiff.report.context import contexts, data_family, in_context
from deepdiff.report.runs import coverage_table
from deepdiff.results.store import collect_results
from tests.report.conftest import write_runs


def test_contexts_order_real_full_before_sample_before_simulated(tmp_path: Path) -> None:
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], source="simulated", label="sim")
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], source="sample", label="real sample")
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], source="remc", label="real full REMC", profile="paper")
    ctxs = contexts(collect_results(tmp_path))
    assert [c.source for c in ctxs] == ["remc", "sample", "simulated"]


def test_a_random_subset_of_the_real_data_is_not_the_full_data(tmp_path: Path) -> None:
    from deepdiff.report.context import context_of
    from deepdiff.simulate import simulate_pair
    from deepdiff.sources.real import subset_genes

    data = dataclasses.replace(
        simulate_pair("E003-E004", n_genes=300, seed=0), source="remc", label="real full REMC"
    )
    subset = subset_genes(data, 150)
    assert context_of(data, "paper").is_full_data
    assert not context_of(subset, "paper").is_full_data
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], source="remc", label=subset.label, profile="paper")
    (ctx,) = contexts(collect_results(tmp_path))
    assert ctx.source == "remc" and not ctx.is_full_data and ctx.is_real


def test_simulated_pairs_of_one_dataset_form_one_context(tmp_path: Path) -> None:
    for pair in PAPER_PAIRS[:2]:
        label = f"simulated (seed 0, 400 genes, calibrated to {pair})"
        write_runs(tmp_path, pairs=(pair,), label=label, strengths={"raw_c": 0.6})
    results = collect_results(tmp_path)
    (ctx,) = contexts(results)
    assert ctx.data_label == "simulated (seed 0, 400 genes)"
    assert len(in_context(results, ctx)) == len(results)
    assert data_family("remc", "real full REMC", "E003-E004") == "real full REMC"
    cov = coverage_table(results)
    assert set(cov.index.get_level_values("data")) == {"simulated (seed 0, 400 genes)"}
