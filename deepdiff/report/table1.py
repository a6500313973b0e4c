"""Our Table 1 (and the appendix's Table 3) beside the paper's: relative PCC against the baselines.

A relative PCC, ``100 × PCC(variant) / PCC(baseline)``, means something only where the baseline's
PCC is clearly positive: at or below zero the ratio flips sign or explodes. A pair whose baseline
PCC is not above zero, or whose bootstrap interval includes zero, is left out of the mean and the
median, and the table says which and why; with no pair left the cell is *undefined*, with the
reason. A cell without runs says which runs it needs and which are missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from deepdiff import methods
from deepdiff.report import paper
from deepdiff.report.bootstrap import PairBootstrap, evidence_of
from deepdiff.report.context import Context
from deepdiff.results.statistics import percentile_ci, relative_pcc

#: Table 1 counts as reproduced when our value is within this many percentage points of the paper's
#: (or the paper's value lies inside our confidence interval).
TABLE1_TOLERANCE_PP = 10.0


def baseline_problem(boot: PairBootstrap, baseline: str, level: float = 0.95) -> str:
    """Why a relative PCC against ``baseline`` is undefined on this pair, or ``""`` when it is defined.

    Defined when the baseline's observed PCC is above zero and so is the lower end of its bootstrap
    interval (the observed value alone when there are no replicates).
    """
    values = boot.get(baseline)
    observed = float(values[0])
    low, high = percentile_ci(values[1:], level)
    label = methods.label(baseline)
    if not math.isfinite(observed) or observed <= 0:
        return f"{label} PCC {observed:.3f} ≤ 0 on {boot.pair}"
    if math.isfinite(low) and low <= 0:
        return f"{label} PCC {observed:.3f}, {100 * level:.0f}% CI [{low:.3f}, {high:.3f}] includes 0 on {boot.pair}"
    return ""


def _lacking(boots: Mapping[str, PairBootstrap], needed: Sequence[str]) -> str:
    """The runs missing for ``needed``, per method: ``"svr2 on E003-E004, E123-E116"``; the same text
    for a method missing everywhere: ``"svr2 (no run on any pair)"``."""
    parts = []
    for m in needed:
        absent = sorted(p for p, b in boots.items() if m not in b.methods)
        if absent and len(absent) == len(boots):
            parts.append(f"{m} (no run on any pair)")
        elif absent:
            parts.append(f"{m} on {', '.join(absent)}")
    return "; ".join(parts)


def requirements_text(
    boots: Mapping[str, PairBootstrap], variants: Sequence[str], baselines: Sequence[str]
) -> str:
    """What a relative-PCC table needs and, when any is missing, which runs are (``""`` when none is)."""
    if not boots:
        needed = ", ".join((*variants, *baselines))
        return f"no runs in this context; the table needs {needed} on the same pairs"
    lacking = _lacking(boots, (*variants, *baselines))
    if not lacking:
        return ""
    return (
        f"the table needs runs of {', '.join(variants)} beside the baselines "
        f"{', '.join(f'{methods.label(b)} ({b})' for b in baselines)} on the same pairs; missing: {lacking}"
    )


def relative_table(
    reference: pd.DataFrame, boots: Mapping[str, PairBootstrap], context: Context, level: float = 0.95
) -> pd.DataFrame:
    """Our relative PCCs for the rows of a paper's table (:func:`deepdiff.report.paper.table1` or ``table3``).

    For every row (variant, baseline, statistic): the mean or median over pairs of
    ``100 × PCC(variant) / PCC(baseline)`` (:func:`deepdiff.results.statistics.relative_pcc`) with its bootstrap
    interval, over the pairs that have both runs and a clearly positive baseline PCC
    (:func:`baseline_problem`).

    Returns
    -------
    DataFrame
        The columns of ``reference`` (``relative_pcc`` renamed ``paper``) plus ``ours``, ``low``,
        ``high``, ``n_pairs`` (pairs used), ``note`` (why a value is missing, undefined or over fewer
        pairs; ``""`` otherwise), ``within_tolerance`` and ``data``/``budget``.
    """
    rows = []
    for row in reference.itertuples():
        both = sorted(p for p, b in boots.items() if b.has((row.variant, row.baseline)))
        problems = {p: baseline_problem(boots[p], row.baseline, level) for p in both}
        pairs = [p for p in both if not problems[p]]
        left_out = [problems[p] for p in both if problems[p]]
        out = {"ours": math.nan, "low": math.nan, "high": math.nan, "n_pairs": len(pairs)}
        out |= {"data": "—", "budget": "—", "note": ""}
        if not both:
            lacking = _lacking(boots, (row.variant, row.baseline)) if boots else "no runs in this context"
            out["note"] = f"not run: needs {row.variant} and {row.baseline} on a pair; missing {lacking}"
        elif not pairs:
            out["note"] = "undefined: " + "; ".join(left_out)
        else:
            rel = np.vstack(
                [relative_pcc(boots[p].get(row.variant), boots[p].get(row.baseline)) for p in pairs]
            )
            stat = np.nanmean(rel, axis=0) if row.statistic == "mean" else np.nanmedian(rel, axis=0)
            low, high = percentile_ci(stat[1:], level)
            ev = evidence_of(context, {p: boots[p] for p in pairs}, (row.variant, row.baseline))
            out |= {"ours": float(stat[0]), "low": low, "high": high}
            out |= {"data": ev.data_text, "budget": ev.budget_text}
            if left_out:
                out["note"] = (
                    f"over {len(pairs)} of {len(both)} pairs; left out, ratio undefined: "
                    + "; ".join(left_out)
                )
        rows.append(out)
    table = reference.rename(columns={"relative_pcc": "paper"}).reset_index(drop=True)
    table = pd.concat([table, pd.DataFrame(rows)], axis=1)
    table["within_tolerance"] = (np.abs(table["ours"] - table["paper"]) <= TABLE1_TOLERANCE_PP) | (
        (table["low"] <= table["paper"]) & (table["paper"] <= table["high"])
    )
    return table


def table1_ours(boots: Mapping[str, PairBootstrap], context: Context, level: float = 0.95) -> pd.DataFrame:
    """Our Table 1 in one context, beside the paper's numbers (:func:`relative_table` of
    :func:`deepdiff.report.paper.table1`)."""
    return relative_table(paper.table1(), boots, context, level)


def table3_ours(boots: Mapping[str, PairBootstrap], context: Context, level: float = 0.95) -> pd.DataFrame:
    """Our Table 3 (Appendix Section 1.6): Aux and Raw+Aux with classification auxiliary tasks against
    the two-layer SVR (:func:`relative_table` of :func:`deepdiff.report.paper.table3`); the paper's
    column is NaN, its numbers not being in its text."""
    return relative_table(paper.table3(), boots, context, level)


def cell_text(row: Mapping[str, object]) -> str:
    """One cell: ``ours [low, high] (paper x)``, or what is missing or undefined, and why."""
    theirs = float(row["paper"])  # type: ignore[arg-type]
    paper_text = f"paper {theirs:.1f}" if math.isfinite(theirs) else "paper: not in its text"
    ours = float(row["ours"])  # type: ignore[arg-type]
    note = str(row.get("note") or "")
    if not math.isfinite(ours):
        return f"{note or '—'} ({paper_text})"
    value = f"{ours:.1f} [{float(row['low']):.1f}, {float(row['high']):.1f}] ({paper_text})"  # type: ignore[arg-type]
    return f"{value}; {note}" if note else value


def relative_display(table: pd.DataFrame, variants: Sequence[str]) -> pd.DataFrame:
    """A relative-PCC table as in the paper (one row per variant), each cell :func:`cell_text`."""
    t = table.assign(
        cell=[cell_text(r) for r in table.to_dict("records")],
        column=table["baseline"].map(methods.label) + " " + table["statistic"],
    )
    wide = t.pivot(index="label", columns="column", values="cell")
    wide = wide.reindex(index=[methods.label(v) for v in variants])
    wide.index.name = "variant: relative PCC % vs"
    wide.columns.name = None
    return wide


def table1_display(t1: pd.DataFrame) -> pd.DataFrame:
    """Table 1 as in the paper (one row per variant) with ours beside: ``ours [low, high] (paper)``."""
    return relative_display(t1, methods.PAPER_VARIANTS)


def table3_display(t3: pd.DataFrame) -> pd.DataFrame:
    """Table 3 as in the paper (one row per variant) with ours beside."""
    return relative_display(t3, methods.APPENDIX_VARIANTS)
