"""Reading attention: mark-level summaries, bin-level profiles, and how far attention can be trusted.

DeepDiff's two attention levels are often read as "which marks" (Level II, over rows) and
"where around the TSS" (Level I, over the 200 bins of each row). This module summarises both
for groups of genes (Figure 5 of the paper), and on simulated data, whose mechanism is planted
and known, measures how well attention — and, for comparison, a gradient attribution — recovers
the planted marks and bins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from deepdiff.constants import BIN_SIZE_BP, MARKS, N_BINS
from deepdiff.errors import DataError

GROUPS: tuple[str, ...] = ("up", "down")


# --------------------------------------------------------------------------------------------
# Rows -> marks
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Up- and down-regulated genes (Figure 5)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Bin-level profiles
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Gradient attribution
# --------------------------------------------------------------------------------------------


def gradient_attribution(
    model: Any,
    x_a: np.ndarray,
    x_b: np.ndarray,
    method: str = "grad_x_input",
    steps: int = 16,
    batch_size: int = 64,
    device: str = "cpu",
) -> np.ndarray:
    """Attribution of the predicted LFC to every input count, summed over the two cells.

    Parameters
    ----------
    model : torch.nn.Module
        A DeepDiff variant: ``model(x_a, x_b).diff`` is the predicted LFC.
    x_a, x_b : ndarray, shape (n, 5, 200)
        Read counts (as fed to the model).
    method : {"grad_x_input", "integrated_gradients"}
        Gradient × input, or integrated gradients from an all-zero baseline with ``steps``
        Riemann steps (midpoint rule).
    batch_size : int
    device : str

    Returns
    -------
    ndarray, shape (n, 5, 200)
        ``|attribution(x_a)| + |attribution(x_b)|`` per mark and bin (magnitudes: a mark can
        drive the LFC either way).
    """
    import torch

    if method not in ("grad_x_input", "integrated_gradients"):
        raise ValueError(
            f"unknown attribution method {method!r}; use 'grad_x_input' or 'integrated_gradients'"
        )
    was_training = model.training
    model.eval()
    dev = torch.device(device)
    alphas = (
        torch.tensor([1.0])
        if method == "grad_x_input"
        else (torch.arange(steps, dtype=torch.float32) + 0.5) / steps
    )
    out = np.zeros(np.shape(x_a), dtype=np.float32)
    try:
        # cuDNN's LSTM backward needs training mode; eval mode elsewhere keeps dropout off.
        with torch.backends.cudnn.flags(enabled=False):
            for start in range(0, len(x_a), batch_size):
                a = torch.as_tensor(np.asarray(x_a[start : start + batch_size], dtype=np.float32), device=dev)
                b = torch.as_tensor(np.asarray(x_b[start : start + batch_size], dtype=np.float32), device=dev)
                grad_a = torch.zeros_like(a)
                grad_b = torch.zeros_like(b)
                for alpha in alphas:
                    sa = (alpha * a).requires_grad_(True)
                    sb = (alpha * b).requires_grad_(True)
                    diff = model(sa, sb).diff
                    ga, gb = torch.autograd.grad(diff.sum(), (sa, sb))
                    grad_a += ga
                    grad_b += gb
                attr = (grad_a / len(alphas) * a).abs() + (grad_b / len(alphas) * b).abs()
                out[start : start + len(a)] = attr.detach().cpu().numpy()
    finally:
        model.train(was_training)
    return out


def attribution_marks(attr: np.ndarray) -> np.ndarray:
    """Per gene, each mark's share of the total attribution magnitude: (n, 5), rows sum to one."""
    per_mark = np.asarray(attr, dtype=np.float64).sum(axis=2)
    total = per_mark.sum(axis=1, keepdims=True)
    return np.divide(per_mark, total, out=np.full_like(per_mark, np.nan), where=total > 0)


def attribution_bins(attr: np.ndarray) -> np.ndarray:
    """Per gene and mark, each bin's share of that mark's attribution: (n, 5, 200)."""
    a = np.asarray(attr, dtype=np.float64)
    total = a.sum(axis=2, keepdims=True)
    return np.divide(a, total, out=np.full_like(a, np.nan), where=total > 0)


# --------------------------------------------------------------------------------------------
# Recovery of a planted mechanism (simulated data)
# --------------------------------------------------------------------------------------------


def auroc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve of ``scores`` for binary ``labels`` (ties count one half).

    NaN when one class is empty.
    """
    from scipy.stats import rankdata

    s = np.asarray(scores, dtype=np.float64).ravel()
    y = np.asarray(labels).astype(bool).ravel()
    ok = np.isfinite(s)
    s, y = s[ok], y[ok]
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return math.nan
    ranks = rankdata(s)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation; NaN when undefined (constant input or fewer than 3 values)."""
    from scipy.stats import spearmanr

    x = np.asarray(a, dtype=np.float64).ravel()
    y = np.asarray(b, dtype=np.float64).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0:
        return math.nan
    return float(spearmanr(x[ok], y[ok]).statistic)


