"""Tables of runs: the missing runs of a grid."""

from __future__ import annotations

from pathlib import Path

from deepdiff.constants import PAPER_PAIRS
from deepdiff.grid.aggregate import missing_runs
from deepdiff.grid.settings import GridConfig
from deepdiff.methods import APPENDIX_VARIANTS, PAPER_VARIANTS
from deepdiff.results.store import collect_results


def test_missing_runs_lists_commands(sim_results: Path) -> None:
    results = collect_results(sim_results)
    grid = GridConfig(
        pairs=PAPER_PAIRS[:4], variants=PAPER_VARIANTS, seeds=(0,), data="simulated", profile="quick"
    )
    missing = missing_runs(results, grid)
    assert set(missing["pair"]) == {PAPER_PAIRS[3]}
    assert len(missing) == 11
    assert missing["command"].str.startswith("deepdiff ").all()
    # the paper's grid also runs the appendix's two variants, which these results lack on every pair
    full = missing_runs(
        results, GridConfig(pairs=PAPER_PAIRS[:4], seeds=(0,), data="simulated", profile="quick")
    )
    assert len(full) == 11 + 2 * 4 and set(full["method"]) >= set(APPENDIX_VARIANTS)


def test_a_grid_table_holds_exactly_the_grids_runs(tmp_path: Path) -> None:
    from deepdiff.grid.aggregate import GRID_TABLE_COLUMNS, grid_table, match_jobs
    from tests.report.conftest import write_runs

    write_runs(tmp_path, pairs=PAPER_PAIRS[:2], seeds=(0, 1), n=60)
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], seeds=(0,), n=60, label="other data", seed=3)
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], seeds=(0,), n=60, profile="paper")
    results = collect_results(tmp_path)
    grid = GridConfig(
        pairs=PAPER_PAIRS[:2],
        variants=("raw", "aux"),
        baselines=("svr2",),
        seeds=(0, 2),
        data="simulated",
        profile="quick",
        results_dir=str(tmp_path),
    )
    checksums = {p: f"simulated (unit test)/{p}" for p in PAPER_PAIRS[:2]}
    table, missing = grid_table(results, grid, checksums, n_boot=20)
    assert list(table.columns) == list(GRID_TABLE_COLUMNS)
    assert len(table) == 2 * 3 and len(missing) == 2 * 3  # seed 2 never ran
    assert set(missing["seed"]) == {2} and (table["seed"] == 0).all()
    assert (table["data_label"] == "simulated (unit test)").all() and (table["profile"] == "quick").all()
    assert (table["test_pearson_low"] <= table["test_pearson"]).all()
    assert not table["run_dir"].str.startswith("/").any()
    # without checksums, the run on other data of the first pair is a second candidate
    loose = match_jobs(results, grid)
    assert loose.loc[(loose["pair"] == PAPER_PAIRS[0]) & (loose["seed"] == 0), "candidates"].eq(2).all()


def test_runs_are_counted_per_context_as_every_page_counts_them(tmp_path: Path) -> None:
    from deepdiff.report.runs import runs_by_context
    from tests.report.conftest import write_runs

    write_runs(tmp_path, pairs=PAPER_PAIRS[:2], profile="book")
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], label="simulated (own cells)", profile="book", seed=1)
    counts = runs_by_context(collect_results(tmp_path))
    assert list(counts["context"]) == [
        "simulated (unit test), profile book",
        "simulated (own cells), profile book",
    ]
    n_methods = counts["methods"].iloc[0]
    assert list(counts["runs"]) == [2 * n_methods, n_methods]
    assert (counts["models"] + counts["baselines"] == counts["runs"]).all()
    assert runs_by_context(collect_results(tmp_path / "empty")).empty
