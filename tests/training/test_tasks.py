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


def test_classification_labels_come_from_the_training_median() -> None:
    """aux_cls's labels: 1 above each cell's median over the training genes, -1 otherwise, on every split."""
    from deepdiff.training.config import training_config
    from deepdiff.training.runner import variant_task
    from deepdiff.training.tasks import above_median_label, aux_medians

    train, test = tiny_split(41, 1), tiny_split(30, 2)
    medians = aux_medians(train)
    assert medians == {"a": float(np.median(train.expr_a)), "b": float(np.median(train.expr_b))}
    config = training_config("quick")
    task = variant_task("aux_cls", config, target_means(train), train)
    assert task.classifies and dict(task.aux_thresholds) == medians
    assert set(task.offsets) == {"diff"}  # a classifier's output is not shifted
    for split in (train, test):
        t = task.targets(split)
        for cell in ("a", "b"):
            expr = getattr(split, f"expr_{cell}")
            expected = np.where(expr > medians[cell], 1.0, -1.0)
            np.testing.assert_array_equal(t[f"above_median_{cell}"], expected)
            np.testing.assert_array_equal(above_median_label(expr, medians[cell]), expected)
    # about half of the training genes on each side (ties at the median are labelled -1)
    labels = task.targets(train)["above_median_a"]
    assert set(np.unique(labels)) == {-1.0, 1.0} and abs(labels.mean()) <= 0.5
    # a regression variant keeps every offset and has no labels
    plain = variant_task("aux", config, target_means(train), train)
    assert set(plain.offsets) == {"diff", "aux_a", "aux_b"} and "above_median_a" not in plain.targets(train)
    with pytest.raises(ValueError, match="labels"):
        plain.aux_labels(train)


def test_classification_task_loss_is_the_nll_of_the_labels_and_collects_probabilities() -> None:
    n = 4
    g = torch.Generator().manual_seed(3)
    logp_a = torch.log_softmax(torch.randn(n, 2, generator=g), -1)
    logp_b = torch.log_softmax(torch.randn(n, 2, generator=g), -1)
    out = ModelOutput(
        diff=torch.zeros(n),
        row_attention=torch.full((n, 10), 0.1),
        bin_attention=torch.full((n, 10, 200), 1 / 200),
        aux_logp_a=logp_a,
        aux_logp_b=logp_b,
    )
    task = PairTask(
        has_aux=True, siamese=False, aux_task="classification", aux_thresholds={"a": 5.0, "b": 1.0}
    )
    label_a, label_b = torch.tensor([1.0, -1.0, -1.0, 1.0]), torch.tensor([-1.0, -1.0, 1.0, 1.0])
    targets = {
        "lfc": torch.zeros(n),
        "log_expr_a": torch.zeros(n),
        "log_expr_b": torch.zeros(n),
        "above_median_a": label_a,
        "above_median_b": label_b,
    }
    total, parts = task.loss(out, targets)
    nll_a = -logp_a[torch.arange(n), (label_a > 0).long()].mean()
    nll_b = -logp_b[torch.arange(n), (label_b > 0).long()].mean()
    assert parts["aux_a"] == pytest.approx(float(nll_a)) and parts["aux_b"] == pytest.approx(float(nll_b))
    assert float(total) == pytest.approx(float(nll_a + nll_b))
    got = task.collect(out, attention=False)
    assert set(got) == {"diff", "p_above_a", "p_above_b"}
    torch.testing.assert_close(got["p_above_a"], logp_a[:, 1].exp())
    with pytest.raises(ValueError, match="thresholds"):
        PairTask(has_aux=True, siamese=False, aux_task="classification")
    with pytest.raises(ValueError, match="offsets for outputs"):
        PairTask(
            has_aux=True, siamese=False, aux_task="classification", aux_thresholds={"a": 1.0, "b": 1.0},
            offsets={"aux_a": 3.0},
        )  # fmt: skip