def recovery_scores(
    mark_scores: np.ndarray,
    bin_scores: np.ndarray,
    mark_truth: np.ndarray,
    bin_truth: np.ndarray,
) -> dict[str, float]:
    """How well importance scores recover a planted mechanism.

    Parameters
    ----------
    mark_scores : ndarray, shape (5,)
        Mean importance per mark (attention or attribution), over the genes analysed.
    bin_scores : ndarray, shape (5, 200)
        Mean importance per mark and bin.
    mark_truth : ndarray, shape (5,)
        Planted importance of each mark (magnitudes; zero for marks without effect).
    bin_truth : ndarray of bool, shape (5, 200) or (200,)
        Planted informative bins (per mark, or shared by all marks).

    Returns
    -------
    dict
        ``mark_spearman`` (rank correlation of scores with planted importance),
        ``mark_auroc`` (do effect marks score above no-effect marks), ``bin_auroc`` (do
        planted bins score above the others, within the effect marks), ``top_mark_hit`` (1 when
        the highest-scoring mark is a planted one).
    """
    mark_scores = np.asarray(mark_scores, dtype=np.float64)
    mark_truth = np.abs(np.asarray(mark_truth, dtype=np.float64))
    bin_scores = np.asarray(bin_scores, dtype=np.float64)
    bins = np.asarray(bin_truth).astype(bool)
    if bins.ndim == 1:
        bins = np.broadcast_to(bins, bin_scores.shape)
    effect = mark_truth > 0
    use = effect if effect.any() else np.ones_like(effect)
    # Bins are compared within each planted mark, so a mark's overall level does not count here.
    centred = bin_scores[use] - np.nanmean(bin_scores[use], axis=1, keepdims=True)
    return {
        "mark_spearman": spearman(mark_scores, mark_truth),
        "mark_auroc": auroc(mark_scores, effect),
        "bin_auroc": auroc(centred, bins[use]),
        "top_mark_hit": float(effect[int(np.nanargmax(mark_scores))])
        if np.isfinite(mark_scores).any()
        else math.nan,
    }


# --------------------------------------------------------------------------------------------
# The trained model behind a result
# --------------------------------------------------------------------------------------------

#: File of the selected weights in a result directory, when the run saved them.
WEIGHTS_FILE = "model.pt"


def trained_model(run: Any, data: Any, device: str = "cpu", tolerance: float = 1e-3) -> tuple[Any, str]:
    """The trained DeepDiff model behind a result, for gradient attributions.

    The selected weights are loaded from ``model.pt`` in the result directory when the run saved
    them; otherwise the run is repeated in memory with its recorded configuration and seed (the
    same public steps as :func:`deepdiff.training.runner.train_variant`). Either way the model's
    test predictions are compared with the stored ones, and the returned text says how closely
    they agree, so that a non-deterministic repeat cannot pass unnoticed.

    Parameters
    ----------
    run : RunResult
        A DeepDiff result (kind ``deepdiff``).
    data : PairData
        The data it was trained on (checked by checksum).
    device : str
    tolerance : float
        Largest difference (LFC units) from the stored test predictions accepted as the same model.

    Returns
    -------
    (model, check)
        The model in evaluation mode on ``device``, and one line describing where the weights
        came from and the largest difference from the stored test predictions.

    Raises
    ------
    DataError
        When ``data`` is not the data of ``run``, the run is not a DeepDiff variant, or the model
        obtained does not reproduce the stored predictions within ``tolerance`` (it is then not the
        model whose attention was saved, and attributing it would compare different models).
    """
    import torch

    from deepdiff.models import ModelConfig, build_model, init_uniform_
    from deepdiff.training import PairTask, TrainConfig, fit, predict, resolve_device, seeded
    from deepdiff.training.runner import loss_weights, subsample, variant_spec

    m = run.metrics
    if m.get("kind") != "deepdiff":
        raise DataError(f"{run.path} is a {m.get('kind')} result, not a DeepDiff variant")
    if m["data"]["checksum"] != data.checksum:
        raise DataError(
            f"{run.path} was trained on data {m['data']['label']!r} (checksum {m['data']['checksum'][:12]}), "
            f"not on {data.label!r} ({data.checksum[:12]}); load the run's data first"
        )
    variant, seed = m["method"], int(m["seed"])
    config = TrainConfig(**m["config"]["train"])
    model_config = ModelConfig(**m["config"].get("model", {}))
    spec = variant_spec(variant)
    # The runner records the output offsets it used (training-target means) with the selection.
    offsets = (m.get("selected") or {}).get("output_offsets") or {}
    task = PairTask(has_aux=spec.has_aux, siamese=spec.siamese, weights=loss_weights(config), offsets=offsets)
    dev = resolve_device(device)
    with seeded(seed, dev):
        model = build_model(variant, model_config)
        init_uniform_(model, config.init_range)
    weights = run.path / WEIGHTS_FILE
    if weights.is_file():
        model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
        how = f"weights loaded from {weights.name}"
    else:
        train = subsample(data.train, config.max_train_genes, config.subsample_seed)
        valid = subsample(data.valid, config.max_valid_genes, config.subsample_seed)
        result = fit(model, task, train, valid, config, seed=seed, device=dev, progress=False)
        model.load_state_dict(result.best_state)
        how = "retrained in memory with the run's configuration and seed (the result holds no weights)"
    model.to(dev).eval()
    pred = predict(model, task, data.test, device=dev, batch_size=config.eval_batch_size).outputs["diff"]
    stored = run.predictions.set_index("gene").loc[np.asarray(data.test.genes).astype(str), "lfc_pred"]
    gap = float(np.max(np.abs(pred - stored.to_numpy()))) if len(pred) else 0.0
    check = f"model: {how}; largest difference from the stored test predictions: {gap:.2e} (LFC units)"
    if not gap <= tolerance:
        raise DataError(
            f"{check}, more than {tolerance:g}: this is not the model of {run.path}. Save its weights "
            f"({WEIGHTS_FILE} in the result directory) or rerun it, then attribute again"
        )
    return model, check
