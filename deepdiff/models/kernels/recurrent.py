"""A bank of independent bidirectional LSTMs run as one batched recurrence.

DeepDiff gives every input row (every mark of every input) its own bidirectional LSTM. Running
one ``nn.LSTM`` per row costs 2 x rows small kernels per time step, each recorded by autograd.
Here the weights of all rows and both directions are stacked on a leading "group" axis
(group ``2 * r + d`` is row ``r``, direction ``d``; the reverse direction reads the sequence
flipped), so one time step of every row is ONE batched matrix product plus a handful of
element-wise kernels. The backward pass is written by hand (backpropagation through time), so
autograd records a single node instead of thousands:

* forward keeps only the hidden states (the output, which attention keeps anyway) and the cell
  states; the gate activations are recomputed in backward, a chunk of time steps at a time,
  with one large matrix product per chunk (cheap, and it bounds memory);
* the weight gradients are one large matrix product per chunk, not one per step;
* tanh is evaluated as ``2 * sigmoid(2x) - 1`` (several times faster than ``torch.tanh`` on
  CPU); the factor 2 of the cell-input gate is folded into a scaled copy of its weights.

The result equals ``nn.LSTM`` to float rounding (see ``deepdiff.models.reference`` and the
equivalence tests), and the parameters use ``nn.LSTM``'s layout and gate order (i, f, g, o).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor, nn

from deepdiff.errors import ConfigError
from deepdiff.models.kernels import native

#: Float32 elements a chunk of work buffers may hold (per buffer of 4H gates); bounds memory.
_CHUNK_ELEMENTS = 1 << 22
#: Memory the compiled kernel may spend on keeping gate activations for backward. Groups (row,
#: direction) keep theirs, in order, while they fit; the rest recompute them in backward. At
#: batch 256, ``raw`` keeps all of its 30 groups (768 MiB), the 25-row variants 30 of their 50,
#: which holds the peak memory of training ``raw_aux_siamese`` under 2 GB.
_KEEP_GATES_BYTES = 768 << 20


def kept_groups(groups: int, n_time: int, batch: int, hidden: int, training: bool) -> int:
    """How many groups keep their gate activations for backward (see ``_KEEP_GATES_BYTES``)."""
    if not training:
        return 0
    per_group = n_time * batch * 4 * hidden * 4
    return min(groups, _KEEP_GATES_BYTES // max(per_group, 1))


def kernel_dims(x: Tensor, gates: Tensor | None) -> tuple[int, int, int, int, int]:
    """The leading arguments of the kernel's calls: groups, steps, batch, inputs and kept groups."""
    groups, n_time, batch, n_in = x.shape
    return groups, n_time, batch, n_in, 0 if gates is None else gates.shape[0]


def _gate_scale(hidden: int, like: Tensor) -> Tensor:
    """Per-gate factors (i, f, g, o) = (1, 1, 2, 1): tanh(z) = 2 sigmoid(2z) - 1 for the g gate."""
    scale = like.new_ones(4, hidden)
    scale[2] = 2.0
    return scale.reshape(4 * hidden)


