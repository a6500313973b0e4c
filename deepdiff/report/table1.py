"""Our Table 1 beside the paper's: relative PCC of each variant against the two best baselines."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from deepdiff import methods
from deepdiff.evaluation import percentile_ci, relative_pcc
from deepdiff.report import paper
from deepdiff.report.bootstrap import PairBootstrap, evidence_of
from deepdiff.report.context import Context

#: Table 1 counts as reproduced when our value is within this many percentage points of the paper's
#: Table 1 counts as reproduced when our value is within this many percentage points of the paper's
#: (or the paper's value lies inside our confidence interval).
TABLE1_TOLERANCE_PP = 10.0


def table1_ours(boots: Mapping[str, PairBootstrap], context: Context, level: float = 0.95) -> pd.DataFrame:
    """Our Table 1 in one context, beside the paper's numbers.

    For every variant and each of the two baselines: mean and median over pairs of
    ``100 × PCC(variant) / PCC(baseline)`` (:func:`deepdiff.evaluation.relative_pcc`) with
    bootstrap intervals, over the pairs that have both.

    Returns
    -------
    DataFrame
        The columns of :func:`deepdiff.report.paper.table1` plus ``ours``, ``low``, ``high``,
        ``n_pairs``, ``within_tolerance`` and ``data``/``budget``.
    """
    table = paper.table1()
    ours, lows, highs, npairs, data, budget = [], [], [], [], [], []
    for row in table.itertuples():
        pairs = sorted(p for p, b in boots.items() if b.has((row.variant, row.baseline)))
        if not pairs:
            ours.append(math.nan)
            lows.append(math.nan)
            highs.append(math.nan)
            npairs.append(0)
            data.append("—")
            budget.append("—")
            continue
        rel = np.vstack([relative_pcc(boots[p].get(row.variant), boots[p].get(row.baseline)) for p in pairs])
        stat = np.nanmean(rel, axis=0) if row.statistic == "mean" else np.nanmedian(rel, axis=0)
        low, high = percentile_ci(stat[1:], level)
        ev = evidence_of(context, {p: boots[p] for p in pairs}, (row.variant, row.baseline))
        ours.append(float(stat[0]))
        lows.append(low)
        highs.append(high)
        npairs.append(len(pairs))
        data.append(ev.data_text)
        budget.append(ev.budget_text)
    out = table.rename(columns={"relative_pcc": "paper"}).assign(
        ours=ours, low=lows, high=highs, n_pairs=npairs, data=data, budget=budget
    )
    out["within_tolerance"] = (np.abs(out["ours"] - out["paper"]) <= TABLE1_TOLERANCE_PP) | (
        (out["low"] <= out["paper"]) & (out["paper"] <= out["high"])
    )
    return out


def table1_display(t1: pd.DataFrame) -> pd.DataFrame:
    """Table 1 as in the paper (one row per variant) with ours beside: ``ours [low, high] (paper)``."""

    def cell(r: pd.Series) -> str:
        if not math.isfinite(r["ours"]):
            return f"— (paper {r['paper']:.1f})"
        return f"{r['ours']:.1f} [{r['low']:.1f}, {r['high']:.1f}] (paper {r['paper']:.1f})"

    t = t1.assign(
        cell=t1.apply(cell, axis=1), column=t1["baseline"].map(methods.label) + " " + t1["statistic"]
    )
    wide = t.pivot(index="label", columns="column", values="cell")
    wide = wide.reindex(index=[methods.label(v) for v in methods.PAPER_VARIANTS])
    wide.index.name = "variant: relative PCC % vs"
    wide.columns.name = None
    return wide
