"""Work buffers are reused between steps but never while a graph still needs them."""

from __future__ import annotations

import pytest
import torch

from deepdiff.models import ModelOutput, build_model, init_uniform_
from deepdiff.models.kernels.recurrent import set_backend
from deepdiff.models.kernels.workspace import Workspace
from tests.models.conftest import SMALL, backends


def test_recycled_only_after_release() -> None:
    ws = Workspace(max_free=2)
    like = torch.zeros(1)
    a = ws.empty((4, 6), like)
    assert ws.empty((24,), like).data_ptr() != a.data_ptr()  # a is still in use
    ws.recycle(a)
    assert ws.empty((2, 12), like).data_ptr() == a.data_ptr()  # same size: reused
    ws.recycle(torch.zeros(3), torch.zeros(5), torch.zeros(7))
    assert len(ws._free) == 2  # bounded


def test_owner_lifetime() -> None:
    ws = Workspace()
    buffer, owner = ws.empty((8,), torch.zeros(1)), torch.empty(0)
    ws.recycle_when_freed(owner, buffer)
    assert not ws._free
    del owner
    assert len(ws._free) == 1


def _inputs() -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    return tuple(torch.poisson(torch.full((3, 5, SMALL.n_bins), 3.0), gen) for _ in range(2))


@pytest.mark.parametrize("backend", backends())
def test_two_forwards_before_one_backward(backend: str) -> None:
    """Graphs alive at the same time get separate buffers (gradients as if run one by one)."""
    torch.manual_seed(0)
    model = set_backend(build_model("raw_aux_siamese", SMALL), backend)
    init_uniform_(model)
    x_a, x_b = _inputs()

    def loss(out: ModelOutput, power: int) -> torch.Tensor:
        return (out.diff.pow(power) + out.aux_a + out.aux_b.square()).sum() + out.embed_a.mean()

    loss(model(x_a, x_b), 1).backward()
    loss(model(x_b, x_a), 2).backward()
    separate = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    first, second = model(x_a, x_b), model(x_b, x_a)
    (loss(first, 1) + loss(second, 2)).backward()
    for a, p in zip(separate, model.parameters(), strict=True):
        torch.testing.assert_close(p.grad, a, atol=1e-5, rtol=1e-4)


def test_inference_equals_training_forward() -> None:
    torch.manual_seed(1)
    model = build_model("raw_aux", SMALL)
    x_a, x_b = _inputs()
    with torch.no_grad():
        inferred = model(x_a, x_b)
    trained = model(x_a, x_b)
    for field in ("diff", "row_attention", "bin_attention", "aux_a"):
        torch.testing.assert_close(getattr(inferred, field), getattr(trained, field))
