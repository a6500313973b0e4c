"""AttentiveChrome: the single-cell regression baseline."""

from __future__ import annotations

import torch

from deepdiff.models import AttentiveChrome, ModelConfig, count_parameters, init_uniform_
from tests.models.conftest import SMALL


def test_parameters_and_shapes() -> None:
    # One cell's Level I (5 x 9,024) + Level II (10,528) + linear head (33), as raw_d.
    assert count_parameters(AttentiveChrome()) == 55_681
    model = AttentiveChrome(SMALL)
    out = model(torch.poisson(torch.full((4, 5, SMALL.n_bins), 2.0)))
    assert out.expr.shape == (4,)
    torch.testing.assert_close(out.row_attention.sum(-1), torch.ones(4))
    torch.testing.assert_close(out.bin_attention.sum(-1), torch.ones(4, 5))
    assert model.row_names == ["H3K4me1", "H3K4me3", "H3K9me3", "H3K27me3", "H3K36me3"]
    assert AttentiveChrome(ModelConfig(n_marks=2, n_bins=4)).row_names == ["mark0", "mark1"]


def test_learns_a_tiny_batch() -> None:
    torch.manual_seed(0)
    model = AttentiveChrome(SMALL)
    init_uniform_(model)
    x = torch.poisson(torch.full((6, 5, SMALL.n_bins), 3.0))
    target = torch.linspace(0, 3, 6)
    opt = torch.optim.Adam(model.parameters(), lr=2e-2)
    first = (model(x).expr - target).square().mean().item()
    for _ in range(100):
        opt.zero_grad()
        (model(x).expr - target).square().mean().backward()
        opt.step()
    assert (model(x).expr - target).square().mean().item() < 0.2 * first
