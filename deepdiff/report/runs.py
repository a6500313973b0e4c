"""Tables of runs: a pair's runs, paired comparisons, coverage, runs by context.

The notebooks and ``deepdiff evaluate`` show runs through these functions, so every table of runs
carries the same columns: what was run, on which data, with which budget, and how well it did.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from deepdiff import methods
from deepdiff.data.containers import PairData
from deepdiff.report.context import contexts, data_families, in_context
from deepdiff.results.statistics import bootstrap_pearson_ci, paired_bootstrap
from deepdiff.results.store import RunResult, collect_results, load_result


def run_summary(runs: Sequence[RunResult], n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """One row per run (:class:`deepdiff.results.store.RunResult`): test PCC with a bootstrap interval and more.

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
