"""Tasks: inputs, targets, output offsets."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from deepdiff.models.outputs import ModelOutput, SingleCellOutput
from deepdiff.training.tasks import PairTask, SingleCellTask, target_means
from tests.training.standins import tiny_split


def _output(n: int) -> ModelOutput:
    g = torch.Generator().manual_seed(0)
    return ModelOutput(
        diff=torch.randn(n, generator=g),
        row_attention=torch.full((n, 10), 0.1),
        bin_attention=torch.full((n, 10, 200), 1 / 200),
        aux_a=torch.randn(n, generator=g),
        aux_b=torch.randn(n, generator=g),
        embed_a=torch.randn(n, 8, generator=g),
        embed_b=torch.randn(n, 8, generator=g),
    )


def test_pair_task_inputs_and_targets() -> None:
    split = tiny_split(20, 0)
    task = PairTask(has_aux=True, siamese=True)
    index = np.array([3, 1, 7])
    x_a, x_b = task.inputs(split, index)
    np.testing.assert_array_equal(x_a, split.x_a[index])
    np.testing.assert_array_equal(x_b, split.x_b[index])
    t = task.targets(split)
    np.testing.assert_array_equal(t["lfc"], split.lfc)
    np.testing.assert_array_equal(t["log_expr_b"], split.log_expr_b)
    single = SingleCellTask("a")
    (x,) = single.inputs(split, index)
    np.testing.assert_array_equal(x, split.x_a[index])


def test_target_means() -> None:
    split = tiny_split(50, 1)
    means = target_means(split)
    assert means == {
        "diff": pytest.approx(split.lfc.mean()),
        "aux_a": pytest.approx(split.log_expr_a.mean()),
        "aux_b": pytest.approx(split.log_expr_b.mean()),
    }


def test_offsets_shift_outputs_in_loss_and_predictions() -> None:
    n = 6
    out = _output(n)
    offsets = {"diff": 0.5, "aux_a": 7.0, "aux_b": 9.0}
    plain = PairTask(has_aux=True, siamese=True)
    shifted = PairTask(has_aux=True, siamese=True, offsets=offsets)
    lfc = torch.tensor([-3.0, -1.0, 0.0, 0.5, 2.5, 4.0])
    targets = {"lfc": lfc, "log_expr_a": torch.full((n,), 7.0), "log_expr_b": torch.full((n,), 9.0) + lfc}
    moved = ModelOutput(
        diff=out.diff + 0.5,
        row_attention=out.row_attention,
        bin_attention=out.bin_attention,
        aux_a=out.aux_a + 7.0,
        aux_b=out.aux_b + 9.0,
        embed_a=out.embed_a,
        embed_b=out.embed_b,
    )
    total, parts = shifted.loss(out, targets)
    expected, expected_parts = plain.loss(moved, targets)
    assert float(total) == pytest.approx(float(expected))
    assert parts == pytest.approx(expected_parts)  # the contrastive label uses the true LFC
    got = shifted.collect(out, attention=False)
    torch.testing.assert_close(got["diff"], out.diff + 0.5)
    torch.testing.assert_close(got["aux_b"], out.aux_b + 9.0)
    single = SingleCellTask("b", offset=9.0)
    cell_out = SingleCellOutput(
        expr=out.aux_b, row_attention=out.row_attention[:, :5], bin_attention=out.bin_attention[:, :5]
    )
    loss, _ = single.loss(cell_out, {"log_expr": targets["log_expr_b"]})
    assert float(loss) == pytest.approx(float(torch.mean((out.aux_b + 9.0 - targets["log_expr_b"]) ** 2)))
    torch.testing.assert_close(single.collect(cell_out, attention=False)["expr"], out.aux_b + 9.0)
