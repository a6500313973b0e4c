"""Reading attention: mark-level summaries for groups of genes (Figure 5) and bin-level profiles.

DeepDiff's two attention levels are often read as "which marks" (Level II, over rows) and
"where around the TSS" (Level I, over the 200 bins of each row).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepdiff.constants import BIN_SIZE_BP, MARKS, N_BINS
from deepdiff.errors import DataError

GROUPS: tuple[str, ...] = ("up", "down")


def row_marks(row_names: Sequence[str]) -> np.ndarray:
    """The mark (index into :data:`~deepdiff.constants.MARKS`) of each attention row.

    Every row name must contain exactly one mark name (e.g. ``"A:H3K4me1"``, ``"H3K27me3 (A-B)"``).

    Raises
    ------
    DataError
        Naming the row whose mark cannot be told.
    """
    out = np.empty(len(row_names), dtype=np.int64)
    for i, name in enumerate(row_names):
        hits = [j for j, mark in enumerate(MARKS) if mark.lower() in str(name).lower()]
        if len(hits) != 1:
            raise DataError(
                f"attention row {i} is named {name!r}: expected exactly one of {', '.join(MARKS)} in the "
                "name (the model's row_names); cannot assign it to a mark"
            )
        out[i] = hits[0]
    return out


def mark_attention(
    row_attention: np.ndarray, row_names: Sequence[str], genes: Sequence[str] | None = None
) -> pd.DataFrame:
    """Mark-level attention per gene: each mark's rows summed, the five marks normalised to one.

    Variants differ in their rows (``raw_d``: 5, ``raw_c``: 10 = A and B, ``aux``: the two cells'
    Level II attentions concatenated, ``raw_aux``: 25); summing a mark's rows makes them
    comparable.

    Parameters
    ----------
    row_attention : ndarray, shape (n_genes, n_rows)
    row_names : sequence of str, length n_rows
    genes : sequence of str, optional
        Index of the result.

    Returns
    -------
    DataFrame
        Genes x marks (columns :data:`MARKS`), rows summing to one.
    """
    att = np.asarray(row_attention, dtype=np.float64)
    if att.ndim != 2 or att.shape[1] != len(row_names):
        raise DataError(
            f"row attention has shape {att.shape} but there are {len(row_names)} row names; "
            "the attention file does not belong to this model"
        )
    marks = row_marks(row_names)
    per_mark = np.zeros((att.shape[0], len(MARKS)))
    np.add.at(per_mark.T, marks, att.T)
    total = per_mark.sum(axis=1, keepdims=True)
    per_mark = np.divide(per_mark, total, out=np.full_like(per_mark, np.nan), where=total > 0)
    index = pd.Index(np.asarray(genes).astype(str), name="gene") if genes is not None else None
    return pd.DataFrame(per_mark, columns=list(MARKS), index=index)


@dataclass(frozen=True)
class Selection:
    """Strongly up- and down-regulated genes and the rule that chose them."""

    up: np.ndarray
    down: np.ndarray
    rule: str


def _genes(n: int) -> str:
    return f"{n} gene" if n == 1 else f"{n} genes"


def select_regulated(lfc: np.ndarray, up: float = 8.0, down: float = -8.0, min_genes: int = 10) -> Selection:
    """Genes with LFC above ``up`` and below ``down`` (the paper's ±8).

    When fewer than ``min_genes`` genes pass a threshold (small or simulated data), the
    ``min_genes`` genes with the most extreme LFC on that side are taken instead, and
    :attr:`Selection.rule` says so.

    Returns
    -------
    Selection
        Integer index arrays into ``lfc``.
    """
    lfc = np.asarray(lfc, dtype=np.float64)
    order = np.argsort(lfc, kind="stable")
    parts = []
    up_idx = np.flatnonzero(lfc > up)
    if up_idx.size < min_genes:
        up_idx = order[::-1][: min(min_genes, lfc.size)]
        up_idx = up_idx[lfc[up_idx] > 0]
        parts.append(
            f"up: only {_genes(int((lfc > up).sum()))} with LFC > {up:g}, so the {up_idx.size} most up-regulated "
            f"(LFC ≥ {lfc[up_idx].min():.2f})"
            if up_idx.size
            else f"up: no gene with LFC > {up:g} or > 0"
        )
    else:
        parts.append(f"up: {up_idx.size} genes with LFC > {up:g}")
    down_idx = np.flatnonzero(lfc < down)
    if down_idx.size < min_genes:
        down_idx = order[: min(min_genes, lfc.size)]
        down_idx = down_idx[lfc[down_idx] < 0]
        parts.append(
            f"down: only {_genes(int((lfc < down).sum()))} with LFC < {down:g}, so the {down_idx.size} most "
            f"down-regulated (LFC ≤ {lfc[down_idx].max():.2f})"
            if down_idx.size
            else f"down: no gene with LFC < {down:g} or < 0"
        )
    else:
        parts.append(f"down: {down_idx.size} genes with LFC < {down:g}")
    return Selection(up=np.sort(up_idx), down=np.sort(down_idx), rule="; ".join(parts))


def group_mark_attention(
    mark_att: pd.DataFrame,
    selection: Selection,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    return_replicates: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Mean mark-level attention of the up- and down-regulated genes, with bootstrap intervals.

    Parameters
    ----------
    mark_att : DataFrame
        Genes x marks (:func:`mark_attention`), in the order of the LFC used for ``selection``.
    selection : Selection
    n_boot, seed, level
        Genes are resampled within each group.
    return_replicates : bool
        Also return ``{"up": (n_boot + 1, 5), "down": ...}``: row 0 observed, then replicates
        (NaN when a group is empty).

    Returns
    -------
    DataFrame
        Long form: ``group``, ``mark``, ``mean``, ``low``, ``high``, ``n_genes``, ``rank`` (1 = highest
        in the group).
    """
    values = mark_att.to_numpy(np.float64)
    rng = np.random.default_rng(seed)
    reps: dict[str, np.ndarray] = {}
    rows = []
    alpha = (1.0 - level) / 2.0
    for group in GROUPS:
        idx = getattr(selection, group)
        if idx.size == 0:
            reps[group] = np.full((n_boot + 1, len(MARKS)), np.nan)
        else:
            sub = values[idx]
            draws = rng.integers(0, idx.size, size=(n_boot, idx.size))
            boot = sub[draws].mean(axis=1)
            reps[group] = np.vstack([sub.mean(axis=0, keepdims=True), boot])
        obs = reps[group][0]
        ranks = np.argsort(np.argsort(-obs)) + 1 if idx.size else np.full(len(MARKS), -1)
        for j, mark in enumerate(MARKS):
            col = reps[group][1:, j]
            low, high = np.quantile(col, [alpha, 1 - alpha]) if idx.size else (math.nan, math.nan)
            rows.append(
                {
                    "group": group,
                    "mark": mark,
                    "mean": float(obs[j]),
                    "low": float(low),
                    "high": float(high),
                    "n_genes": int(idx.size),
                    "rank": int(ranks[j]),
                }
            )
    summary = pd.DataFrame(rows)
    return (summary, reps) if return_replicates else summary


def bin_positions() -> np.ndarray:
    """Centre of each bin in bp relative to the TSS (-9,950 ... +9,950)."""
    return (np.arange(N_BINS) - N_BINS / 2 + 0.5) * BIN_SIZE_BP


def bin_profiles(
    bin_attention: np.ndarray,
    bin_row_names: Sequence[str],
    groups: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Mean Level I (bin) attention per row and bin, for groups of genes.

    Parameters
    ----------
    bin_attention : ndarray, shape (n_genes, n_rows, 200)
    bin_row_names : sequence of str
    groups : dict, optional
        Group name -> gene index array; default one group ``"all"``.

    Returns
    -------
    DataFrame
        Long form: ``group``, ``row``, ``mark``, ``bin``, ``position_bp``, ``attention`` (mean over
        the group's genes), ``uniform`` (1/200, the value of attention that prefers no bin).
    """
    att = np.asarray(bin_attention, dtype=np.float32)
    if att.ndim != 3 or att.shape[1] != len(bin_row_names) or att.shape[2] != N_BINS:
        raise DataError(
            f"bin attention has shape {att.shape}; expected (genes, {len(bin_row_names)}, {N_BINS})"
        )
    marks = row_marks(bin_row_names)
    groups = groups if groups is not None else {"all": np.arange(att.shape[0])}
    pos = bin_positions()
    frames = []
    for name, idx in groups.items():
        if len(idx) == 0:
            continue
        mean = att[np.asarray(idx)].mean(axis=0, dtype=np.float64)  # (rows, bins)
        for r, row in enumerate(bin_row_names):
            frames.append(
                pd.DataFrame(
                    {
                        "group": name,
                        "row": str(row),
                        "mark": MARKS[marks[r]],
                        "bin": np.arange(N_BINS),
                        "position_bp": pos,
                        "attention": mean[r],
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not out.empty:
        out["uniform"] = 1.0 / N_BINS
    return out


def mark_bin_profile(bin_attention: np.ndarray, bin_row_names: Sequence[str]) -> np.ndarray:
    """Per gene, each mark's bin attention averaged over that mark's rows: (n_genes, 5, 200)."""
    att = np.asarray(bin_attention, dtype=np.float32)
    marks = row_marks(bin_row_names)
    out = np.zeros((att.shape[0], len(MARKS), att.shape[2]), dtype=np.float32)
    counts = np.bincount(marks, minlength=len(MARKS)).astype(np.float32)
    for r, m in enumerate(marks):
        out[:, m] += att[:, r]
    present = counts > 0
    out[:, present] /= counts[present][None, :, None]
    out[:, ~present] = np.nan
    return out
