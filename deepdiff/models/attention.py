"""Soft attention with a learned context vector (the authors' ``rec_attention``).

The states attended over are the Level I LSTM outputs, the largest tensor of the model
(rows x genes x 200 bins x 64). Autograd's backward of the two products would materialise
three tensors of that size; :class:`_Attend` writes the state gradient into one, in three
passes over the states.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from deepdiff.models.kernels import native


class _Attend(torch.autograd.Function):
    """``weights = softmax_t(states . context)``, ``embedding = sum_t weights * states``."""

    @staticmethod
    def forward(ctx: Any, states: Tensor, context: Tensor) -> tuple[Tensor, Tensor]:
        weights = torch.softmax(torch.einsum("sbtd,sd->sbt", states, context), dim=-1)
        embedding = torch.einsum("sbt,sbtd->sbd", weights, states)
        ctx.save_for_backward(states, context, weights)
        return embedding, weights

    @staticmethod
    def backward(ctx: Any, grad_embedding: Tensor, grad_weights: Tensor | None) -> tuple[Tensor, Tensor]:
        states, context, weights = ctx.saved_tensors
        grad_w = torch.einsum("sbtd,sbd->sbt", states, grad_embedding)
        if grad_weights is not None:
            grad_w = grad_w + grad_weights
        grad_scores = weights * (grad_w - (weights * grad_w).sum(-1, keepdim=True))
        grad_states = native.empty_huge(states.shape, states)
        torch.mul(weights.unsqueeze(-1), grad_embedding.unsqueeze(2), out=grad_states)
        grad_states.addcmul_(grad_scores.unsqueeze(-1), context[:, None, None, :])
        grad_context = torch.einsum("sbt,sbtd->sd", grad_scores, states)
        return grad_states, grad_context


class ContextAttention(nn.Module):
    """Attention over a sequence: weights ``softmax_t(dot(s_t, u))``, then the weighted sum of the states.

    One context vector ``u`` per sequence set (row), stacked so all rows run in one operation.

    Parameters
    ----------
    n_rows : int
        Number of context vectors.
    dim : int
        Size of the states attended over (and of each context vector).
    """

    def __init__(self, n_rows: int, dim: int) -> None:
        super().__init__()
        self.context = nn.Parameter(torch.empty(n_rows, dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """U(-0.1, 0.1), as the authors initialise their context vectors."""
        nn.init.uniform_(self.context, -0.1, 0.1)

    def forward(self, states: Tensor, rows: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """Attend over the time axis of every sequence set.

        Parameters
        ----------
        states : Tensor, shape (n_seq, batch, T, dim)
        rows : LongTensor, shape (n_seq,), optional
            Context vector of each sequence set; default one per row, in order.

        Returns
        -------
        embedding : Tensor, shape (n_seq, batch, dim)
            Attention-weighted sum of the states.
        weights : Tensor, shape (n_seq, batch, T)
            Attention weights; each (sequence set, gene) sums to one over T.
        """
        context = self.context if rows is None else self.context[rows]
        return _Attend.apply(states, context)
