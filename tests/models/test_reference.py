"""The fast models equal the straightforward one-LSTM-per-row implementation (forward and grads)."""

from __future__ import annotations

import pytest
import torch

from deepdiff.models import (
    VARIANTS,
    AttentiveChrome,
    ModelConfig,
    build_model,
    count_parameters,
    init_uniform_,
)
from deepdiff.models.kernels.recurrent import set_backend
from deepdiff.models.reference import parameter_pairs, reference_model
from deepdiff.training.losses import deepdiff_loss
from tests.models.conftest import SMALL, backends


def _inputs(batch: int, config: ModelConfig) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    shape = (batch, config.n_marks, config.n_bins)
    return torch.poisson(torch.full(shape, 3.0), gen), torch.poisson(torch.full(shape, 3.0), gen)


def _compare(variant: str, config: ModelConfig, backend: str, batch: int) -> None:
    torch.manual_seed(11)
    fast = set_backend(build_model(variant, config), backend)
    init_uniform_(fast)
    ref = reference_model(fast)
    pairs = parameter_pairs(fast, ref)
    # Every value of both models is paired exactly once.
    assert sum(q.numel() for *_, q in pairs) == count_parameters(ref) == count_parameters(fast)
    assert len({id(q) for *_, q in pairs}) == len(list(ref.parameters()))
    x_a, x_b = _inputs(batch, config)
    out, out_ref = fast(x_a, x_b), ref(x_a, x_b)
    fields = ("diff", "row_attention", "bin_attention", "aux_a", "aux_b", "aux_logp_a", "aux_logp_b")
    for field in (*fields, "embed_a", "embed_b"):
        a, b = getattr(out, field), getattr(out_ref, field)
        assert (a is None) == (b is None), field
        if a is not None:
            torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4, msg=f"{variant}.{field}")
    spec = VARIANTS[variant]
    lfc = torch.linspace(-4, 4, batch)
    labels = (
        (torch.where(lfc > 0, 1.0, -1.0), torch.where(lfc > 1, 1.0, -1.0))
        if spec.aux_classification
        else None
    )
    for model, output in ((fast, out), (ref, out_ref)):
        loss, _ = deepdiff_loss(
            output,
            lfc,
            lfc.abs(),
            lfc.abs() + lfc,
            has_aux=spec.has_aux,
            siamese=spec.siamese,
            aux_labels=labels,
        )
        model.zero_grad()
        loss.backward()
    for name, p, index, q in pairs:
        torch.testing.assert_close(p.grad[index], q.grad, atol=2e-5, rtol=2e-4, msg=f"{variant}: {name}")


@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_fast_equals_reference(variant: str, backend: str) -> None:
    _compare(variant, SMALL, backend, batch=3)


@pytest.mark.parametrize("backend", backends())
def test_fast_equals_reference_full_size(backend: str) -> None:
    """The authors' sizes (200 bins, hidden 32/16) on the largest variant."""
    _compare("raw_aux_siamese", ModelConfig(), backend, batch=2)


@pytest.mark.parametrize("backend", backends())
def test_attentivechrome_equals_reference(backend: str) -> None:
    torch.manual_seed(12)
    fast = set_backend(AttentiveChrome(SMALL), backend)
    init_uniform_(fast)
    ref = reference_model(fast)
    x = _inputs(3, SMALL)[0]
    out, out_ref = fast(x), ref(x)
    for field in ("expr", "row_attention", "bin_attention"):
        torch.testing.assert_close(getattr(out, field), getattr(out_ref, field), atol=1e-5, rtol=1e-4)
    out.expr.square().sum().backward()
    out_ref.expr.square().sum().backward()
    for name, p, index, q in parameter_pairs(fast, ref):
        torch.testing.assert_close(p.grad[index], q.grad, atol=2e-5, rtol=2e-4, msg=name)


def test_reference_rejects_unknown_models() -> None:
    with pytest.raises(TypeError):
        reference_model(torch.nn.Linear(2, 2))


@pytest.mark.parametrize("kept", ["none", "some"])
@pytest.mark.parametrize("backend", backends()[1:])
def test_recomputed_gates_equal_kept_gates(backend: str, kept: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled kernel's backward agrees with the reference whether it keeps gate activations
    for none of the groups or only for the first few (the rest recompute theirs)."""
    from deepdiff.models.kernels import recurrent

    # Level I of SMALL at batch 3: one group's gates take n_bins * 3 * 4 * bin_hidden floats.
    per_group = SMALL.n_bins * 3 * 4 * SMALL.bin_hidden * 4
    monkeypatch.setattr(recurrent, "_KEEP_GATES_BYTES", 0 if kept == "none" else 3 * per_group)
    assert recurrent.kept_groups(50, SMALL.n_bins, 3, SMALL.bin_hidden, True) == (0 if kept == "none" else 3)
    _compare("raw_aux_siamese", SMALL, backend, batch=3)
    _compare("aux", SMALL, backend, batch=2)
