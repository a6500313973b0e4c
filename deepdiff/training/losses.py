"""Training losses, as in the authors' code (``train.py`` and ``SiameseLoss.py``).

Where the paper's text and the code differ we follow the code, which produced the published
numbers:

* Contrastive term. The paper (Eq. 8) writes ``(1 - S) * 1/2 * R + S * 1/2 * max(0, m - R)^2``
  (the first term without a square, both halved). The code computes
  ``mean((1 - S) * d^2 + S * max(0, m - d)^2)`` without the halves, with ``d`` from
  ``torch.nn.functional.pairwise_distance`` (which adds 1e-6 to the difference for a finite
  gradient at zero). We use the code's form.
* Weights. The paper's text sums the losses with weight one
  (``l = l_Diff + l_CellAux + l_Siamese``); the code multiplies the contrastive term by
  ``gamma = 4.0``. We use 4.0 (``TrainConfig.contrastive_weight``).
* The auxiliary term is the sum of the two cells' MSEs, each averaged over the batch, as in both.
* S = 1 ("dissimilar", pushed at least ``m`` apart) when ``|LFC| >= 2``; S = 0 ("similar",
  pulled together) otherwise. Paper and code agree.
* Classification auxiliary tasks (Appendix Section 1.6, not in the authors' released code): each
  cell's head gives log-probabilities of labels -1 / 1, and its term is the negative
  log-likelihood of the cell's label, averaged over the batch; the two cells' terms are summed
  and weighted like the regression terms they replace.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from deepdiff.constants import DE_THRESHOLD
from deepdiff.models.outputs import ModelOutput


def differential_label(lfc: Tensor, threshold: float = DE_THRESHOLD) -> Tensor:
    """Siamese label S: 1.0 where ``|lfc| >= threshold``, else 0.0 (same dtype as ``lfc``)."""
    return (lfc.abs() >= threshold).to(lfc.dtype)


def contrastive_loss(embed_a: Tensor, embed_b: Tensor, label: Tensor, margin: float = 2.0) -> Tensor:
    """Contrastive loss of Hadsell, Chopra & LeCun (2006) in the authors' form.

    Parameters
    ----------
    embed_a, embed_b : Tensor, shape (batch, dim)
        The two cells' Level I embeddings, flattened.
    label : Tensor, shape (batch,)
        S: 1 for a dissimilar pair (differentially expressed gene), 0 for a similar one.
    margin : float
        m; dissimilar pairs closer than m are penalised.

    Returns
    -------
    Tensor
        Scalar ``mean((1 - S) * d^2 + S * max(0, m - d)^2)``, ``d`` the Euclidean distance.
    """
    d = F.pairwise_distance(embed_a.flatten(1), embed_b.flatten(1))
    label = label.to(d.dtype).reshape(d.shape)
    return torch.mean((1.0 - label) * d.pow(2) + label * torch.clamp(margin - d, min=0.0).pow(2))


def aux_classification_loss(log_prob: Tensor, label: Tensor) -> Tensor:
    """Negative log-likelihood of ±1 labels, averaged over the batch.

    Parameters
    ----------
    log_prob : Tensor, shape (batch, 2)
        Log-probabilities: column 0 of label -1, column 1 of label 1.
    label : Tensor, shape (batch,)
        1 (expression above the cell's median) or -1 (not above).
    """
    label = label.reshape(-1)
    if not bool(((label == 1) | (label == -1)).all()):
        raise ValueError("auxiliary classification labels must be 1 or -1")
    return F.nll_loss(log_prob, (label > 0).long())


@dataclass(frozen=True)
class LossWeights:
    """How the terms of the DeepDiff objective are combined (defaults: the authors' code)."""

    aux: float = 1.0
    contrastive: float = 4.0
    margin: float = 2.0
    de_threshold: float = DE_THRESHOLD


def deepdiff_loss(
    output: ModelOutput,
    lfc: Tensor,
    log_expr_a: Tensor,
    log_expr_b: Tensor,
    *,
    has_aux: bool,
    siamese: bool,
    weights: LossWeights = LossWeights(),
    aux_labels: tuple[Tensor, Tensor] | None = None,
) -> tuple[Tensor, dict[str, float]]:
    """The training objective of a DeepDiff variant for one batch.

    ``MSE(diff, lfc)``; plus, with auxiliary heads, ``aux * (MSE(aux_a, log_expr_a) +
    MSE(aux_b, log_expr_b))``, or with ``aux_labels`` (classification heads) ``aux * (NLL(aux_logp_a,
    label_a) + NLL(aux_logp_b, label_b))`` (:func:`aux_classification_loss`); plus, for Siamese
    variants, ``contrastive * contrastive_loss`` on the Level I embeddings with
    ``S = |lfc| >= de_threshold``.

    Parameters
    ----------
    aux_labels : (Tensor, Tensor), optional
        Each cell's ±1 label: the auxiliary tasks are classification. None: regression.

    Returns
    -------
    total : Tensor
        Scalar loss to back-propagate.
    parts : dict of float
        Each term (unweighted) for the history: ``diff``, and ``aux_a``, ``aux_b``,
        ``contrastive`` where present.
    """
    total = F.mse_loss(output.diff.reshape(-1), lfc.reshape(-1))
    parts = {"diff": float(total.detach())}
    if has_aux and aux_labels is not None:
        if output.aux_logp_a is None or output.aux_logp_b is None:
            raise RuntimeError(
                "auxiliary classification labels given but the model returned no aux_logp_a/aux_logp_b"
            )
        aux_a = aux_classification_loss(output.aux_logp_a, aux_labels[0])
        aux_b = aux_classification_loss(output.aux_logp_b, aux_labels[1])
    elif has_aux:
        if output.aux_a is None or output.aux_b is None:
            raise RuntimeError("variant has auxiliary heads but the model returned no aux_a/aux_b")
        aux_a = F.mse_loss(output.aux_a.reshape(-1), log_expr_a.reshape(-1))
        aux_b = F.mse_loss(output.aux_b.reshape(-1), log_expr_b.reshape(-1))
    if has_aux:
        total = total + weights.aux * (aux_a + aux_b)
        parts["aux_a"] = float(aux_a.detach())
        parts["aux_b"] = float(aux_b.detach())
    if siamese:
        if output.embed_a is None or output.embed_b is None:
            raise RuntimeError("Siamese variant but the model returned no embed_a/embed_b")
        label = differential_label(lfc.reshape(-1), weights.de_threshold)
        con = contrastive_loss(output.embed_a, output.embed_b, label, weights.margin)
        total = total + weights.contrastive * con
        parts["contrastive"] = float(con.detach())
    return total, parts


def single_cell_loss(pred: Tensor, log_expr: Tensor) -> tuple[Tensor, dict[str, float]]:
    """MSE of a single-cell model's ``log2(expr + 1)`` prediction (AttentiveChrome regression)."""
    loss = F.mse_loss(pred.reshape(-1), log_expr.reshape(-1))
    return loss, {"expr": float(loss.detach())}
