"""The stacked bi-LSTM equals one nn.LSTM per row, forward and gradients, on both backends."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from deepdiff.errors import ConfigError
from deepdiff.models.kernels import recurrent
from deepdiff.models.kernels.recurrent import BiLSTMBank, resolve_backend, set_backend
from tests.models.conftest import backends


def _reference_lstm(bank: BiLSTMBank, row: int) -> nn.LSTM:
    lstm = nn.LSTM(bank.input_size, bank.hidden_size, bidirectional=True)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(lstm, f"{name}_l0").copy_(getattr(bank, name)[row, 0])
            getattr(lstm, f"{name}_l0_reverse").copy_(getattr(bank, name)[row, 1])
    return lstm


@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize(
    ("rows", "input_size", "hidden", "steps"), [(3, 1, 8, 9), (2, 6, 4, 5), (1, 3, 16, 7)]
)
def test_bank_equals_lstm_per_row(backend: str, rows: int, input_size: int, hidden: int, steps: int) -> None:
    torch.manual_seed(0)
    bank = set_backend(BiLSTMBank(rows, input_size, hidden), backend)
    nn.init.uniform_(bank.weight_hh, -0.6, 0.6)  # larger than default: exercise saturation
    x = torch.randn(rows, 4, steps, input_size) * 2
    x_fast, x_ref = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    y = bank(x_fast)
    lstms = [_reference_lstm(bank, r) for r in range(rows)]
    y_ref = torch.stack([lstms[r](x_ref[r].transpose(0, 1))[0].transpose(0, 1) for r in range(rows)])
    torch.testing.assert_close(y, y_ref, atol=2e-6, rtol=1e-5)
    upstream = torch.randn_like(y)
    (y * upstream).sum().backward()
    (y_ref * upstream).sum().backward()
    torch.testing.assert_close(x_fast.grad, x_ref.grad, atol=1e-5, rtol=1e-4)
    for r, lstm in enumerate(lstms):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            for d, suffix in enumerate(("l0", "l0_reverse")):
                torch.testing.assert_close(
                    getattr(bank, name).grad[r, d],
                    getattr(lstm, f"{name}_{suffix}").grad,
                    atol=2e-5,
                    rtol=1e-4,
                )


@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("scale", [30.0, 1e6])
def test_saturated_gates_equal_lstm(backend: str, scale: float) -> None:
    """Pre-activations far outside the activations' clamped range (here up to about 1e6) saturate
    exactly as nn.LSTM's do: no NaN, no overflow, the same outputs."""
    torch.manual_seed(2)
    bank = set_backend(BiLSTMBank(2, 1, 8), backend)
    x = torch.randn(2, 7, 6, 1) * scale
    y = bank(x)
    y_ref = torch.stack([_reference_lstm(bank, r)(x[r].transpose(0, 1))[0].transpose(0, 1) for r in range(2)])
    assert torch.isfinite(y).all()
    assert y.abs().max() > 0.5  # saturated gates: |h| near tanh(1) or beyond, not a vanishing output
    torch.testing.assert_close(y, y_ref, atol=2e-6, rtol=1e-5)


def test_torch_backend_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunked recomputation in backward (tiny chunks) gives the same gradients as one chunk."""
    torch.manual_seed(1)
    bank = set_backend(BiLSTMBank(2, 1, 4), "torch")
    x = torch.randn(2, 3, 11, 1)
    bank(x).square().sum().backward()
    whole = [p.grad.clone() for p in bank.parameters()]
    bank.zero_grad()
    monkeypatch.setattr(recurrent, "_CHUNK_ELEMENTS", 50)
    assert len(recurrent._chunks(11, 4, 3, 4)) == 11
    bank(x).square().sum().backward()
    for a, p in zip(whole, bank.parameters(), strict=True):
        torch.testing.assert_close(p.grad, a, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("backend", backends())
def test_shared_rows_accumulate_gradients(backend: str) -> None:
    """Sequences sharing a weight row (Siamese) sum their gradients into that row."""
    torch.manual_seed(2)
    bank = set_backend(BiLSTMBank(2, 1, 8), backend)
    x = torch.randn(3, 2, 6, 1)
    bank(x, torch.tensor([0, 1, 1])).sum().backward()
    shared = bank.weight_hh.grad.clone()
    bank.zero_grad()
    y_first = bank(x[:2])
    y_extra = bank(x[2:], torch.tensor([1]))
    (y_first.sum() + y_extra.sum()).backward()
    torch.testing.assert_close(shared, bank.weight_hh.grad, atol=1e-5, rtol=1e-4)


def test_inference_mode_matches_training_forward() -> None:
    torch.manual_seed(3)
    bank = BiLSTMBank(2, 1, 8)
    x = torch.randn(2, 3, 7, 1)
    with torch.no_grad():
        y_inf = bank(x)
    torch.testing.assert_close(bank(x), y_inf)


def test_backend_choice() -> None:
    x = torch.zeros(1)
    assert resolve_backend("torch", 8, x) == "torch"
    assert resolve_backend("auto", 8, x.double()) == "torch"  # the kernel is float32 only
    with pytest.raises(ConfigError, match="float32"):
        resolve_backend("native", 8, x.double())
    with pytest.raises(ConfigError, match="choose one of"):
        resolve_backend("fast", 8, x)
    with pytest.raises(ConfigError):
        set_backend(BiLSTMBank(1, 1, 4), "gpu")


def test_wrong_input_size() -> None:
    with pytest.raises(ValueError, match="input size"):
        BiLSTMBank(2, 3, 4)(torch.zeros(2, 1, 5, 2))
    with pytest.raises(ValueError, match="2 rows"):
        BiLSTMBank(2, 1, 4)(torch.zeros(3, 1, 5, 1))
