"""Losses against hand computation (numpy), as in the authors' train.py and SiameseLoss.py."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from deepdiff.models.outputs import ModelOutput
from deepdiff.training.losses import (
    LossWeights,
    aux_classification_loss,
    contrastive_loss,
    deepdiff_loss,
    differential_label,
    single_cell_loss,
)


def _contrastive_by_hand(a: np.ndarray, b: np.ndarray, s: np.ndarray, margin: float) -> float:
    d = np.sqrt(((a - b + 1e-6) ** 2).sum(axis=1))  # pairwise_distance adds eps = 1e-6
    return float(np.mean((1 - s) * d**2 + s * np.maximum(0.0, margin - d) ** 2))


def test_differential_label_threshold_is_inclusive() -> None:
    lfc = torch.tensor([-2.5, -2.0, -1.99, 0.0, 1.99, 2.0, 3.0])
    assert differential_label(lfc).tolist() == [1, 1, 0, 0, 0, 1, 1]
    assert differential_label(lfc, threshold=3.0).tolist() == [0, 0, 0, 0, 0, 0, 1]


def test_contrastive_loss_by_hand() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(6, 320)).astype(np.float32) * 0.05
    b = rng.normal(size=(6, 320)).astype(np.float32) * 0.05
    s = np.array([0, 1, 0, 1, 1, 0], dtype=np.float32)
    got = contrastive_loss(torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(s), margin=2.0)
    assert float(got) == pytest.approx(_contrastive_by_hand(a, b, s, 2.0), rel=1e-5)
    # Dissimilar pairs farther apart than the margin cost nothing; similar ones cost d^2.
    far = torch.zeros(1, 4), torch.full((1, 4), 2.0)  # d = 4 > m
    assert float(contrastive_loss(*far, torch.ones(1))) == 0.0
    assert float(contrastive_loss(*far, torch.zeros(1))) == pytest.approx(16.0, rel=1e-5)
    # Level I embeddings may come as (batch, rows, 64): they are flattened.
    a3, b3 = torch.from_numpy(a).view(6, 5, 64), torch.from_numpy(b).view(6, 5, 64)
    assert float(contrastive_loss(a3, b3, torch.from_numpy(s))) == pytest.approx(float(got))


def _output(n: int, rng: np.random.Generator, aux: bool, siamese: bool) -> ModelOutput:
    def t(*shape: int) -> torch.Tensor:
        return torch.from_numpy(rng.normal(size=shape).astype(np.float32))

    return ModelOutput(
        diff=t(n),
        row_attention=torch.full((n, 5), 0.2),
        bin_attention=torch.full((n, 5, 200), 1 / 200),
        aux_a=t(n) if aux else None,
        aux_b=t(n) if aux else None,
        embed_a=t(n, 320) * 0.05 if siamese else None,
        embed_b=t(n, 320) * 0.05 if siamese else None,
    )


@pytest.mark.parametrize(("aux", "siamese"), [(False, False), (True, False), (True, True)])
def test_deepdiff_loss_by_hand(aux: bool, siamese: bool) -> None:
    rng = np.random.default_rng(1)
    n = 8
    out = _output(n, rng, aux, siamese)
    lfc = np.array([-3.0, -2.0, -0.5, 0.0, 0.5, 1.9, 2.0, 4.0], dtype=np.float32)
    ea = rng.uniform(0, 8, size=n).astype(np.float32)
    eb = ea + lfc
    total, parts = deepdiff_loss(
        out, torch.from_numpy(lfc), torch.from_numpy(ea), torch.from_numpy(eb), has_aux=aux, siamese=siamese
    )
    expected = np.mean((out.diff.numpy() - lfc) ** 2)
    assert parts["diff"] == pytest.approx(expected, rel=1e-5)
    if aux:
        aux_a = np.mean((out.aux_a.numpy() - ea) ** 2)
        aux_b = np.mean((out.aux_b.numpy() - eb) ** 2)
        assert parts["aux_a"] == pytest.approx(aux_a, rel=1e-5)
        assert parts["aux_b"] == pytest.approx(aux_b, rel=1e-5)
        expected += aux_a + aux_b
    if siamese:
        s = (np.abs(lfc) >= 2.0).astype(np.float32)
        con = _contrastive_by_hand(out.embed_a.numpy(), out.embed_b.numpy(), s, 2.0)
        assert parts["contrastive"] == pytest.approx(con, rel=1e-5)
        expected += 4.0 * con
    assert set(parts) == {"diff"} | ({"aux_a", "aux_b"} if aux else set()) | (
        {"contrastive"} if siamese else set()
    )
    assert float(total) == pytest.approx(expected, rel=1e-5)


def test_loss_weights_apply() -> None:
    rng = np.random.default_rng(2)
    out = _output(4, rng, True, True)
    args = (torch.zeros(4), torch.ones(4), torch.ones(4))
    base, p = deepdiff_loss(out, *args, has_aux=True, siamese=True)
    w = LossWeights(aux=0.5, contrastive=1.0)
    weighted, _ = deepdiff_loss(out, *args, has_aux=True, siamese=True, weights=w)
    expected = p["diff"] + 0.5 * (p["aux_a"] + p["aux_b"]) + 1.0 * p["contrastive"]
    assert float(weighted) == pytest.approx(expected, rel=1e-5)
    assert float(base) != pytest.approx(float(weighted))


def test_missing_heads_are_reported() -> None:
    out = _output(3, np.random.default_rng(0), aux=False, siamese=False)
    with pytest.raises(RuntimeError, match="aux_a"):
        deepdiff_loss(out, torch.zeros(3), torch.zeros(3), torch.zeros(3), has_aux=True, siamese=False)
    with pytest.raises(RuntimeError, match="embed_a"):
        deepdiff_loss(out, torch.zeros(3), torch.zeros(3), torch.zeros(3), has_aux=False, siamese=True)


def test_single_cell_loss() -> None:
    pred, target = torch.tensor([1.0, 2.0, 4.0]), torch.tensor([1.0, 0.0, 1.0])
    loss, parts = single_cell_loss(pred, target)
    assert float(loss) == pytest.approx((0 + 4 + 9) / 3)
    assert parts == {"expr": pytest.approx(13 / 3)}


def test_losses_backpropagate() -> None:
    rng = np.random.default_rng(3)
    out = _output(5, rng, True, True)
    for name in ("diff", "aux_a", "aux_b", "embed_a", "embed_b"):
        getattr(out, name).requires_grad_(True)
    total, _ = deepdiff_loss(
        out, torch.full((5,), 3.0), torch.ones(5), torch.ones(5), has_aux=True, siamese=True
    )
    total.backward()
    for name in ("diff", "aux_a", "aux_b", "embed_a", "embed_b"):
        grad = getattr(out, name).grad
        assert grad is not None and torch.isfinite(grad).all() and grad.abs().sum() > 0, name


def test_aux_classification_loss_is_the_nll_of_the_labels_by_hand() -> None:
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(6, 2))
    log_prob = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    label = np.array([1.0, -1.0, -1.0, 1.0, 1.0, -1.0], dtype=np.float32)
    # label 1 is column 1, label -1 column 0
    expected = -np.mean(log_prob[np.arange(6), (label > 0).astype(int)])
    got = aux_classification_loss(torch.from_numpy(log_prob), torch.from_numpy(label))
    assert float(got) == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match="1 or -1"):
        aux_classification_loss(torch.from_numpy(log_prob), torch.zeros(6))


def test_deepdiff_loss_with_classification_heads_by_hand() -> None:
    rng = np.random.default_rng(5)
    n = 8
    logits = torch.from_numpy(rng.normal(size=(2, n, 2)))
    out = ModelOutput(
        diff=torch.from_numpy(rng.normal(size=n)),
        row_attention=torch.zeros(n, 10),
        bin_attention=torch.zeros(n, 10, 200),
        aux_logp_a=torch.log_softmax(logits[0], -1),
        aux_logp_b=torch.log_softmax(logits[1], -1),
    )
    lfc = torch.from_numpy(rng.normal(size=n))
    label_a = torch.tensor([1.0, -1, 1, 1, -1, -1, 1, -1], dtype=torch.float64)
    label_b = -label_a
    total, parts = deepdiff_loss(
        out, lfc, lfc, lfc, has_aux=True, siamese=False, aux_labels=(label_a, label_b)
    )
    idx_a, idx_b = (label_a > 0).long().numpy(), (label_b > 0).long().numpy()
    nll_a = -np.mean(out.aux_logp_a.numpy()[np.arange(n), idx_a])
    nll_b = -np.mean(out.aux_logp_b.numpy()[np.arange(n), idx_b])
    mse = np.mean((out.diff.numpy() - lfc.numpy()) ** 2)
    assert parts == {"diff": pytest.approx(mse), "aux_a": pytest.approx(nll_a), "aux_b": pytest.approx(nll_b)}
    assert float(total) == pytest.approx(mse + nll_a + nll_b)
    # the regression targets (log expression) are not used: the same loss whatever they are
    same, _ = deepdiff_loss(
        out, lfc, lfc * 0 + 9, lfc * 0 - 9, has_aux=True, siamese=False, aux_labels=(label_a, label_b)
    )
    assert float(same) == pytest.approx(float(total))
    weighted, _ = deepdiff_loss(
        out,
        lfc,
        lfc,
        lfc,
        has_aux=True,
        siamese=False,
        aux_labels=(label_a, label_b),
        weights=LossWeights(aux=0.5),
    )
    assert float(weighted) == pytest.approx(mse + 0.5 * (nll_a + nll_b))
    regression_output = _output(n, rng, aux=True, siamese=False)
    with pytest.raises(RuntimeError, match="aux_logp_a"):
        deepdiff_loss(
            regression_output, lfc, lfc, lfc, has_aux=True, siamese=False, aux_labels=(label_a, label_b)
        )
