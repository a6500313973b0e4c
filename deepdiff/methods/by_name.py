"""Run any baseline by its registry name, AttentiveChrome-diff (trained by :mod:`deepdiff.training`) included."""

from __future__ import annotations

import os

from deepdiff import methods
from deepdiff.baselines.run import resolve_jobs
from deepdiff.data.containers import PairData
from deepdiff.results.store import RunResult
from deepdiff.runs.method import RunOptions


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
        A baseline of :data:`deepdiff.methods.METHODS` (``svr1``, ``svr2``, ``relief_rf``,
        ``attentivechrome_diff``, ``ridge``, ``hgb``, ``cnn``).
    profile : {"quick", "paper"}
        ``paper``: the paper's grids on all genes; ``quick``: smaller grids and samples, for
        offline builds and CI.
    seed : int
        Seeds subsamples, folds, forests and network weights.
    results_dir : path-like, optional
        Root of the result directories (default :func:`deepdiff._util.paths.default_results_dir`).
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
    spec = methods.get(method, methods.names(kind="baseline"), what="baseline method")
    options = RunOptions(results_dir, device, resolve_jobs(n_jobs), progress, force)
    return spec.fit(data, profile=profile, seed=seed, options=options)
