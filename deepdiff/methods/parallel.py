"""Several runs at once: each in a fresh process with one CPU thread, the results in the calls' order.

The small networks and searches of this project gain little from more threads, and independent runs
use every core, so a list of runs (a grid's jobs, a chapter's baselines, a curve over training sizes)
finishes sooner in worker processes. A run's result does not depend on where it ran: each worker
fits exactly as :func:`deepdiff.methods.run_method` does here, with the same seeds and one thread.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from deepdiff._util.threads import usable_cpus
from deepdiff.data.containers import PairData
from deepdiff.methods.registry import run_method
from deepdiff.results.store import RunResult
from deepdiff.runs.method import RunOptions


@dataclass(frozen=True)
class MethodCall:
    """One run: the method called ``method`` on ``data``, with a budget (``profile``), a seed and overrides."""

    data: PairData
    method: str
    profile: str
    seed: int = 0
    overrides: Mapping[str, Any] | None = None


class TimedRun(NamedTuple):
    """A finished run and the seconds its call took (a cached run: the time to find it)."""

    run: RunResult
    seconds: float


def default_workers(device: str) -> int:
    """Processes :func:`run_methods` uses by default: the usable CPUs, or 1 when training uses a GPU."""
    if device not in ("auto", "cpu"):
        return 1
    if device == "auto":
        import torch  # only to ask whether a GPU is there

        if torch.cuda.is_available() or torch.backends.mps.is_available():
            return 1
    return usable_cpus()


def _timed(call: MethodCall, options: RunOptions) -> TimedRun:
    tic = time.perf_counter()
    run = run_method(
        call.data,
        call.method,
        profile=call.profile,
        seed=call.seed,
        options=options,
        overrides=call.overrides,
    )
    return TimedRun(run, time.perf_counter() - tic)


def run_methods(
    calls: Sequence[MethodCall],
    options: RunOptions | None = None,
    *,
    workers: int | None = None,
    progress: bool = False,
    desc: str = "runs",
) -> list[TimedRun]:
    """Run every call (each cached like any run), ``workers`` at a time; results in the calls' order.

    Parameters
    ----------
    calls : sequence of MethodCall
    options : RunOptions, optional
        Shared by every run. With more than one worker, each run's own progress bars are off.
    workers : int, optional
        Runs at once, each in its own process with one CPU thread. Default: :func:`default_workers`
        of ``options.device``. With one, the runs are made here, one after the other.
    progress : bool
        A progress bar over the runs (with one worker: each run's own bars, as ``options`` says).
    desc : str
        The bar's label.

    Raises
    ------
    Whatever the first failing run raises; the runs not yet started are cancelled.
    """
    options = options or RunOptions()
    n_workers = min(len(calls), default_workers(options.device) if workers is None else workers)
    if n_workers <= 1:
        return [_timed(call, options) for call in calls]
    # Imported here: in a notebook without ipywidgets, tqdm.auto warns at import, and a page that only reads
    # results (the status page) imports this module without running anything.
    from tqdm.auto import tqdm

    quiet = replace(options, progress=False)
    # spawn, not fork: forking a process whose torch has started its thread pools can hang.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(n_workers, mp_context=context) as pool:
        futures = [pool.submit(_timed, call, quiet) for call in calls]
        try:
            for done in tqdm(
                as_completed(futures), total=len(futures), desc=desc, unit="run", disable=not progress
            ):
                done.result()  # the first failure stops the others
            return [f.result() for f in futures]
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
