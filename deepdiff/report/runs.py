"""Tables of runs: every run with its interval, a pair's runs, paired comparisons, coverage.

The notebooks and ``deepdiff evaluate`` show runs through these functions, so every table of runs
carries the same columns: what was run, on which data, with which budget, and how well it did.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from deepdiff import methods
from deepdiff.data.containers import PairData
from deepdiff.evaluation import bootstrap_pearson_ci, paired_bootstrap
from deepdiff.report.context import contexts, data_families, in_context
from deepdiff.results import PREDICTIONS_FILE, RunResult, collect_results

if TYPE_CHECKING:
    from deepdiff.grid import GridConfig


def evaluate_results(
    results_dir: str | os.PathLike[str], n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Every complete run under ``results_dir`` with its test PCC and a bootstrap interval.

    Returns
    -------
    DataFrame
        The columns of :func:`deepdiff.results.collect_results` plus ``n_test``,
        ``test_pearson_low`` and ``test_pearson_high`` (recomputed from ``predictions.csv``).
    """
    return with_intervals(collect_results(results_dir), n_boot=n_boot, level=level, seed=seed)


def with_intervals(
    table: pd.DataFrame, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """``table`` (rows of :func:`deepdiff.results.collect_results`) with ``n_test``,
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


def run_summary(runs: Sequence[RunResult], n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """One row per run (:class:`deepdiff.results.RunResult`): test PCC with a bootstrap interval and more.

    Returns
    -------
    DataFrame
        ``method``, ``label``, ``kind``, ``test PCC``, ``95% CI``, ``valid PCC``, ``test genes``,
        ``selected`` (hyper-parameters or epoch), ``seconds`` (wall time of the run),
        ``cached`` (found in the result cache), ``data``, ``profile``, ``seed``.
    """
    rows = []
    for run in runs:
        m = run.metrics
        pred = run.predictions
        low, high = bootstrap_pearson_ci(pred["lfc_true"], pred["lfc_pred"], n_boot=n_boot, seed=seed)
        selected = m.get("selected") or {}
        rows.append(
            {
                "method": m["method"],
                "label": methods.label(m["method"]),
                "kind": m["kind"],
                "test PCC": run.test_pearson,
                "95% CI": f"[{low:.3f}, {high:.3f}]",
                "low": low,
                "high": high,
                "valid PCC": (m.get("valid") or {}).get("pearson"),
                "test genes": len(pred),
                "selected": ", ".join(
                    f"{k}={_short(v)}" for k, v in selected.items() if not isinstance(v, dict)
                )[:90],
                "seconds": m.get("wall_time_s"),
                "cached": bool(getattr(run, "reused", False)),
                "data": m["data"]["label"],
                "profile": m["profile"],
                "seed": m["seed"],
            }
        )
    return pd.DataFrame(rows)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)) and len(value) > 3:
        return f"[{len(value)} values]"
    return str(value)


def runs_of_pair(results_dir: str | os.PathLike[str], data: PairData) -> pd.DataFrame:
    """Every complete run of this pair on the same data (source and label), any profile."""
    runs = collect_results(results_dir)
    if runs.empty:
        return runs
    mask = (
        (runs["pair"] == str(data.pair))
        & (runs["source"] == data.source)
        & (runs["data_label"] == data.label)
    )
    return runs[mask].reset_index(drop=True)


def compare_runs(first: RunResult, second: RunResult, n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """PCC(first) - PCC(second) on their common test genes, with a paired bootstrap.

    Both methods are scored on the same resampled genes, so the gene-to-gene variation they share
    cancels and the interval of the difference is narrower than the two separate intervals suggest.

    Returns
    -------
    dict
        ``comparison`` (labels), ``PCC difference``, ``low``, ``high``, ``95% CI``,
        ``p (two-sided)``, ``genes``.
    """
    joined = first.predictions.merge(second.predictions, on="gene", suffixes=("_a", "_b"))
    d = paired_bootstrap(
        joined["lfc_true_a"], joined["lfc_pred_a"], joined["lfc_pred_b"], n_boot=n_boot, seed=seed
    )
    return {
        "comparison": f"{methods.label(first.method)} − {methods.label(second.method)}",
        "PCC difference": d["diff"],
        "low": d["low"],
        "high": d["high"],
        "95% CI": f"[{d['low']:+.3f}, {d['high']:+.3f}]",
        "p (two-sided)": d["p_value"],
        "genes": len(joined),
    }


def comparison_table(
    pairs: Iterable[tuple[RunResult, RunResult]], n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """:func:`compare_runs` for each pair of runs, one row each."""
    rows = [compare_runs(a, b, n_boot=n_boot, seed=seed) for a, b in pairs]
    return pd.DataFrame(rows, columns=["comparison", "PCC difference", "95% CI", "p (two-sided)", "genes"])


def runs_beside(
    run: RunResult, data: PairData, results_dir: str | os.PathLike[str], n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """``run`` beside every other run of its pair on the same data, with paired differences.

    Returns
    -------
    DataFrame
        :func:`run_summary` of ``run`` and the others, plus ``this run − method (PCC, 95% CI)``
        (:func:`compare_runs`); empty when no baseline has been run on this pair and data.
    """
    from deepdiff.results import load_result

    others = runs_of_pair(results_dir, data)
    others = others[(others["method"] != run.method) | (others["seed"] != run.metrics["seed"])]
    if not (others["kind"] == "baseline").any():
        return pd.DataFrame()
    runs = [run] + [load_result(p) for p in others["path"]]
    table = run_summary(runs, n_boot=n_boot, seed=seed)
    diffs = [compare_runs(run, other, n_boot=n_boot) for other in runs[1:]]
    column = ["—", *(f"{d['PCC difference']:+.3f} {d['95% CI']}" for d in diffs)]
    return table.assign(**{"this run − method (PCC, 95% CI)": column})


def coverage_table(results: pd.DataFrame) -> pd.DataFrame:
    """Which runs exist: rows data × profile × pair, columns methods (paper's order), cells = seeds."""
    if results.empty:
        return pd.DataFrame()
    counts = (
        results.assign(data=data_families(results))
        .groupby(["data", "profile", "pair", "method"])
        .size()
        .unstack("method", fill_value=0)
    )
    order = [m for m in methods.METHODS if m in counts.columns]
    order += sorted(c for c in counts.columns if c not in order)
    counts = counts[order]
    counts.columns = [methods.label(m) for m in counts.columns]
    return counts


#: What :func:`runs_by_context` counts, in words (the pages that show a count say it).
RUN_COUNT_MEANING = (
    "complete runs (a run: one method on one pair with one seed, its metrics written), counted per "
    "context: one data source and one training profile, the unit in which results are compared"
)


def runs_by_context(results: pd.DataFrame) -> pd.DataFrame:
    """How many complete runs each context holds, best evidence first.

    The status page and the results chapter count runs this way, so the count of a context is the
    same on both, whatever other contexts (a chapter's own data, the simulated twins of the data
    chapter) the results directory also holds.

    Returns
    -------
    DataFrame
        One row per context (:func:`deepdiff.report.context.contexts`): ``context``, ``runs``,
        ``pairs``, ``methods``, ``models`` (runs of DeepDiff variants) and ``baselines`` (runs of baselines).
    """
    columns = ["context", "runs", "pairs", "methods", "models", "baselines"]
    rows = []
    for context in contexts(results):
        runs = in_context(results, context)
        rows.append(
            {
                "context": str(context),
                "runs": len(runs),
                "pairs": runs["pair"].nunique(),
                "methods": runs["method"].nunique(),
                "models": int((runs["kind"] == "deepdiff").sum()),
                "baselines": int((runs["kind"] == "baseline").sum()),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def match_jobs(
    results: pd.DataFrame, grid: GridConfig, checksums: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Each job of a grid beside the run that completes it, if any.

    A run completes a job when it has the job's pair, method and seed, the grid's profile and
    data source (any source for ``auto``) and, when ``checksums`` (pair -> data checksum, from
    :func:`deepdiff.grid.data_checksums`) are given, the same data. Runs of one job that differ
    in what the grid does not fix (e.g. ``--epochs``, or an earlier version of the code) are all
    candidates; the newest is taken.

    Returns
    -------
    DataFrame
        One row per job, in the grid's order: ``pair``, ``method``, ``seed``, ``command``,
        ``row`` (index of the run in ``results``, -1 when missing) and ``candidates``.
    """
    from deepdiff.grid import plan_jobs

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
        :func:`deepdiff.results.collect_results` of the grid's results directory.
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

    In ``grid.results_dir``: :data:`deepdiff.grid.GRID_RUNS_FILE` (one row per job with a run,
    columns :data:`GRID_TABLE_COLUMNS`), :data:`deepdiff.grid.GRID_MISSING_FILE` (``pair``,
    ``method``, ``seed``, ``command``) and :data:`deepdiff.grid.GRID_SUMMARY_FILE` (the grid, the
    counts, the time). Runs are matched to jobs on the data the grid's jobs load (see
    :func:`match_jobs`), so runs of other data, budgets or pairs in the same directory are left
    out.

    Returns
    -------
    dict
        The summary: ``grid``, ``describe``, ``jobs``, ``found``, ``missing``, ``table``,
        ``written``.
    """
    from datetime import datetime, timezone

    from deepdiff.grid import GRID_MISSING_FILE, GRID_RUNS_FILE, GRID_SUMMARY_FILE, data_checksums
    from deepdiff.io import atomic_write_json, atomic_write_text

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
