"""A straightforward implementation: one ``nn.LSTM`` per row, one row at a time.

This follows the authors' ``models.py`` step by step (sequence-first LSTMs, a Python loop over
rows, attention per row with its scores computed gene by gene). It is slow by design and exists to check the fast models: the
equivalence tests and ``benchmarks/throughput.py`` build a reference with
:func:`reference_model`, which copies the fast model's weights, and compare outputs, gradients
and speed.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from deepdiff.models.attentivechrome import AttentiveChrome
from deepdiff.models.config import ModelConfig
from deepdiff.models.encoders import AttentiveEncoderBank
from deepdiff.models.outputs import ModelOutput, SingleCellOutput
from deepdiff.models.variants import DeepDiff, VariantSpec


class ReferenceEncoder(nn.Module):
    """One row: ``nn.LSTM`` (sequence-first, bidirectional) then context attention."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.rnn = nn.LSTM(input_size, hidden_size, bidirectional=True)
        self.context = nn.Parameter(torch.empty(2 * hidden_size).uniform_(-0.1, 0.1))

    def forward(self, seq: Tensor) -> tuple[Tensor, Tensor]:
        """``seq`` (T, batch, input) -> embedding (batch, 2H), attention (batch, T)."""
        states, _ = self.rnn(seq)
        states = states.permute(1, 0, 2)
        alpha = torch.softmax(_scores_gene_by_gene(states, self.context), dim=1)
        return torch.bmm(alpha.unsqueeze(1), states).squeeze(1), alpha


def _scores_gene_by_gene(states: Tensor, context: Tensor) -> Tensor:
    """Attention scores (batch, T) of states (batch, T, D), one gene at a time.

    The authors' attention loops over the batch and grows the result by concatenation, which
    costs time quadratic in the batch size; the reference keeps that cost so that the benchmark's
    ratio is taken against the authors' computation, not a vectorised rewrite of it.
    """
    scores = states[0] @ context
    scores = scores.unsqueeze(0)
    for gene in states[1:]:
        scores = torch.cat([scores, (gene @ context).unsqueeze(0)], dim=0)
    return scores


def _encode_rows(encoders: Sequence[ReferenceEncoder], rows: Sequence[Tensor]) -> tuple[Tensor, Tensor]:
    """Level I, one row at a time: rows of shape (batch, bins) -> (batch, R, 2H), (batch, R, bins)."""
    embeds, alphas = [], []
    for encoder, row in zip(encoders, rows, strict=True):
        embed, alpha = encoder(row.t().unsqueeze(2))
        embeds.append(embed)
        alphas.append(alpha)
    return torch.stack(embeds, 1), torch.stack(alphas, 1)


def _level_two(encoder: ReferenceEncoder, embeds: Tensor) -> tuple[Tensor, Tensor]:
    """Level II over row embeddings (batch, R, 2H) -> (batch, 2h), attention (batch, R)."""
    return encoder(embeds.permute(1, 0, 2))


