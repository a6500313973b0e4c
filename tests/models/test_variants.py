"""The variants (Table 1's seven, the appendix's two): shapes, attention, parameter counts, training signal, determinism."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from deepdiff.errors import ConfigError, DataError
from deepdiff.models import VARIANTS, ModelConfig, build_model, count_parameters, init_uniform_
from deepdiff.models.spec import aux_classification
from deepdiff.training.losses import deepdiff_loss
from tests.models.conftest import SMALL

#: The authors' parameter counts at the default sizes (their models.py, counted in PyTorch).
AUTHORS_PARAMETERS = {
    "raw_d": 55_681,
    "raw_c": 100_801,
    "raw": 145_921,
    "aux": 113_475,
    "raw_aux": 257_283,
    "aux_siamese": 68_355,
    "raw_aux_siamese": 212_163,
}
#: Appendix Section 1.6's variants: their regression counterpart's count plus one more output unit
#: (32 weights and a bias) in each of the two auxiliary heads, which are softmax layers over two classes.
CLASSIFICATION_PARAMETERS = {
    "aux_cls": AUTHORS_PARAMETERS["aux"] + 2 * 33,
    "raw_aux_cls": AUTHORS_PARAMETERS["raw_aux"] + 2 * 33,
}
ROWS = {
    "raw_d": 5,
    "raw_c": 10,
    "raw": 15,
    "aux": 10,
    "raw_aux": 25,
    "aux_siamese": 10,
    "raw_aux_siamese": 25,
    "aux_cls": 10,
    "raw_aux_cls": 25,
}
BIN_ROWS = {
    "raw_d": 5,
    "raw_c": 10,
    "raw": 15,
    "aux": 10,
    "raw_aux": 15,
    "aux_siamese": 10,
    "raw_aux_siamese": 15,
    "aux_cls": 10,
    "raw_aux_cls": 15,
}


def _inputs(batch: int, config: ModelConfig, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    shape = (batch, config.n_marks, config.n_bins)
    return torch.poisson(torch.full(shape, 3.0), gen), torch.poisson(torch.full(shape, 3.0), gen)


def test_registry_is_the_papers_seven_then_the_appendix_two() -> None:
    assert list(VARIANTS) == [*AUTHORS_PARAMETERS, *CLASSIFICATION_PARAMETERS]
    assert [v.paper_name for v in VARIANTS.values()] == [
        "Raw:d", "Raw:c", "Raw", "Aux", "Raw+Aux", "Aux+Siamese", "Raw+Aux+Siamese",
        "Aux (classification)", "Raw+Aux (classification)",
    ]  # fmt: skip
    assert [v.name for v in VARIANTS.values() if v.aux_classification] == list(CLASSIFICATION_PARAMETERS)
    # composed from their regression counterparts: only the name, label, description and aux task differ
    for name, base in (("aux_cls", "aux"), ("raw_aux_cls", "raw_aux")):
        assert dataclasses.replace(VARIANTS[name], name=base, paper_name=VARIANTS[base].paper_name,
                                   description=VARIANTS[base].description, aux_task="regression") == VARIANTS[base]  # fmt: skip
    assert [v.name for v in VARIANTS.values() if v.siamese] == ["aux_siamese", "raw_aux_siamese"]
    assert all(v.has_aux for v in VARIANTS.values() if "aux" in v.name)


@pytest.mark.parametrize("variant", list(AUTHORS_PARAMETERS))
def test_parameter_counts_match_the_authors(variant: str) -> None:
    assert count_parameters(build_model(variant)) == AUTHORS_PARAMETERS[variant]


@pytest.mark.parametrize("variant", list(CLASSIFICATION_PARAMETERS))
def test_parameter_counts_of_the_classification_variants(variant: str) -> None:
    model = build_model(variant)
    assert count_parameters(model) == CLASSIFICATION_PARAMETERS[variant]
    assert [tuple(head.weight.shape) for head in model.aux_heads] == [(2, 32), (2, 32)]


def test_spec_refuses_classification_without_auxiliary_heads() -> None:
    with pytest.raises(ConfigError, match="no auxiliary tasks"):
        aux_classification(VARIANTS["raw"])
    with pytest.raises(ConfigError, match="unknown auxiliary task"):
        dataclasses.replace(VARIANTS["aux"], aux_task="ranking")


def test_unknown_variant_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="raw_aux_siamese"):
        build_model("raw_plus")


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_output_shapes_and_attention(variant: str) -> None:
    torch.manual_seed(0)
    model = build_model(variant, SMALL)
    x_a, x_b = _inputs(3, SMALL)
    out = model(x_a, x_b)
    spec = VARIANTS[variant]
    assert out.diff.shape == (3,)
    assert out.row_attention.shape == (3, ROWS[variant]) == (3, len(model.row_names))
    assert out.bin_attention.shape == (3, BIN_ROWS[variant], SMALL.n_bins)
    assert len(model.bin_row_names) == BIN_ROWS[variant]
    assert len(set(model.row_names)) == len(model.row_names)
    torch.testing.assert_close(out.bin_attention.sum(-1), torch.ones(3, BIN_ROWS[variant]))
    # Level II attention sums to one per Level II: once, or once per cell for aux variants.
    per_level_two = out.row_attention.view(
        3, -1 if spec.raw_inputs else 2, ROWS[variant] // (1 if spec.raw_inputs else 2)
    )
    torch.testing.assert_close(per_level_two.sum(-1), torch.ones(per_level_two.shape[:2]))
    regressed, classified = spec.has_aux and not spec.aux_classification, spec.aux_classification
    assert (out.aux_a is not None) == regressed == (out.aux_b is not None)
    assert (out.aux_logp_a is not None) == classified == (out.aux_logp_b is not None)
    if regressed:
        assert out.aux_a.shape == out.aux_b.shape == (3,)
    if classified:  # log-probabilities of two classes
        assert out.aux_logp_a.shape == out.aux_logp_b.shape == (3, 2)
        torch.testing.assert_close(out.aux_logp_a.exp().sum(-1), torch.ones(3))
    if spec.siamese:
        assert out.embed_a.shape == out.embed_b.shape == (3, SMALL.n_marks * SMALL.bin_embedding)
    else:
        assert out.embed_a is None and out.embed_b is None


def test_row_names() -> None:
    assert build_model("raw_d").row_names[0] == "A-B:H3K4me1"
    names = build_model("raw_aux").row_names
    assert names[:2] == ["A:H3K4me1", "A:H3K4me3"] and names[10] == "A-B:H3K4me1"
    assert names[15] == "A(aux):H3K4me1" and names[-1] == "B(aux):H3K36me3"
    assert build_model("aux").row_names[5] == "B:H3K4me1"


def test_bad_input_is_a_clear_error() -> None:
    model = build_model("raw_d", SMALL)
    x_a, x_b = _inputs(2, SMALL)
    with pytest.raises(DataError, match=r"x_b must be a float tensor of shape \(batch, 5, 12\)"):
        model(x_a, x_b[:, :4])
    with pytest.raises(DataError, match="float"):
        model(x_a.long(), x_b)
    with pytest.raises(DataError, match="same shape"):
        model(x_a, x_b[:1])


def test_siamese_level_one_is_shared() -> None:
    """Swapping the cells of a Siamese model swaps its contrastive embeddings exactly."""
    torch.manual_seed(1)
    model = build_model("aux_siamese", SMALL)
    x_a, x_b = _inputs(2, SMALL)
    out, swapped = model(x_a, x_b), model(x_b, x_a)
    torch.testing.assert_close(out.embed_a, swapped.embed_b)
    torch.testing.assert_close(out.embed_b, swapped.embed_a)


def _labels(
    variant: str, log_expr_a: torch.Tensor, lfc: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor] | None:
    """±1 labels (above the batch's median) for a classification variant, None for the others."""
    if not VARIANTS[variant].aux_classification:
        return None
    return tuple(torch.where(e > e.median(), 1.0, -1.0) for e in (log_expr_a, log_expr_a + lfc))  # type: ignore[return-value]


def _loss(variant: str, model: torch.nn.Module, x_a: torch.Tensor, x_b: torch.Tensor) -> torch.Tensor:
    spec = VARIANTS[variant]
    gen = torch.Generator().manual_seed(5)
    lfc = torch.randn(x_a.shape[0], generator=gen) * 3
    expr_a = torch.rand(x_a.shape[0], generator=gen) * 8
    return deepdiff_loss(
        model(x_a, x_b),
        lfc,
        expr_a,
        expr_a + lfc,
        has_aux=spec.has_aux,
        siamese=spec.siamese,
        aux_labels=_labels(variant, expr_a, lfc),
    )[0]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_gradients_reach_every_parameter(variant: str) -> None:
    torch.manual_seed(2)
    model = build_model(variant, SMALL)
    init_uniform_(model)
    _loss(variant, model, *_inputs(4, SMALL)).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_overfits_a_tiny_batch(variant: str) -> None:
    """300 Adam steps fit three genes' targets (all loss terms) almost exactly."""
    torch.manual_seed(3)
    model = build_model(variant, SMALL)
    init_uniform_(model)
    x_a, x_b = _inputs(3, SMALL, seed=1)
    spec = VARIANTS[variant]
    lfc, log_expr_a = torch.tensor([-2.5, 0.0, 2.5]), torch.tensor([1.0, 3.0, 2.0])

    def loss() -> torch.Tensor:
        out = model(x_a, x_b)
        return deepdiff_loss(
            out,
            lfc,
            log_expr_a,
            log_expr_a + lfc,
            has_aux=spec.has_aux,
            siamese=spec.siamese,
            aux_labels=_labels(variant, log_expr_a, lfc),
        )[0]

    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    first, best = loss().item(), float("inf")
    for _ in range(300):  # Adam at this rate is spiky: judge the best loss reached
        opt.zero_grad()
        value = loss()
        value.backward()
        opt.step()
        best = min(best, value.item())
    assert best < 0.05 * first


def test_same_seed_same_output() -> None:
    x_a, x_b = _inputs(2, SMALL)
    outs = []
    for _ in range(2):
        torch.manual_seed(7)
        model = build_model("raw_aux", SMALL)
        init_uniform_(model)
        outs.append(model(x_a, x_b).diff)
    torch.testing.assert_close(outs[0], outs[1], atol=0, rtol=0)
    torch.manual_seed(8)
    assert not torch.equal(build_model("raw_aux", SMALL)(x_a, x_b).diff, outs[0])


def test_init_uniform_bounds() -> None:
    model = build_model("raw", SMALL)
    init_uniform_(model, 0.05)
    values = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert values.abs().max() <= 0.05 and values.abs().max() > 0.04
