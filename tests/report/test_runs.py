"""Tables of runs: the missing runs of a grid."""

from __future__ import annotations

from pathlib import Path

from deepdiff.constants import PAPER_PAIRS
from deepdiff.grid import GridConfig
from deepdiff.report.runs import missing_runs
from deepdiff.results import collect_results


def test_missing_runs_lists_commands(sim_results: Path) -> None:
    results = collect_results(sim_results)
    grid = GridConfig(pairs=PAPER_PAIRS[:4], seeds=(0,), data="simulated", profile="quick")
    missing = missing_runs(results, grid)
    assert set(missing["pair"]) == {PAPER_PAIRS[3]}
    assert len(missing) == 11
    assert missing["command"].str.startswith("deepdiff ").all()
