"""A grid's runs gathered: each job beside the run that completes it, written as tables and a summary."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from deepdiff import methods
from deepdiff._util.io import atomic_write_json, atomic_write_text
from deepdiff.grid.files import GRID_MISSING_FILE, GRID_RUNS_FILE, GRID_SUMMARY_FILE
from deepdiff.grid.jobs import plan_jobs
from deepdiff.grid.running import data_checksums
from deepdiff.grid.settings import GridConfig
from deepdiff.results.intervals import with_intervals
from deepdiff.results.store import collect_results


def read_grid_summary(results_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The summary :func:`deepdiff.grid.aggregate.aggregate_grid` wrote in ``results_dir``, or None (absent or unreadable)."""
    try:
        summary = json.loads((Path(results_dir) / GRID_SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    keys = {"grid", "jobs", "found", "table", "written"}
    return summary if isinstance(summary, dict) and keys <= set(summary) else None


def match_jobs(
    results: pd.DataFrame, grid: GridConfig, checksums: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Each job of a grid beside the run that completes it, if any.

    A run completes a job when it has the job's pair, method and seed, the grid's profile and
    data source (any source for ``auto``) and, when ``checksums`` (pair -> data checksum, from
    :func:`deepdiff.grid.running.data_checksums`) are given, the same data. Runs of one job that differ
    in what the grid does not fix (e.g. ``--epochs``, or an earlier version of the code) are all
    candidates; the newest is taken.

    Returns
    -------
    DataFrame
        One row per job, in the grid's order: ``pair``, ``method``, ``seed``, ``command``,
        ``row`` (index of the run in ``results``, -1 when missing) and ``candidates``.
    """

    sub = results
    if not sub.empty:
        keep = sub["profile"] == grid.profile
        if grid.data != "auto":
            keep &= sub["source"] == grid.data
        sub = sub[keep]
    if checksums is not None and not sub.empty:
        sub = sub[[checksums.get(p) == c for p, c in zip(sub["pair"], sub["data_checksum"], strict=True)]]
    by_job: dict[tuple[str, str, int], list[Any]] = {}
    if not sub.empty:
        ordered = sub.sort_values("created", kind="stable")
        for index, pair, method, seed in zip(
            ordered.index, ordered["pair"], ordered["method"], ordered["seed"].astype(int), strict=True
        ):
            by_job.setdefault((str(pair), str(method), int(seed)), []).append(index)
    rows = []
    for job in plan_jobs(grid):
        found = by_job.get((job.pair, job.method, job.seed), [])
        rows.append(
            {
                "pair": job.pair,
                "method": job.method,
                "seed": job.seed,
                "command": job.command(grid),
                "row": found[-1] if found else -1,
                "candidates": len(found),
            }
        )
    return pd.DataFrame(rows, columns=["pair", "method", "seed", "command", "row", "candidates"])


def missing_runs(
    results: pd.DataFrame, grid: GridConfig, checksums: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Jobs of a grid with no result yet, and the command of each (see :func:`match_jobs`)."""
    matched = match_jobs(results, grid, checksums)
    missing = matched[matched["row"] < 0]
    return missing[["pair", "method", "seed", "command"]].reset_index(drop=True)


#: Columns of :func:`grid_table`, in order.
GRID_TABLE_COLUMNS: tuple[str, ...] = (
    "pair",
    "method",
    "label",
    "kind",
    "seed",
    "data",
    "data_label",
    "profile",
    "test_pearson",
    "test_pearson_low",
    "test_pearson_high",
    "n_test",
    "run_dir",
    "candidates",
)


def grid_table(
    results: pd.DataFrame,
    grid: GridConfig,
    checksums: Mapping[str, str] | None = None,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The grid's runs as one tidy table, and the jobs it still lacks.

    Parameters
    ----------
    results : DataFrame
        :func:`deepdiff.results.store.collect_results` of the grid's results directory.
    grid : GridConfig
    checksums : mapping, optional
        Pair -> checksum of the grid's data (see :func:`match_jobs`).
    n_boot, level, seed
        The bootstrap of each run's test PCC interval.

    Returns
    -------
    (runs, missing)
        ``runs``: one row per job that has a run, in the grid's order, columns
        :data:`GRID_TABLE_COLUMNS` (``run_dir`` relative to the results directory, ``data`` the
        source, ``candidates`` how many runs matched the job); ``missing``: :func:`missing_runs`.
    """
    matched = match_jobs(results, grid, checksums)
    found = matched[matched["row"] >= 0]
    runs = with_intervals(results.loc[list(found["row"])], n_boot=n_boot, level=level, seed=seed)
    root = os.path.abspath(grid.results_dir)
    table = pd.DataFrame(
        {
            "pair": runs["pair"].to_numpy(),
            "method": runs["method"].to_numpy(),
            "label": [methods.label(m) for m in runs["method"]],
            "kind": runs["kind"].to_numpy(),
            "seed": runs["seed"].astype(int).to_numpy(),
            "data": runs["source"].to_numpy(),
            "data_label": runs["data_label"].to_numpy(),
            "profile": runs["profile"].to_numpy(),
            "test_pearson": runs["test_pearson"].to_numpy(),
            "test_pearson_low": runs["test_pearson_low"].to_numpy(),
            "test_pearson_high": runs["test_pearson_high"].to_numpy(),
            "n_test": runs["n_test"].to_numpy(),
            "run_dir": [os.path.relpath(os.path.abspath(p), root) for p in runs["path"]],
            "candidates": found["candidates"].to_numpy(),
        },
        columns=list(GRID_TABLE_COLUMNS),
    )
    missing = matched[matched["row"] < 0][["pair", "method", "seed", "command"]].reset_index(drop=True)
    return table, missing


def aggregate_grid(
    grid: GridConfig, *, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> dict[str, Any]:
    """Write the grid's runs and its missing runs as two TSV files, and a summary, atomically.

    In ``grid.results_dir``: :data:`deepdiff.grid.files.GRID_RUNS_FILE` (one row per job with a run,
    columns :data:`GRID_TABLE_COLUMNS`), :data:`deepdiff.grid.files.GRID_MISSING_FILE` (``pair``,
    ``method``, ``seed``, ``command``) and :data:`deepdiff.grid.files.GRID_SUMMARY_FILE` (the grid, the
    counts, the time). Runs are matched to jobs on the data the grid's jobs load (see
    :func:`match_jobs`), so runs of other data, budgets or pairs in the same directory are left
    out.

    Returns
    -------
    dict
        The summary: ``grid``, ``describe``, ``jobs``, ``found``, ``missing``, ``table``,
        ``written``.
    """
    root = Path(grid.results_dir)
    table, missing = grid_table(
        collect_results(root), grid, data_checksums(grid), n_boot=n_boot, level=level, seed=seed
    )
    atomic_write_text(root / GRID_RUNS_FILE, table.to_csv(sep="\t", index=False, float_format="%.6g"))
    atomic_write_text(root / GRID_MISSING_FILE, missing.to_csv(sep="\t", index=False))
    summary = {
        "grid": grid.to_mapping(),
        "describe": grid.describe(),
        "jobs": len(table) + len(missing),
        "found": len(table),
        "missing": len(missing),
        "table": GRID_RUNS_FILE,
        "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    atomic_write_json(root / GRID_SUMMARY_FILE, summary)
    return summary


def grid_runs(grid: GridConfig, results: pd.DataFrame) -> pd.DataFrame:
    """The runs of ``results`` that are jobs of ``grid``: a job's pair, method and seed, at the grid's
    profile and on its data source. A grid's bundle holds these, not the other runs of its directory."""
    jobs = {(job.pair, job.method, job.seed) for job in plan_jobs(grid)}
    if results.empty:
        return results
    keep = results["profile"] == grid.profile
    keep &= results.index.isin(
        [
            index
            for index, pair, method, seed in zip(
                results.index, results["pair"], results["method"], results["seed"], strict=True
            )
            if (str(pair), str(method), int(seed)) in jobs
        ]
    )
    if grid.data != "auto":
        keep &= results["source"] == grid.data
    return results[keep]
