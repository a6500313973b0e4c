"""Figure 5's three claims about mark-level attention, on the runs that saved attention."""

from __future__ import annotations

import math
import os
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

from deepdiff import methods
from deepdiff.errors import DataError
from deepdiff.report import paper
from deepdiff.report.claims import ClaimResult
from deepdiff.report.context import Context, Evidence, contexts, in_context
from deepdiff.results.statistics import percentile_ci
from deepdiff.results.store import ATTENTION_FILE, collect_results, load_result


def select_figure5_run(results: pd.DataFrame, context: Context, pair: str | None = None) -> pd.DataFrame:
    """The runs behind our Figure 5 in one context: the best variant with saved attention.

    The pair is ``pair``, else the paper's (:data:`deepdiff.report.paper.FIGURE5_PAIR`) when it was
    run, else the pair with the most variants. The variant is the one with the best mean
    validation PCC (the paper says only "one of the best performing"). Returns its rows (one
    per seed), empty when no run has attention.
    """
    rows = in_context(results, context)
    rows = rows[(rows["kind"] == "deepdiff") & rows["method"].isin(methods.PAPER_VARIANTS)]
    rows = rows[[(Path(p) / ATTENTION_FILE).is_file() for p in rows["path"]]]
    if rows.empty:
        return rows
    if pair is None:
        pairs = set(rows["pair"])
        pair = (
            paper.FIGURE5_PAIR
            if paper.FIGURE5_PAIR in pairs
            else rows.groupby("pair")["method"].nunique().sort_values(ascending=False, kind="stable").index[0]
        )
    rows = rows[rows["pair"] == pair]
    if rows.empty:
        return rows
    best = rows.groupby("method")["valid_pearson"].mean().sort_values(ascending=False, kind="stable").index[0]
    return rows[rows["method"] == best].sort_values("seed")


def figure5_inputs(runs: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Mark-level attention per test gene (mean over the seeds of ``runs``) and the true LFC.

    Returns
    -------
    (DataFrame, Series)
        Genes x marks attention (rows sum to one) and the true LFC, indexed by gene.
    """
    from deepdiff.interpret import mark_attention

    frames, lfc = [], None
    for path in runs["path"]:
        res = load_result(path)
        att = res.attention()
        if att is None:
            raise DataError(f"{path} has no attention.npz; run the variant again to save attention")
        frames.append(mark_attention(att["row_attention"], att["row_names"], genes=att["genes"]))
        if lfc is None:
            pred = res.predictions.set_index("gene")
            lfc = pred["lfc_true"]
    if not frames or lfc is None:
        raise DataError("no runs given for Figure 5")
    genes = frames[0].index
    for f in frames[1:]:
        genes = genes.intersection(f.index)
    mean = sum(f.loc[genes] for f in frames) / len(frames)
    return mean, lfc.loc[genes]


def evaluate_figure5(
    mark_att: pd.DataFrame,
    lfc: pd.Series | np.ndarray,
    context: Context | None = None,
    pair: str | None = None,
    n_seeds: int = 1,
    up: float = paper.FIGURE5_UP,
    down: float = paper.FIGURE5_DOWN,
    min_genes: int = 10,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[pd.DataFrame, list[ClaimResult], str]:
    """Figure 5's three claims on one run's mark-level attention.

    Parameters
    ----------
    mark_att : DataFrame
        Genes x marks mean Level II attention (:func:`deepdiff.interpret.mark_attention`).
    lfc : array-like
        True LFC of the same genes.
    context, pair, n_seeds
        Provenance, for the evidence record.
    up, down, min_genes
        The paper's thresholds (LFC > 8, < -8); when fewer than ``min_genes`` genes pass one,
        the ``min_genes`` most extreme genes are used instead and the rule says so.

    Returns
    -------
    (summary, claims, rule)
        ``summary`` from :func:`deepdiff.interpret.group_mark_attention`; the three
        :class:`ClaimResult`; the gene-selection rule in words.
    """
    from deepdiff.constants import MARKS
    from deepdiff.interpret import group_mark_attention, select_regulated

    values = np.asarray(lfc, dtype=np.float64)
    sel = select_regulated(values, up=up, down=down, min_genes=min_genes)
    summary, reps = group_mark_attention(
        mark_att, sel, n_boot=n_boot, seed=seed, level=level, return_replicates=True
    )
    evidence = None
    if context is not None:
        evidence = Evidence(
            context=context, pairs=(pair,) if pair else (), min_seeds=n_seeds, max_seeds=n_seeds
        )
    k4 = [MARKS.index("H3K4me1"), MARKS.index("H3K4me3")]
    k27, k9 = MARKS.index("H3K27me3"), MARKS.index("H3K9me3")
    up_m, down_m = reps["up"], reps["down"]  # (n_boot + 1, 5)
    ranks_up = np.argsort(np.argsort(-up_m, axis=1), axis=1)
    ranks_down = np.argsort(np.argsort(-down_m, axis=1), axis=1)

    results = []
    holds = (ranks_up[:, k4] <= 1).all(axis=1)
    second = np.sort(up_m, axis=1)[:, -3]  # third-highest mark: K4 marks must beat it
    margin = up_m[:, k4].min(axis=1) - second
    results.append(_attention_result("fig5.up_k4", holds, margin, "K4 margin over 3rd mark", evidence, level))
    diff = down_m[:, k27] - up_m[:, k27]
    holds = (ranks_down[:, k27] == 1) & (diff > 0)
    results.append(_attention_result("fig5.down_k27", holds, diff, "H3K27me3 down − up", evidence, level))
    worst = np.maximum(up_m[:, k9], down_m[:, k9])
    holds = worst < 1.0 / len(MARKS)
    results.append(_attention_result("fig5.k9_low", holds, worst, "max H3K9me3 attention", evidence, level))
    return summary, results, sel.rule


def _attention_result(
    claim_id: str, holds: np.ndarray, est: np.ndarray, name: str, evidence: Evidence | None, level: float
) -> ClaimResult:
    low, high = percentile_ci(est[1:], level)
    return ClaimResult(
        claim_id=claim_id,
        verdict="holds" if bool(holds[0]) else "does not hold",
        estimate=float(est[0]),
        estimate_low=low,
        estimate_high=high,
        estimate_name=name,
        support=float(np.mean(holds[1:])) if holds.size > 1 else math.nan,
        evidence=evidence,
    )


def attention_runs(results_dir: str | os.PathLike[str], pairs: Collection[str] = ()) -> set[Path]:
    """The runs whose ``attention.npz`` the book's Figure 5 reads, plus every variant run on ``pairs``.

    Figure 5 (:func:`select_figure5_run`) reads the attention of one
    variant's seeds on one pair, in each context. A shard of a grid does not see the other
    shards' runs, so its choice may differ from the whole grid's: a shard keeps the attention of
    every variant on the grid's Figure 5 pair (``pairs``), and :func:`deepdiff.results.bundle.merge` keeps only what the
    merged runs' Figure 5 reads.
    """
    results = collect_results(results_dir)
    keep = {Path(p).resolve() for c in contexts(results) for p in select_figure5_run(results, c)["path"]}
    if pairs and not results.empty:
        extra = results[results["pair"].isin(list(pairs)) & results["method"].isin(methods.PAPER_VARIANTS)]
        keep |= {Path(p).resolve() for p in extra["path"] if (Path(p) / ATTENTION_FILE).is_file()}
    return keep
