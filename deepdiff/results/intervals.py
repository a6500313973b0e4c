"""Each run's test PCC with a bootstrap interval, recomputed from its ``predictions.csv``."""

from __future__ import annotations

import os

import pandas as pd

from deepdiff.results.statistics import bootstrap_pearson_ci
from deepdiff.results.store import PREDICTIONS_FILE, collect_results


def evaluate_results(
    results_dir: str | os.PathLike[str], n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Every complete run under ``results_dir`` with its test PCC and a bootstrap interval.

    Returns
    -------
    DataFrame
        The columns of :func:`deepdiff.results.store.collect_results` plus ``n_test``,
        ``test_pearson_low`` and ``test_pearson_high`` (recomputed from ``predictions.csv``).
    """
    return with_intervals(collect_results(results_dir), n_boot=n_boot, level=level, seed=seed)


def with_intervals(
    table: pd.DataFrame, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """``table`` (rows of :func:`deepdiff.results.store.collect_results`) with ``n_test``,
    ``test_pearson_low`` and ``test_pearson_high``, from each run's ``predictions.csv``."""
    lows, highs, ns = [], [], []
    for path in table["path"]:
        pred = pd.read_csv(os.path.join(path, PREDICTIONS_FILE), usecols=["lfc_true", "lfc_pred"])
        ns.append(len(pred))
        low = high = float("nan")
        if len(pred) >= 2:
            low, high = bootstrap_pearson_ci(
                pred["lfc_true"].to_numpy(),
                pred["lfc_pred"].to_numpy(),
                n_boot=n_boot,
                level=level,
                seed=seed,
            )
        lows.append(low)
        highs.append(high)
    return table.assign(n_test=ns, test_pearson_low=lows, test_pearson_high=highs)
