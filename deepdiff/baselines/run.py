"""Run one baseline on one pair and write its result directory (cached like every run).

:func:`fit_baseline` is the :class:`~deepdiff.methods.Fitter` of the baselines fitted here: look
the profile up, plan the run (:mod:`deepdiff.runs.template`) and return the complete cached result if
there is one; otherwise fit on the training split and select on the validation split (the
baseline never sees the test split), then predict the test genes once and write ``metrics.json``
and ``predictions.csv``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from deepdiff._util.threads import limited_threads
from deepdiff.baselines.base import FittedBaseline, RunContext
from deepdiff.data.containers import PairData, SplitData
from deepdiff.errors import ConfigError
from deepdiff.results.store import RunResult
from deepdiff.runs.method import Method, RunOptions
from deepdiff.runs.template import plan_run, reuse, run_metrics, write_run

#: ``fit(train, valid, config, ctx)`` of a baseline algorithm.
Algorithm = Callable[[SplitData, SplitData, Any, RunContext], FittedBaseline]


def resolve_jobs(n_jobs: int) -> int:
    """``n_jobs`` as a positive count: -1 means every CPU core."""
    if n_jobs == -1:
        return os.cpu_count() or 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise ConfigError(f"n_jobs must be a positive integer or -1 (all cores), got {n_jobs!r}")
    return n_jobs


def baseline_config(method: Method, profile: str, seed: int) -> dict[str, Any]:
    """The full configuration of a run: what enters the cache key and ``metrics.json``."""
    return {
        "method": method.name,
        "paper": method.paper,
        "profile": profile,
        "seed": int(seed),
        "baseline": method.profile_config(profile).to_dict(),
    }


def fit_baseline(
    data: PairData,
    method: Method,
    *,
    profile: str,
    seed: int,
    options: RunOptions,
    overrides: Mapping[str, Any] | None = None,
) -> RunResult:
    """Fit, select and evaluate one baseline of :mod:`deepdiff.baselines` (the registry's fitter)."""
    jobs = resolve_jobs(1 if options.threads is None else options.threads)
    config = method.profile_config(profile)
    plan = plan_run(data, method, profile, seed, baseline_config(method, profile, seed), options.results_dir)
    cached = reuse(plan, options)
    if cached is not None:
        return cached

    device = "cpu"
    if method.neural:
        from deepdiff.training.device import resolve_device

        device = str(resolve_device(options.device))
    ctx = RunContext(seed=int(seed), n_jobs=jobs, progress=options.progress, device=device)
    fit: Algorithm = method.algorithm()
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
    metrics = run_metrics(
        plan,
        data,
        train=data.train,
        valid=data.valid,
        valid_pred=fitted.valid_pred,
        test_pred=test_pred,
        device=device,
        timings=timings,
        label=method.label,
        paper=method.paper,
        history=fitted.history,
        selected=fitted.selected,
        search=fitted.search,
        n_jobs=jobs,
    )
    predictions = pd.DataFrame({"gene": data.test.genes, "lfc_true": data.test.lfc, "lfc_pred": test_pred})
    return write_run(plan, metrics, predictions, replace=options.force)