class ReferenceDeepDiff(nn.Module):
    """A DeepDiff variant written as the authors do, one encoder module per row."""

    def __init__(self, spec: VariantSpec, config: ModelConfig) -> None:
        super().__init__()
        self.spec, self.config = spec, config
        n = config.n_marks

        def bins() -> nn.ModuleList:
            return nn.ModuleList(ReferenceEncoder(1, config.bin_hidden) for _ in range(n))

        def rows() -> ReferenceEncoder:
            return ReferenceEncoder(config.bin_embedding, config.row_hidden)

        self.raw_encoders = nn.ModuleList(bins() for _ in spec.raw_inputs)
        if spec.has_aux:
            self.cell_encoders_a = bins()
            self.cell_encoders_b = self.cell_encoders_a if spec.siamese else bins()
            self.level_two_a, self.level_two_b = rows(), rows()
            width = 2 if spec.aux_classification else 1  # two classes, or one value
            self.aux_head_a = nn.Linear(config.row_embedding, width)
            self.aux_head_b = nn.Linear(config.row_embedding, width)
        if spec.raw_inputs:
            self.level_two = rows()
            self.diff_head: nn.Module = nn.Linear(config.row_embedding, 1)
        else:
            width = 2 * config.row_embedding
            self.diff_head = nn.Sequential(nn.Linear(width, width // 2), nn.ReLU(), nn.Linear(width // 2, 1))

    def forward(self, x_a: Tensor, x_b: Tensor) -> ModelOutput:
        """Same contract as :meth:`DeepDiff.forward`."""
        spec = self.spec
        sources = {"A": x_a, "B": x_b, "A-B": x_a - x_b}
        out: dict[str, Tensor | None] = {}
        raw_embed = raw_alpha = None
        if spec.raw_inputs:
            encoders = [e for group in self.raw_encoders for e in group]
            rows = [sources[s][:, m] for s in spec.raw_inputs for m in range(self.config.n_marks)]
            raw_embed, raw_alpha = _encode_rows(encoders, rows)
        if spec.has_aux:
            n = self.config.n_marks
            embed_a, alpha_a = _encode_rows(self.cell_encoders_a, [x_a[:, m] for m in range(n)])
            embed_b, alpha_b = _encode_rows(self.cell_encoders_b, [x_b[:, m] for m in range(n)])
            rep_a, beta_a = _level_two(self.level_two_a, embed_a)
            rep_b, beta_b = _level_two(self.level_two_b, embed_b)
            if spec.aux_classification:
                out["aux_logp_a"] = torch.log_softmax(self.aux_head_a(rep_a), dim=-1)
                out["aux_logp_b"] = torch.log_softmax(self.aux_head_b(rep_b), dim=-1)
            else:
                out["aux_a"] = self.aux_head_a(rep_a).squeeze(-1)
                out["aux_b"] = self.aux_head_b(rep_b).squeeze(-1)
            if spec.siamese:
                out["embed_a"] = embed_a.flatten(1)
                out["embed_b"] = embed_b.flatten(1)
        if raw_embed is not None and raw_alpha is not None:
            level_two_in = torch.cat([raw_embed, embed_a, embed_b], 1) if spec.has_aux else raw_embed
            rep, beta = _level_two(self.level_two, level_two_in)
            diff = self.diff_head(rep).squeeze(-1)
            bin_attention = raw_alpha
        else:
            diff = self.diff_head(torch.cat([rep_a, rep_b], 1)).squeeze(-1)
            beta = torch.cat([beta_a, beta_b], 1)
            bin_attention = torch.cat([alpha_a, alpha_b], 1)
        return ModelOutput(diff=diff, row_attention=beta, bin_attention=bin_attention, **out)


class ReferenceAttentiveChrome(nn.Module):
    """AttentiveChrome written one encoder module per mark."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.encoders = nn.ModuleList(ReferenceEncoder(1, config.bin_hidden) for _ in range(config.n_marks))
        self.level_two = ReferenceEncoder(config.bin_embedding, config.row_hidden)
        self.head = nn.Linear(config.row_embedding, 1)

    def forward(self, x: Tensor) -> SingleCellOutput:
        """Same contract as :meth:`AttentiveChrome.forward`."""
        embed, alpha = _encode_rows(self.encoders, [x[:, m] for m in range(self.config.n_marks)])
        rep, beta = _level_two(self.level_two, embed)
        return SingleCellOutput(expr=self.head(rep).squeeze(-1), row_attention=beta, bin_attention=alpha)


#: (label, fast parameter, index into it, reference parameter): the two hold the same values.
ParamPair = tuple[str, nn.Parameter, tuple[int, ...], nn.Parameter]


def _encoder_pairs(
    label: str, bank: AttentiveEncoderBank, row: int, enc: ReferenceEncoder
) -> list[ParamPair]:
    pairs: list[ParamPair] = []
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        for direction, suffix in enumerate(("l0", "l0_reverse")):
            ref_param = getattr(enc.rnn, f"{name}_{suffix}")
            pairs.append((f"{label}.{name}_{suffix}", getattr(bank.rnn, name), (row, direction), ref_param))
    pairs.append((f"{label}.context", bank.attention.context, (row,), enc.context))
    return pairs


def _module_pairs(label: str, fast: nn.Module, ref: nn.Module) -> list[ParamPair]:
    return [
        (f"{label}.{name}", p, (), q)
        for (name, p), (_, q) in zip(fast.named_parameters(), ref.named_parameters(), strict=True)
    ]


def parameter_pairs(fast: nn.Module, ref: nn.Module) -> list[ParamPair]:
    """Which slice of which fast parameter equals which reference parameter.

    Every parameter value of both models appears exactly once (shared Siamese encoders once).
    """
    if isinstance(fast, AttentiveChrome) and isinstance(ref, ReferenceAttentiveChrome):
        pairs = [
            p for m, enc in enumerate(ref.encoders) for p in _encoder_pairs(f"bin{m}", fast.level_one, m, enc)
        ]
        return [
            *pairs,
            *_encoder_pairs("rows", fast.level_two, 0, ref.level_two),
            *_module_pairs("head", fast.head, ref.head),
        ]
    if not (isinstance(fast, DeepDiff) and isinstance(ref, ReferenceDeepDiff)):
        raise TypeError(f"no reference pairing for {type(fast).__name__} and {type(ref).__name__}")
    spec = fast.spec
    encoders: list[ReferenceEncoder] = [e for group in ref.raw_encoders for e in group]
    if spec.has_aux:
        encoders += list(ref.cell_encoders_a) + ([] if spec.siamese else list(ref.cell_encoders_b))
    pairs = [p for r, enc in enumerate(encoders) for p in _encoder_pairs(f"bin{r}", fast.level_one, r, enc)]
    if spec.has_aux:
        pairs += _encoder_pairs("rows_a", fast.cell_level_two, 0, ref.level_two_a)
        pairs += _encoder_pairs("rows_b", fast.cell_level_two, 1, ref.level_two_b)
        pairs += _module_pairs("aux_a", fast.aux_heads[0], ref.aux_head_a)
        pairs += _module_pairs("aux_b", fast.aux_heads[1], ref.aux_head_b)
    if spec.raw_inputs:
        pairs += _encoder_pairs("rows", fast.joint_level_two, 0, ref.level_two)
    assert len(encoders) == fast.level_one.n_rows
    return [*pairs, *_module_pairs("diff", fast.diff_head, ref.diff_head)]


def reference_model(fast: nn.Module) -> nn.Module:
    """The straightforward counterpart of a fast model, holding a copy of its weights."""
    ref: nn.Module
    if isinstance(fast, DeepDiff):
        ref = ReferenceDeepDiff(fast.spec, fast.config)
    elif isinstance(fast, AttentiveChrome):
        ref = ReferenceAttentiveChrome(fast.config)
    else:
        raise TypeError(f"no reference implementation for {type(fast).__name__}")
    with torch.no_grad():
        for _, p, index, q in parameter_pairs(fast, ref):
            q.copy_(p[index])
    return ref
