"""How far attention can be trusted: recovery of a planted mechanism (simulated data).

On simulated data the mechanism is planted and known: which marks carry the signal and in which
bins. These scores say how well importance scores (attention, or a gradient attribution of the
same model) recover it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from deepdiff.constants import MARKS
from deepdiff.errors import DataError, DeepDiffError
from deepdiff.interpret.attention import mark_attention, mark_bin_profile
from deepdiff.interpret.attribution import (
    attribution_bins,
    attribution_marks,
    gradient_attribution,
    trained_model,
)

if TYPE_CHECKING:
    from deepdiff.data.containers import PairData
    from deepdiff.results.store import RunResult


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


@dataclass(frozen=True)
class Recovery:
    """How well one run's attention, and a gradient attribution of its model, recover the planted mechanism.

    Attributes
    ----------
    scores : DataFrame
        One row per method (``attention``, and the attribution when it ran), columns those of
        :func:`recovery_scores`.
    marks : DataFrame
        Per mark: the planted importance, the mean attention and the mean attribution share.
    check : str
        Where the attributed model came from and how closely it reproduces the stored
        predictions, or why the attribution was skipped.
    n_attributed : int
        Test genes scored by the attribution (0 when it was skipped).
    """

    scores: pd.DataFrame
    marks: pd.DataFrame
    check: str
    n_attributed: int

    def long(self) -> pd.DataFrame:
        """``scores`` in long form (``method``, ``metric``, ``value``), for plotting."""
        return self.scores.reset_index().melt(id_vars="method", var_name="metric", value_name="value")


def attention_recovery(
    run: RunResult,
    data: PairData,
    *,
    attribution: str = "integrated_gradients",
    n_genes: int = 100,
    seed: int = 0,
    device: str = "cpu",
) -> Recovery:
    """Recovery of the planted mechanism of simulated ``data`` by ``run``'s attention and attribution.

    Attention is scored on every test gene; the gradient attribution (``attribution``, see
    :func:`deepdiff.interpret.gradient_attribution`) on ``n_genes`` test genes drawn with
    ``seed``, and only when the run's exact model can be had (:func:`trained_model`); otherwise
    the reason is in :attr:`Recovery.check`.

    Raises
    ------
    DataError
        When ``data`` has no planted mechanism (real data) or the run saved no attention.
    """
    truth = data.truth
    if truth is None:
        raise DataError(f"{data.label}: real data have no planted mechanism; recovery needs simulated data")
    att = run.attention()
    if att is None:
        raise DataError(f"{run.path} saved no attention; run the variant again to save it")
    marks = mark_attention(att["row_attention"], att["row_names"], genes=att["genes"]).to_numpy()
    bins = mark_bin_profile(att["bin_attention"], att["bin_row_names"])
    planted, mask = truth.mark_importance, truth.bin_mask()
    mean_marks = np.nanmean(marks, axis=0)
    rows = [{"method": "attention", **recovery_scores(mean_marks, np.nanmean(bins, axis=0), planted, mask)}]
    shares = {"planted importance": planted, "mean attention": mean_marks}
    try:
        model, check = trained_model(run, data, device=device)
    except DeepDiffError as err:
        model, check = None, f"gradient attribution skipped: {err}"
    n_attributed = 0
    if model is not None:
        test = data.test
        n_attributed = min(n_genes, len(test))
        idx = np.random.default_rng(seed).choice(len(test), size=n_attributed, replace=False)
        attr = gradient_attribution(model, test.x_a[idx], test.x_b[idx], method=attribution, device=device)
        attr_marks = np.nanmean(attribution_marks(attr), axis=0)
        shares[f"mean {attribution} share"] = attr_marks
        attr_bins = np.nanmean(attribution_bins(attr), axis=0)
        rows.append({"method": attribution, **recovery_scores(attr_marks, attr_bins, planted, mask)})
    return Recovery(
        scores=pd.DataFrame(rows).set_index("method"),
        marks=pd.DataFrame(shares, index=list(MARKS)),
        check=check,
        n_attributed=n_attributed,
    )
