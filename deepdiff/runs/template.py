"""The run template every method shares: plan a run, reuse its cached result, or write a new one.

A run is one method on one pair with one profile and seed. :func:`plan_run` checks the splits and
fixes the full configuration, the cache key (:func:`deepdiff.results.store.cache_key`) and the result
directory; :func:`reuse` returns a complete cached result; :func:`run_metrics` and
:func:`write_run` record what was computed. The fitters (:mod:`deepdiff.training.runner`,
:mod:`deepdiff.baselines.run`) fill in only what differs: how a method is fitted and predicts.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from deepdiff._util.paths import resolve_results_dir
from deepdiff.constants import SPLITS
from deepdiff.data.containers import PairData, SplitData
from deepdiff.errors import DataError
from deepdiff.results.store import (
    RunResult,
    cache_key,
    is_complete,
    load_result,
    result_path,
    split_metrics,
    write_result,
)
from deepdiff.runs.method import Method, RunOptions

#: Smallest split sizes a method can be fitted and scored on.
MIN_GENES: Mapping[str, int] = {"train": 10, "valid": 3, "test": 1}


def check_splits(data: PairData) -> None:
    """DataError when a split is empty or too small to fit, select or score a method."""
    for name in SPLITS:
        n = len(data.split(name))
        if n < MIN_GENES[name]:
            what = "has no genes" if n == 0 else f"has only {n} genes"
            raise DataError(
                f"the {name} split of {data.pair} [{data.label}] {what}; methods need at least "
                f"{MIN_GENES[name]} {name} genes (fit on train, select on valid, score on test). "
                "Check the data files or use a larger --genes."
            )


@dataclass(frozen=True)
class RunPlan:
    """Everything decided before fitting.

    Attributes
    ----------
    method : Method
    profile : str
    seed : int
    config : dict
        The full configuration: what enters the cache key and ``metrics.json``.
    key : str
        The cache key.
    path : Path
        The result directory.
    """

    method: Method
    profile: str
    seed: int
    config: dict[str, Any]
    key: str
    path: Path

    def checkpoint(self, tag: str = "") -> Path:
        """Where a training checkpoint of this run lives (hidden, beside the result directory)."""
        suffix = f".{tag}" if tag else ""
        return self.path.parent / f".{self.path.name}{suffix}.ckpt"


def plan_run(
    data: PairData,
    method: Method,
    profile: str,
    seed: int,
    config: Mapping[str, Any],
    results_dir: str | os.PathLike[str] | None,
) -> RunPlan:
    """Check the splits and fix the key and result directory of a run."""
    check_splits(data)
    key = cache_key(method.kind, method.name, config, data.checksum)
    path = result_path(resolve_results_dir(results_dir), str(data.pair), method.name, seed, key)
    return RunPlan(method, profile, int(seed), dict(config), key, path)


def reuse(plan: RunPlan, options: RunOptions) -> RunResult | None:
    """The complete cached result of this run, or None (always None with ``options.force``)."""
    if options.force:
        return None
    if not is_complete(plan.path, plan.key):
        return None
    try:
        return dataclasses.replace(load_result(plan.path), reused=True)
    except DataError:  # replaced by a forced run at this very instant: compute it
        return None


def run_metrics(
    plan: RunPlan,
    data: PairData,
    *,
    train: SplitData,
    valid: SplitData,
    valid_pred: np.ndarray,
    test_pred: np.ndarray,
    device: str,
    timings: Mapping[str, float],
    **extra: Any,
) -> dict[str, Any]:
    """The fields of ``metrics.json`` every run has, plus ``extra``.

    ``train`` and ``valid`` are the genes the method actually used (a profile may subsample
    them); the test split is always whole.
    """
    return {
        "kind": plan.method.kind,
        "method": plan.method.name,
        "pair": str(data.pair),
        "data": {
            "source": data.source,
            "label": data.label,
            "checksum": data.checksum,
            "n_genes": {"train": len(train), "valid": len(valid), "test": len(data.test)},
        },
        "profile": plan.profile,
        "seed": plan.seed,
        "config": plan.config,
        "test": split_metrics(data.test.lfc, test_pred),
        "valid": split_metrics(valid.lfc, valid_pred),
        "device": device,
        "wall_time_s": timings["total_s"],
        "timings": dict(timings),
        "key": plan.key,
        **extra,
    }


def write_run(
    plan: RunPlan,
    metrics: dict[str, Any],
    predictions: pd.DataFrame,
    attention: Mapping[str, np.ndarray] | None = None,
    leftovers: Iterable[Path] = (),
    files: Mapping[str, bytes] | None = None,
    *,
    replace: bool = False,
) -> RunResult:
    """Write the result directory atomically (with ``files``, e.g. a saved model), delete the run's
    ``leftovers`` (checkpoints), load it.

    A complete result of the same run that another process wrote meanwhile is kept (both are the
    same run) unless ``replace`` (the run was forced).
    """
    path = write_result(
        plan.path, metrics=metrics, predictions=predictions, attention=attention, files=files, replace=replace
    )
    for file in leftovers:
        file.unlink(missing_ok=True)
    return load_result(path)
