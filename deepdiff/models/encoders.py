"""The two levels of the hierarchy as one building block: bi-LSTM + attention, per row.

Level I reads each input row (one mark of one input: 200 bins, one count per bin) with its own
bidirectional LSTM and attends over bins; Level II reads the sequence of row embeddings with a
bidirectional LSTM and attends over rows. Both are an :class:`AttentiveEncoderBank`: several
independent encoders whose weights are stacked so they run together.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from deepdiff.models.attention import ContextAttention
from deepdiff.models.config import ModelConfig
from deepdiff.models.kernels import native
from deepdiff.models.kernels.recurrent import (
    BiLSTMBank,
    _ptr,
    _threads,
    kept_groups,
    kernel_dims,
    resolve_backend,
)
from deepdiff.models.kernels.workspace import Workspace, _token


class _FusedEncoder(torch.autograd.Function):
    """Compiled recurrence with the attention fused in.

    The kernel computes each direction's attention scores as the hidden states are produced,
    and in backward forms the gradient of every hidden state on the fly from the (small)
    attention gradients, so the gradient of the LSTM output (as large as the output) is never
    materialised. Inputs as :class:`~deepdiff.models.kernels.recurrent._NativeRecurrence`, plus the
    context vectors (n_seq, 2H); outputs as :class:`ContextAttention`.
    """

    @staticmethod
    def forward(
        ctx: Any,
        x: Tensor,
        w_ih: Tensor,
        w_hh: Tensor,
        bias: Tensor,
        context: Tensor,
        training: bool,
        workspace: Workspace,
    ) -> tuple[Tensor, Tensor]:
        groups, n_time, batch, _ = x.shape
        hidden, rows = w_hh.shape[-1], groups // 2
        lib = native.kernel(hidden)
        assert lib is not None  # checked by the caller
        y = workspace.empty((rows, batch, n_time, 2 * hidden), x)
        scores = x.new_empty(groups, batch, n_time)
        cells = workspace.empty((groups, n_time, batch, hidden), x) if training else None
        keep = kept_groups(groups, n_time, batch, hidden, training)
        gates = workspace.empty((keep, n_time, batch, 4 * hidden), x) if keep else None
        tensors = (x, w_ih, w_hh, bias, context, y, scores, cells, gates)
        if lib.bilstm_forward(*kernel_dims(x, gates), *map(_ptr, tensors), _threads()) != 0:
            raise MemoryError("the recurrence kernel could not allocate its work buffers")
        weights = torch.softmax(scores.view(rows, 2, batch, n_time).sum(1), dim=-1)
        embedding = torch.einsum("sbt,sbtd->sbd", weights, y)
        if training:
            ctx.save_for_backward(x, w_ih, w_hh, bias, context, y, cells, gates, weights)
            ctx.token = _token()  # the buffers return to the workspace when the graph is freed
            workspace.recycle_when_freed(ctx.token, y, cells, gates)
        else:
            workspace.recycle(y)
        return embedding, weights

    @staticmethod
    def backward(ctx: Any, grad_embedding: Tensor, grad_weights: Tensor | None) -> tuple[Tensor | None, ...]:
        x, w_ih, w_hh, bias, context, y, cells, gates, weights = ctx.saved_tensors
        groups = x.shape[0]
        lib = native.kernel(w_hh.shape[-1])
        assert lib is not None
        grad_embedding = grad_embedding.contiguous()
        grad_w = torch.einsum("sbtd,sbd->sbt", y, grad_embedding)
        if grad_weights is not None:
            grad_w = grad_w + grad_weights
        grad_scores = (weights * (grad_w - (weights * grad_w).sum(-1, keepdim=True))).contiguous()
        grad_x = torch.empty_like(x) if ctx.needs_input_grad[0] else None
        grads = [torch.empty_like(w_ih), torch.empty_like(w_hh), torch.empty_like(bias)]
        grad_context = x.new_empty(groups, w_hh.shape[-1])
        tensors = (x, w_ih, w_hh, bias, y, cells, gates, None, context, weights, grad_embedding, grad_scores)
        status = lib.bilstm_backward(
            *kernel_dims(x, gates), *map(_ptr, (*tensors, grad_x, *grads, grad_context)), _threads()
        )
        if status != 0:
            raise MemoryError("the recurrence kernel could not allocate its work buffers")
        return grad_x, *grads, grad_context.view(groups // 2, -1), None, None


class AttentiveEncoderBank(nn.Module):
    """Independent encoders (bidirectional LSTM, then context attention), run together.

    Parameters
    ----------
    n_rows : int
        Number of encoders (weight rows).
    input_size : int
        Features per time step.
    hidden_size : int
        LSTM hidden size per direction; embeddings have ``2 * hidden_size`` values.
    """

    def __init__(self, n_rows: int, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.rnn = BiLSTMBank(n_rows, input_size, hidden_size)
        self.attention = ContextAttention(n_rows, 2 * hidden_size)
        #: Work buffers of the compiled path, kept between calls (not parameters, not saved).
        self.workspace = Workspace()

    @property
    def n_rows(self) -> int:
        """Number of encoders."""
        return self.rnn.n_rows

    def forward(self, x: Tensor, rows: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """Encode every sequence set with its encoder.

        Parameters
        ----------
        x : Tensor, shape (n_seq, batch, T, input_size)
        rows : LongTensor, shape (n_seq,), optional
            Encoder of each sequence set (several sets may share one); default one each.

        Returns
        -------
        embedding : Tensor, shape (n_seq, batch, 2 * hidden_size)
        attention : Tensor, shape (n_seq, batch, T)
        """
        if resolve_backend(self.rnn.backend, self.rnn.hidden_size, x) == "native":
            steps, w_ih, w_hh, bias, training = self.rnn.prepare(x, rows)
            context = self.attention.context if rows is None else self.attention.context[rows]
            training = training or (torch.is_grad_enabled() and context.requires_grad)
            return _FusedEncoder.apply(
                steps, w_ih, w_hh, bias, context.contiguous(), training, self.workspace
            )
        return self.attention(self.rnn(x, rows), rows)


def level_one(n_rows: int, config: ModelConfig) -> AttentiveEncoderBank:
    """Level I: one encoder per input row, over bins (one count per bin)."""
    return AttentiveEncoderBank(n_rows, 1, config.bin_hidden)


def level_two(n_encoders: int, config: ModelConfig) -> AttentiveEncoderBank:
    """Level II: encoders over the sequence of Level I row embeddings."""
    return AttentiveEncoderBank(n_encoders, config.bin_embedding, config.row_hidden)
