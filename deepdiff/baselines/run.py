"""Run one baseline on one pair and write its result directory (cached like every DeepDiff run).

Steps: look the method and profile up, check the splits, compute the cache key over the full
configuration and the data checksum, return the complete cached result if there is one;
otherwise fit on the training split and select on the validation split (the baseline never
sees the test split), then predict the test genes once and write ``metrics.json`` and
``predictions.csv`` (:mod:`deepdiff.results`).
"""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any

import pandas as pd

from deepdiff.baselines.base import RunContext
from deepdiff.baselines.registry import ATTENTIVECHROME_DIFF, MethodSpec, get_method
from deepdiff.constants import SPLITS
from deepdiff.data.containers import PairData
from deepdiff.errors import ConfigError, DataError
from deepdiff.paths import resolve_results_dir
from deepdiff.results import (
    RunResult,
    cache_key,
    find_result,
    load_result,
    result_path,
    split_metrics,
    write_result,
)
from deepdiff.threads import limited_threads

#: Smallest split sizes a baseline can be fitted and scored on.
MIN_GENES: dict[str, int] = {"train": 10, "valid": 3, "test": 1}


def check_splits(data: PairData) -> None:
    """DataError when a split is empty or too small to fit or score a baseline."""
    for name in SPLITS:
        n = len(data.split(name))
        if n < MIN_GENES[name]:
            what = "has no genes" if n == 0 else f"has only {n} genes"
            raise DataError(
                f"the {name} split of {data.pair} [{data.label}] {what}; baselines need at least "
                f"{MIN_GENES[name]} {name} genes (fit on train, select on valid, score on test). "
                "Check the data files or use a larger --genes."
            )


def resolve_jobs(n_jobs: int) -> int:
    """``n_jobs`` as a positive count: -1 means every CPU core."""
    if n_jobs == -1:
        return os.cpu_count() or 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise ConfigError(f"n_jobs must be a positive integer or -1 (all cores), got {n_jobs!r}")
    return n_jobs


def baseline_config(spec: MethodSpec, profile: str, seed: int) -> dict[str, Any]:
    """The full configuration of a run: what enters the cache key and ``metrics.json``."""
    config = spec.config(profile)
    return {
        "method": spec.name,
        "paper": spec.paper,
        "profile": profile,
        "seed": int(seed),
        "baseline": config.to_dict(),
    }


def run_baseline(
    data: PairData,
    method: str,
    *,
    profile: str = "quick",
    seed: int = 0,
    results_dir: str | os.PathLike[str] | None = None,
    n_jobs: int = 1,
    progress: bool = True,
    device: str = "auto",
    force: bool = False,
) -> RunResult:
    """Fit, select and evaluate one baseline on one pair; write and return its result.

    Parameters
    ----------
    data : PairData
    method : str
        A name of :data:`deepdiff.baselines.registry.METHODS` (``svr1``, ``svr2``, ``relief_rf``,
        ``attentivechrome_diff``, ``ridge``, ``hgb``, ``cnn``).
    profile : {"quick", "paper"}
        ``paper``: the paper's grids on all genes; ``quick``: smaller grids and samples, for
        offline builds and CI.
    seed : int
        Seeds subsamples, folds, forests and network weights.
    results_dir : path-like, optional
        Root of the result directories (default :func:`deepdiff.paths.default_results_dir`).
    n_jobs : int
        Processes/threads for the searches (-1: all cores); does not change the result.
    progress : bool
        tqdm progress bars.
    device : str
        Torch device of the neural baselines (``cnn``, ``attentivechrome_diff``).
    force : bool
        Run even when a complete cached result exists.

    Returns
    -------
    RunResult
        ``reused`` is True when the result came from the cache.

    Raises
    ------
    ConfigError
        Unknown method or profile, bad ``n_jobs`` or device.
    DataError
        An empty or too small split.
    """
    spec = get_method(method)
    jobs = resolve_jobs(n_jobs)
    if spec.name == ATTENTIVECHROME_DIFF:
        from deepdiff.training.runner import train_attentivechrome_diff

        check_splits(data)
        # n_jobs is its thread count (the training default, one CPU thread, would ignore it).
        return train_attentivechrome_diff(
            data,
            profile=profile,
            seed=seed,
            device=device,
            results_dir=results_dir,
            progress=progress,
            force=force,
            threads=jobs,
        )

    config = spec.config(profile)
    full = baseline_config(spec, profile, seed)
    check_splits(data)
    key = cache_key("baseline", spec.name, full, data.checksum)
    root = resolve_results_dir(results_dir)
    pair = str(data.pair)
    if not force:
        hit = find_result(root, pair, spec.name, seed, key)
        if hit is not None:
            return dataclasses.replace(load_result(hit), reused=True)

    device_name = "cpu"
    if spec.name == "cnn":
        from deepdiff.training.device import resolve_device

        device_name = str(resolve_device(device))
    ctx = RunContext(seed=int(seed), n_jobs=jobs, progress=progress, device=device_name)
    fit = spec.fit_function()
    with limited_threads(jobs):
        tic = time.perf_counter()
        fitted = fit(data.train, data.valid, config, ctx)
        fit_s = time.perf_counter() - tic
        tic = time.perf_counter()
        test_pred = fitted.predict(data.test)
        predict_s = time.perf_counter() - tic

    timings = {
        **fitted.timings,
        "fit_select_s": fit_s,
        "predict_test_s": predict_s,
        "total_s": fit_s + predict_s,
    }
    metrics = {
        "kind": "baseline",
        "method": spec.name,
        "label": spec.label,
        "paper": spec.paper,
        "pair": pair,
        "data": {
            "source": data.source,
            "label": data.label,
            "checksum": data.checksum,
            "n_genes": {name: len(data.split(name)) for name in SPLITS},
        },
        "profile": profile,
        "seed": int(seed),
        "config": full,
        "test": split_metrics(data.test.lfc, test_pred),
        "valid": split_metrics(data.valid.lfc, fitted.valid_pred),
        "history": fitted.history,
        "selected": fitted.selected,
        "search": fitted.search,
        "device": device_name,
        "n_jobs": jobs,
        "wall_time_s": fit_s + predict_s,
        "timings": timings,
        "key": key,
    }
    predictions = pd.DataFrame({"gene": data.test.genes, "lfc_true": data.test.lfc, "lfc_pred": test_pred})
    path = write_result(
        result_path(root, pair, spec.name, seed, key), metrics=metrics, predictions=predictions
    )
    return load_result(path)
