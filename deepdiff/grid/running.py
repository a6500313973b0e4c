"""Running a grid here: its jobs in worker processes, its pairs' data, the results notebook on its runs."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from deepdiff import methods
from deepdiff.errors import DataError
from deepdiff.grid.jobs import plan_jobs
from deepdiff.grid.settings import GridConfig
from deepdiff.methods import RunOptions
from deepdiff.methods.parallel import MethodCall, run_methods

if TYPE_CHECKING:
    from deepdiff.data.containers import PairData


def load_grid_pair(grid: GridConfig, pair: str, *, progress: bool = False) -> PairData:
    """One pair of the grid, loaded as its jobs load it (same source, folder, genes and data seed)."""
    from deepdiff.sources.loading import load_pair

    return load_pair(
        pair, grid.data, data_dir=grid.data_dir, n_genes=grid.genes, seed=grid.data_seed, progress=progress
    )


def data_checksums(grid: GridConfig) -> dict[str, str]:
    """Pair -> checksum of the data its jobs use, for each pair with a job (the data are loaded)."""
    pairs = dict.fromkeys(job.pair for job in plan_jobs(grid))
    return {pair: load_grid_pair(grid, pair).checksum for pair in pairs}


def notebook_parameters(grid: GridConfig) -> dict[str, Any]:
    """The parameters of ``notebooks/05_results`` that make it report on exactly this grid's runs.

    Its pairs, methods, seeds, data and profile; ``run_missing=False`` (it reports, trains nothing).
    Simulated data without ``genes`` are the full size the jobs simulate, not the notebooks' default.
    """
    from deepdiff.constants import FULL_SPLIT_SIZES

    genes = grid.genes
    if genes is None and grid.data == "simulated":
        genes = sum(FULL_SPLIT_SIZES.values())
    return {
        "pair": grid.pairs[0],
        "extra_pairs": list(grid.pairs[1:]),
        "variants": list(grid.variants),
        "baselines": list(grid.baselines),
        "seeds": list(grid.seeds),
        "data": grid.data,
        "data_dir": str(Path(grid.data_dir).expanduser().resolve()) if grid.data_dir else None,
        "profile": grid.profile,
        "results_dir": str(Path(grid.results_dir).expanduser().resolve()),
        "run_missing": False,
        "n_genes": genes,
    }


def run_results_notebook(
    grid: GridConfig, notebook: str | os.PathLike[str], out: str | os.PathLike[str]
) -> Path:
    """Execute ``notebook`` (``05_results``) with :func:`notebook_parameters` by papermill; write ``out``.

    The executed notebook is written beside ``out`` under a name of its own and renamed into place,
    so ``out`` is never half-written, even by two runs at once (a run that fails in a cell leaves its
    partial copy as ``.<name>.failed.ipynb`` for reading; any other failure leaves nothing).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.stem}.failed{out.suffix}")
    tmp = out.with_name(f".{out.stem}.{uuid.uuid4().hex}.running{out.suffix}")
    try:
        papermill.execute_notebook(
            str(notebook),
            str(tmp),
            parameters=notebook_parameters(grid),
            cwd=str(Path(notebook).resolve().parent),
            progress_bar=False,
        )
    except PapermillExecutionError as err:
        if tmp.exists():
            os.replace(tmp, partial)
        raise DataError(
            f"{notebook} failed on the grid's runs (cell {err.exec_count}: {err.ename}: {err.evalue}); "
            f"the executed part is in {partial}"
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    partial.unlink(missing_ok=True)
    return out


def run_grid(
    grid: GridConfig, data: Mapping[str, PairData], *, progress: bool = False, workers: int | None = None
) -> pd.DataFrame:
    """Run every job of ``grid`` here, each through the method registry (cached).

    Parameters
    ----------
    grid : GridConfig
    data : mapping
        Pair -> its loaded data (every pair of the grid).
    progress : bool
        A progress bar over the jobs (with one worker: each run's own bars).
    workers : int, optional
        Jobs run at once, each in its own process with one CPU thread
        (:func:`deepdiff.methods.parallel.run_methods`). Default: the CPUs this process may use, or 1
        when training runs on a GPU. Results do not depend on it.

    Returns
    -------
    DataFrame
        One row per job: ``pair``, ``method``, ``seed``, ``cached`` (found in the result cache),
        ``seconds``.
    """
    jobs = plan_jobs(grid)
    calls = [
        MethodCall(
            data[job.pair],
            job.method,
            grid.profile,
            job.seed,
            {"max_epochs": grid.epochs}
            if grid.epochs is not None and methods.METHODS[job.method].training_loop
            else None,
        )
        for job in jobs
    ]
    options = RunOptions(results_dir=grid.results_dir, device=grid.device, progress=progress)
    done = run_methods(calls, options, workers=workers, progress=progress, desc="grid")
    rows = [
        {"pair": job.pair, "method": job.method, "seed": job.seed, "cached": run.reused, "seconds": seconds}
        for job, (run, seconds) in zip(jobs, done, strict=True)
    ]
    return pd.DataFrame(rows, columns=["pair", "method", "seed", "cached", "seconds"])
