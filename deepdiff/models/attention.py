"""Soft attention with a learned context vector (the authors' ``rec_attention``)."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class ContextAttention(nn.Module):
    """Attention over a sequence: ``softmax_t(s_t . u)`` weights, weighted sum of the states.

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
        scores = torch.einsum("sbtd,sd->sbt", states, context)
        weights = torch.softmax(scores, dim=-1)
        embedding = torch.einsum("sbt,sbtd->sbd", weights, states)
        return embedding, weights