def _chunks(n_steps: int, groups: int, batch: int, hidden: int) -> list[tuple[int, int]]:
    """Split ``range(n_steps)`` into chunks whose gate buffers stay under ``_CHUNK_ELEMENTS``."""
    per_step = max(1, groups * batch * 4 * hidden)
    size = max(1, min(n_steps, _CHUNK_ELEMENTS // per_step))
    return [(t0, min(t0 + size, n_steps)) for t0 in range(0, n_steps, size)]


def _steps_from_output(y: Tensor, start: int, stop: int, out: Tensor) -> Tensor:
    """Gather hidden states of steps ``start..stop-1`` from the time-ordered output.

    Parameters
    ----------
    y : Tensor, shape (rows, batch, T, 2, H)
        Time-ordered output (forward direction, then reverse direction).
    start, stop : int
        Step range; step ``s`` of the reverse direction is time ``T - 1 - s``; steps below zero
        (the state before the first step) are zeros.
    out : Tensor, shape (2 * rows, stop - start, batch, H)
        Step-ordered destination, filled and returned.
    """
    rows, _, n_time, _, hidden = y.shape
    view = out.view(rows, 2, stop - start, out.shape[2], hidden)
    lead = 0
    if start < 0:
        lead = -start
        view[:, :, :lead].zero_()
        start = 0
    if stop > start:
        view[:, 0, lead:].copy_(y[:, :, start:stop, 0].transpose(1, 2))
        rev = y[:, :, n_time - stop : n_time - start, 1].flip(2)
        view[:, 1, lead:].copy_(rev.transpose(1, 2))
    return out


def _steps_to_output(steps: Tensor, start: int, y: Tensor) -> None:
    """Write step-ordered hidden states (2 * rows, n, batch, H) of steps ``start..`` into ``y``."""
    rows, _, n_time, _, hidden = y.shape
    n = steps.shape[1]
    view = steps.view(rows, 2, n, steps.shape[2], hidden)
    y[:, :, start : start + n, 0].copy_(view[:, 0].transpose(1, 2))
    y[:, :, n_time - start - n : n_time - start, 1].copy_(view[:, 1].flip(1).transpose(1, 2))


class _TorchRecurrence(torch.autograd.Function):
    """Stacked bidirectional LSTM recurrence in PyTorch operations, with a hand-written backward.

    Inputs are step-ordered: ``x`` (G, T, B, I) with G = 2 * rows (reverse directions already
    flipped), ``w_ih`` (G, 4H, I), ``w_hh`` (G, 4H, H), ``bias`` (G, 4H) (= b_ih + b_hh).
    Output: ``y`` (rows, B, T, 2H), time-ordered, forward direction first, like ``nn.LSTM``.
    ``training`` says whether to keep what backward needs (``needs_input_grad`` inside forward
    does not know about ``torch.no_grad``).
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor, w_ih: Tensor, w_hh: Tensor, bias: Tensor, training: bool) -> Tensor:
        groups, n_time, batch, n_in = x.shape
        hidden = w_hh.shape[-1]
        rows = groups // 2
        scale = _gate_scale(hidden, x)
        w_ih_s = (w_ih * scale[:, None]).transpose(1, 2).contiguous()
        w_hh_s = (w_hh * scale[:, None]).transpose(1, 2).contiguous()
        b_s = (bias * scale).unsqueeze(1)

        y = x.new_empty(rows, batch, n_time, 2 * hidden)
        y5 = y.view(rows, batch, n_time, 2, hidden)
        cells = (
            x.new_empty(groups, n_time, batch, hidden) if training else x.new_empty(groups, 2, batch, hidden)
        )
        neg_one = x.new_full((), -1.0)
        tmp = x.new_empty(groups, batch, hidden)
        h_prev: Tensor | None = None
        c_prev: Tensor | None = None
        for t0, t1 in _chunks(n_time, groups, batch, hidden):
            n = t1 - t0
            gates = torch.baddbmm(b_s, x[:, t0:t1].reshape(groups, n * batch, n_in), w_ih_s)
            gates = gates.view(groups, n, batch, 4, hidden)
            hs = x.new_empty(groups, n, batch, hidden)
            for s in range(n):
                t = t0 + s
                z = gates[:, s]
                if h_prev is not None:
                    z.view(groups, batch, 4 * hidden).baddbmm_(h_prev, w_hh_s)
                z.sigmoid_()
                gi, gf, gg, go = z.unbind(2)
                torch.add(neg_one, gg, alpha=2.0, out=gg)
                c_t = cells[:, t] if training else cells[:, t % 2]
                if c_prev is None:
                    torch.mul(gi, gg, out=c_t)
                else:
                    torch.mul(gf, c_prev, out=c_t)
                    c_t.addcmul_(gi, gg)
                torch.mul(c_t, 2.0, out=tmp)
                tmp.sigmoid_()
                torch.add(neg_one, tmp, alpha=2.0, out=tmp)
                h_prev = torch.mul(go, tmp, out=hs[:, s])
                c_prev = c_t
            _steps_to_output(hs, t0, y5)
        if training:
            ctx.save_for_backward(x, w_ih, w_hh, bias, y, cells)
        return y

    @staticmethod
    def backward(ctx: Any, grad_y: Tensor) -> tuple[Tensor | None, ...]:
        x, w_ih, w_hh, bias, y, cells = ctx.saved_tensors
        groups, n_time, batch, n_in = x.shape
        hidden = w_hh.shape[-1]
        rows = groups // 2
        scale = _gate_scale(hidden, x)
        w_ih_s = (w_ih * scale[:, None]).transpose(1, 2).contiguous()
        w_hh_s = (w_hh * scale[:, None]).transpose(1, 2).contiguous()
        b_s = (bias * scale).unsqueeze(1)
        y5 = y.view(rows, batch, n_time, 2, hidden)
        grad_y5 = grad_y.contiguous().view(rows, batch, n_time, 2, hidden)
        neg_one = x.new_full((), -1.0)

        grad_w_ih = torch.zeros_like(w_ih)
        grad_w_hh = torch.zeros_like(w_hh)
        grad_bias = torch.zeros_like(bias)
        grad_x = torch.empty_like(x) if ctx.needs_input_grad[0] else None
        dh = x.new_empty(groups, batch, hidden)
        dc = x.new_empty(groups, batch, hidden)
        dc_f = x.new_zeros(groups, batch, hidden)  # dc of the next step times its forget gate
        dz_next: Tensor | None = None  # gate gradient of the next step (G, B, 4H)
        for t0, t1 in reversed(_chunks(n_time, groups, batch, hidden)):
            n = t1 - t0
            h_before = _steps_from_output(y5, t0 - 1, t1 - 1, x.new_empty(groups, n, batch, hidden))
            grad_h = _steps_from_output(grad_y5, t0, t1, x.new_empty(groups, n, batch, hidden))
            x_c = x[:, t0:t1].reshape(groups, n * batch, n_in)
            # Recompute the gate activations of the whole chunk at once.
            gates = torch.baddbmm(b_s, x_c, w_ih_s)
            gates.baddbmm_(h_before.view(groups, n * batch, hidden), w_hh_s)
            gates = gates.sigmoid_().view(groups, n, batch, 4, hidden)
            gi, gf, gg, go = gates.unbind(3)
            torch.add(neg_one, gg, alpha=2.0, out=gg)
            c_t = cells[:, t0:t1]
            c_before = (
                cells[:, t0 - 1 : t1 - 1]
                if t0 > 0
                else torch.cat([torch.zeros_like(c_t[:, :1]), c_t[:, :-1]], 1)
            )
            tanh_c = torch.mul(c_t, 2.0).sigmoid_().mul_(2.0).sub_(1.0)
            # Per-step coefficients, vectorised over the chunk:
            # dc_t = dc_{t+1} f_{t+1} + dh_t * coef_c; dz_o = dh_t * coef_o; dz_ifg = dc_t * coef_ifg.
            coef_c = go * (1.0 - tanh_c * tanh_c)
            coef_o = tanh_c * go * (1.0 - go)
            coef_ifg = torch.stack(
                (gg * gi * (1.0 - gi), c_before * gf * (1.0 - gf), gi * (1.0 - gg * gg)), dim=3
            )
            forget = gf.contiguous()
            del gates, gi, gg, go, tanh_c
            grad_z = x.new_empty(groups, n, batch, 4, hidden)
            for s in range(n - 1, -1, -1):
                if dz_next is None:
                    dh.copy_(grad_h[:, s])
                else:
                    torch.baddbmm(grad_h[:, s], dz_next, w_hh, out=dh)
                torch.addcmul(dc_f, dh, coef_c[:, s], out=dc)
                torch.mul(dc.unsqueeze(2), coef_ifg[:, s], out=grad_z[:, s, :, :3])
                torch.mul(dh, coef_o[:, s], out=grad_z[:, s, :, 3])
                torch.mul(dc, forget[:, s], out=dc_f)
                dz_next = grad_z[:, s].view(groups, batch, 4 * hidden)
            dz_next = dz_next.clone() if dz_next is not None else None
            gz = grad_z.view(groups, n * batch, 4 * hidden)
            gz_t = gz.transpose(1, 2)
            grad_w_hh.baddbmm_(gz_t, h_before.view(groups, n * batch, hidden))
            grad_w_ih.baddbmm_(gz_t, x_c)
            grad_bias += gz.sum(1)
            if grad_x is not None:
                grad_x[:, t0:t1] = torch.bmm(gz, w_ih).view(groups, n, batch, n_in)
        return grad_x, grad_w_ih, grad_w_hh, grad_bias, None


def _ptr(t: Tensor | None) -> int | None:
    """Address of a tensor's data for the kernel (the caller keeps the tensor alive)."""
    return None if t is None else t.data_ptr()


class _NativeRecurrence(torch.autograd.Function):
    """The same recurrence in the compiled kernel (:mod:`deepdiff.models.kernels.native`).

    Same inputs and output as :class:`_TorchRecurrence`, all float32 and contiguous. The gate
    activations are kept for backward as far as ``_KEEP_GATES_BYTES`` allows, else recomputed.
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor, w_ih: Tensor, w_hh: Tensor, bias: Tensor, training: bool) -> Tensor:
        groups, n_time, batch, _ = x.shape
        hidden = w_hh.shape[-1]
        lib = native.kernel(hidden)
        assert lib is not None  # checked by the caller
        y = x.new_empty(groups // 2, batch, n_time, 2 * hidden)
        cells = x.new_empty(groups, n_time, batch, hidden) if training else None
        keep = kept_groups(groups, n_time, batch, hidden, training)
        gates = x.new_empty(keep, n_time, batch, 4 * hidden) if keep else None
        status = lib.bilstm_forward(
            *kernel_dims(x, gates),
            *map(_ptr, (x, w_ih, w_hh, bias, None, y, None, cells, gates)),
            _threads(),
        )
        if status != 0:
            raise MemoryError("the recurrence kernel could not allocate its work buffers")
        if training:
            ctx.save_for_backward(x, w_ih, w_hh, bias, y, cells, gates)
        return y

    @staticmethod
    def backward(ctx: Any, grad_y: Tensor) -> tuple[Tensor | None, ...]:
        x, w_ih, w_hh, bias, y, cells, gates = ctx.saved_tensors
        lib = native.kernel(w_hh.shape[-1])
        assert lib is not None
        grad_x = torch.empty_like(x) if ctx.needs_input_grad[0] else None
        grads = [torch.empty_like(w_ih), torch.empty_like(w_hh), torch.empty_like(bias)]
        grad_y = grad_y.contiguous()  # a named reference: the kernel reads it after the call starts
        status = lib.bilstm_backward(
            *kernel_dims(x, gates),
            *map(_ptr, (x, w_ih, w_hh, bias, y, cells, gates, grad_y, None, None, None, None)),
            *map(_ptr, (grad_x, *grads, None)),
            _threads(),
        )
        if status != 0:
            raise MemoryError("the recurrence kernel could not allocate its work buffers")
        return grad_x, *grads, None


def _threads() -> int:
    return max(1, torch.get_num_threads())


def resolve_backend(requested: str | None, hidden: int, x: Tensor) -> str:
    """The recurrence backend to use: ``native`` or ``torch``.

    Parameters
    ----------
    requested : {"auto", "native", "torch"} or None
        ``None`` reads ``$DEEPDIFF_KERNELS`` (default ``auto``: the compiled kernel where it
        can run: float32 on the CPU and a compiler available).
    hidden : int
        LSTM hidden size (the kernel is compiled per size).
    x : Tensor
        An input, for its device and dtype.
    """
    name = native.backend_from_env() if requested is None else requested
    if name not in native.BACKENDS:
        raise ConfigError(f"unknown recurrence backend {name!r}; choose one of {', '.join(native.BACKENDS)}")
    if name == "torch":
        return "torch"
    fits = x.device.type == "cpu" and x.dtype == torch.float32
    if fits and native.kernel(hidden) is not None:
        return "native"
    if name == "native":
        why = "it runs on float32 CPU tensors only" if not fits else native.unavailable_reason(hidden)
        raise ConfigError(f"the native recurrence kernel was requested but cannot run: {why}")
    return "torch"


class BiLSTMBank(nn.Module):
    """Independent single-layer bidirectional LSTMs, one per weight row, run together.

    Parameters use ``nn.LSTM``'s layout with two leading axes (row, direction), so row ``r`` of
    this bank equals an ``nn.LSTM(input_size, hidden_size, bidirectional=True)`` whose
    ``weight_ih_l0`` is ``weight_ih[r, 0]``, ``weight_ih_l0_reverse`` is ``weight_ih[r, 1]``,
    and so on.

    Parameters
    ----------
    n_rows : int
        Number of independent LSTMs (weight rows).
    input_size, hidden_size : int
        As for ``nn.LSTM``.
    """

    def __init__(self, n_rows: int, input_size: int, hidden_size: int) -> None:
        super().__init__()
        #: Recurrence backend: None follows ``$DEEPDIFF_KERNELS``; or "auto", "native", "torch".
        self.backend: str | None = None
        self.n_rows = n_rows
        self.input_size = input_size
        self.hidden_size = hidden_size
        gates = 4 * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(n_rows, 2, gates, input_size))
        self.weight_hh = nn.Parameter(torch.empty(n_rows, 2, gates, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(n_rows, 2, gates))
        self.bias_hh = nn.Parameter(torch.empty(n_rows, 2, gates))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``nn.LSTM``'s default: every parameter ~ U(-1/sqrt(H), 1/sqrt(H))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def prepare(self, x: Tensor, rows: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor, Tensor, bool]:
        """Arguments of the recurrence functions: step-ordered input and stacked weights.

        Returns ``(steps, w_ih, w_hh, bias, training)`` with ``steps`` (2 n_seq, T, batch, I)
        (reverse directions flipped), weights (2 n_seq, 4H, ...) and whether backward will run.
        """
        n_seq, batch, n_time, n_in = x.shape
        if n_in != self.input_size:
            raise ValueError(f"BiLSTMBank expects input size {self.input_size}, got {n_in}")
        w_ih, w_hh = self.weight_ih, self.weight_hh
        bias = self.bias_ih + self.bias_hh
        if rows is not None:
            w_ih, w_hh, bias = w_ih[rows], w_hh[rows], bias[rows]
        elif n_seq != self.n_rows:
            raise ValueError(f"BiLSTMBank has {self.n_rows} rows but got {n_seq} sequence sets")
        groups = 2 * n_seq
        steps = x.transpose(1, 2)
        steps = torch.stack((steps, steps.flip(1)), dim=1).reshape(groups, n_time, batch, n_in)
        gates = 4 * self.hidden_size
        return (
            steps,
            w_ih.reshape(groups, gates, n_in).contiguous(),
            w_hh.reshape(groups, gates, self.hidden_size).contiguous(),
            bias.reshape(groups, gates).contiguous(),
            torch.is_grad_enabled() and any(t.requires_grad for t in (x, w_ih, w_hh, bias)),
        )

    def forward(self, x: Tensor, rows: Tensor | None = None) -> Tensor:
        """Run every sequence through its row's bidirectional LSTM.

        Parameters
        ----------
        x : Tensor, shape (n_seq, batch, T, input_size)
            One sequence set per weight row used (``n_seq`` may exceed ``n_rows`` when rows
            share weights).
        rows : LongTensor, shape (n_seq,), optional
            Weight row of each sequence set; default ``arange(n_rows)``.

        Returns
        -------
        Tensor, shape (n_seq, batch, T, 2 * hidden_size)
            Outputs of both directions, time-ordered, like ``nn.LSTM``'s output per row.
        """
        args = self.prepare(x, rows)
        if resolve_backend(self.backend, self.hidden_size, x) == "native":
            return _NativeRecurrence.apply(*args)
        return _TorchRecurrence.apply(*args)


def set_backend(model: nn.Module, backend: str | None) -> nn.Module:
    """Choose the recurrence backend of every :class:`BiLSTMBank` in ``model``; returns ``model``.

    ``None`` follows ``$DEEPDIFF_KERNELS``; ``"auto"``, ``"native"`` or ``"torch"`` fix it.
    """
    if backend is not None and backend not in native.BACKENDS:
        raise ConfigError(
            f"unknown recurrence backend {backend!r}; choose one of {', '.join(native.BACKENDS)}"
        )
    for module in model.modules():
        if isinstance(module, BiLSTMBank):
            module.backend = backend
    return model
