"""The per-pair bootstrap: weighted resamples, seeds, and runs on other data left out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepdiff.constants import PAPER_PAIRS
from deepdiff.errors import DataError
from deepdiff.report.bootstrap import bootstrap_context, bootstrap_pair, same_data_groups
from deepdiff.results.statistics import weighted_pearson
from deepdiff.results.store import collect_results
from tests.report.conftest import only_context, write_runs


def test_weighted_pearson_matches_resampling() -> None:
    rng = np.random.default_rng(1)
    y, p = rng.normal(size=50), rng.normal(size=50)
    idx = rng.integers(0, 50, size=50)
    w = np.bincount(idx, minlength=50)[None, :].astype(float)
    got = weighted_pearson(np.vstack([np.ones((1, 50)), w]), y, p)
    assert got[0] == pytest.approx(np.corrcoef(y, p)[0, 1])
    assert got[1] == pytest.approx(np.corrcoef(y[idx], p[idx])[0, 1])


def test_bootstrap_pair_observed_is_mean_over_seeds_and_refuses_mixed_data() -> None:
    rng = np.random.default_rng(2)
    genes = [f"g{i}" for i in range(100)]
    y = rng.normal(size=100)
    seeds = [
        pd.DataFrame({"gene": genes, "lfc_true": y, "lfc_pred": y + rng.normal(size=100)}) for _ in range(3)
    ]
    boot = bootstrap_pair("E003-E004", {"raw_c": seeds}, n_boot=50)
    expected = np.mean([np.corrcoef(y, t["lfc_pred"])[0, 1] for t in seeds])
    assert boot.get("raw_c")[0] == pytest.approx(expected)
    assert boot.pcc.shape == (1, 51) and boot.n_seeds == {"raw_c": 3}
    other = seeds[0].assign(lfc_true=y + 1.0)
    with pytest.raises(DataError, match="different data"):
        bootstrap_pair("E003-E004", {"raw_c": seeds[:1], "raw_d": [other]}, n_boot=10)


def test_stale_runs_on_other_data_are_left_out_with_a_warning(tmp_path: Path) -> None:
    root, stale = tmp_path / "results", tmp_path / "stale"
    write_runs(root, pairs=PAPER_PAIRS[:1], seed=0)
    write_runs(stale, pairs=PAPER_PAIRS[:1], seed=1, strengths={"raw_c": 0.6})
    # One run of the same label, pair and method but different data (another draw of the truth).
    (src,) = list(stale.glob(f"{PAPER_PAIRS[0]}/raw_c/*"))
    src.rename(root / PAPER_PAIRS[0] / "raw_c" / "seed0-stale0000000")
    results = collect_results(root)
    ctx = only_context(results)
    with pytest.warns(UserWarning, match="stale"):
        boots = bootstrap_context(results, ctx, n_boot=20)
    (boot,) = boots.values()
    assert len(boot.excluded) == 1 and "stale" in boot.excluded[0]
    assert boot.n_seeds["raw_c"] == 1
    groups = same_data_groups([pd.read_csv(p / "predictions.csv") for p in map(Path, results["path"])])
    assert [len(g) for g in groups] == [11, 1]
