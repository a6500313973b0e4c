"""The DeepDiff variants as compositions of the same blocks.

Every variant is one :class:`DeepDiff` module configured by a
:class:`~deepdiff.models.spec.VariantSpec`:

* a **raw branch** (``raw_inputs``): rows built from the two cells' inputs (``A``, ``B``,
  ``A-B``), each with its own Level I encoder;
* an optional **auxiliary branch** (``has_aux``): each cell's five rows with Level I encoders
  (one set per cell, or one set shared by both cells when ``siamese``), a Level II per cell and
  a linear head per cell: one output, that cell's ``log2(expr + 1)`` (``aux_task``
  ``regression``), or two followed by a log-softmax, the probabilities of its expression being
  above its median or not (``classification``, Appendix Section 1.6);
* the **difference head**: with a raw branch, one Level II over all rows (the raw rows, then
  A's and B's auxiliary rows) and a linear head; without, an MLP (64 -> 32, ReLU, -> 1) on the
  two cells' Level II embeddings.

All Level I encoders of a model form one :class:`~deepdiff.models.encoders.AttentiveEncoderBank`
(shared weights are looked up by index), so one call runs every row of every branch.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from deepdiff.constants import MARKS
from deepdiff.errors import ConfigError, DataError
from deepdiff.models.config import DEFAULT_CONFIG, ModelConfig
from deepdiff.models.encoders import level_one, level_two
from deepdiff.models.outputs import ModelOutput
from deepdiff.models.spec import VariantSpec, get_variant


def mark_names(n_marks: int) -> list[str]:
    """The marks' names (:data:`~deepdiff.constants.MARKS`), or ``mark0..`` for other counts."""
    return list(MARKS) if n_marks == len(MARKS) else [f"mark{i}" for i in range(n_marks)]


def check_input(x: Tensor, name: str, config: ModelConfig) -> None:
    """Raise a DataError unless ``x`` is a float tensor of shape (batch, n_marks, n_bins)."""
    expected = (config.n_marks, config.n_bins)
    if x.dim() != 3 or tuple(x.shape[1:]) != expected or not x.is_floating_point():
        raise DataError(
            f"{name} must be a float tensor of shape (batch, {expected[0]}, {expected[1]}) "
            f"(genes x marks x bins, raw counts); got {x.dtype} {tuple(x.shape)}"
        )


class DeepDiff(nn.Module):
    """One DeepDiff variant (see the module docstring for the composition).

    Parameters
    ----------
    spec : VariantSpec
    config : ModelConfig
    """

    def __init__(self, spec: VariantSpec, config: ModelConfig = DEFAULT_CONFIG) -> None:
        super().__init__()
        self.spec = spec
        self.config = config
        n = config.n_marks
        self.n_raw_rows = n * len(spec.raw_inputs)
        n_cell_weights = 0 if not spec.has_aux else (n if spec.siamese else 2 * n)
        self.level_one = level_one(self.n_raw_rows + n_cell_weights, config)
        rows: Tensor | None = None
        if spec.siamese:  # both cells' rows use the shared encoders
            shared = torch.arange(self.n_raw_rows, self.n_raw_rows + n)
            rows = torch.cat([torch.arange(self.n_raw_rows), shared, shared])
        self.register_buffer("level_one_rows", rows, persistent=False)
        if spec.has_aux:
            self.cell_level_two = level_two(2, config)
            width = 2 if spec.aux_classification else 1  # two classes, or one value
            self.aux_heads = nn.ModuleList([nn.Linear(config.row_embedding, width) for _ in range(2)])
        if spec.raw_inputs:
            self.joint_level_two = level_two(1, config)
            self.diff_head: nn.Module = nn.Linear(config.row_embedding, 1)
        else:
            width = 2 * config.row_embedding
            self.diff_head = nn.Sequential(nn.Linear(width, width // 2), nn.ReLU(), nn.Linear(width // 2, 1))

        marks = mark_names(n)
        raw_names = [f"{source}:{mark}" for source in spec.raw_inputs for mark in marks]
        tag = "(aux)" if spec.raw_inputs else ""
        cell_names = [f"{cell}{tag}:{mark}" for cell in ("A", "B") for mark in marks] if spec.has_aux else []
        #: Names of the rows of ``row_attention``.
        self.row_names: list[str] = raw_names + cell_names if spec.raw_inputs else cell_names
        #: Names of the rows of ``bin_attention``.
        self.bin_row_names: list[str] = raw_names if spec.raw_inputs else cell_names

    def forward(self, x_a: Tensor, x_b: Tensor) -> ModelOutput:
        """Predict the log fold change of every gene.

        Parameters
        ----------
        x_a, x_b : Tensor, shape (batch, n_marks, n_bins)
            Raw read counts of cell A and cell B, as floats.
        """
        check_input(x_a, "x_a", self.config)
        check_input(x_b, "x_b", self.config)
        if x_a.shape != x_b.shape:
            raise DataError(
                f"x_a and x_b must have the same shape; got {tuple(x_a.shape)} and {tuple(x_b.shape)}"
            )
        spec, n, n_raw = self.spec, self.config.n_marks, self.n_raw_rows
        batch = x_a.shape[0]
        sources = {"A": x_a, "B": x_b, "A-B": x_a - x_b}
        parts = [sources[s] for s in spec.raw_inputs] + ([x_a, x_b] if spec.has_aux else [])
        x = torch.cat(parts, dim=1).transpose(0, 1).unsqueeze(-1)  # (rows, batch, bins, 1)
        embed, bin_attention = self.level_one(
            x, self.level_one_rows
        )  # (rows, batch, 64), (rows, batch, bins)

        out: dict[str, Tensor | None] = {}
        if spec.has_aux:
            cells = embed[n_raw:].view(2, n, batch, -1).transpose(1, 2)  # (2, batch, n, 64)
            cell_rep, cell_attention = self.cell_level_two(cells)
            heads = [head(rep) for head, rep in zip(self.aux_heads, cell_rep, strict=True)]
            if spec.aux_classification:
                out["aux_logp_a"], out["aux_logp_b"] = (F.log_softmax(h, dim=-1) for h in heads)
            else:
                out["aux_a"], out["aux_b"] = (h.squeeze(-1) for h in heads)
            if spec.siamese:
                out["embed_a"] = embed[n_raw : n_raw + n].transpose(0, 1).reshape(batch, -1)
                out["embed_b"] = embed[n_raw + n :].transpose(0, 1).reshape(batch, -1)
        if spec.raw_inputs:
            rep, row_attention = self.joint_level_two(embed.transpose(0, 1).unsqueeze(0))
            diff = self.diff_head(rep[0]).squeeze(-1)
            rows_attention = row_attention[0]
            bins = bin_attention[:n_raw].transpose(0, 1)
        else:
            diff = self.diff_head(torch.cat([cell_rep[0], cell_rep[1]], dim=-1)).squeeze(-1)
            rows_attention = cell_attention.transpose(0, 1).reshape(batch, 2 * n)
            bins = bin_attention.transpose(0, 1)
        return ModelOutput(diff=diff, row_attention=rows_attention, bin_attention=bins, **out)


def build_model(variant: str, config: ModelConfig = DEFAULT_CONFIG) -> nn.Module:
    """A DeepDiff variant by name (``raw_d``, ``raw_c``, ``raw``, ``aux``, ``raw_aux``,
    ``aux_siamese``, ``raw_aux_siamese``, ``aux_cls``, ``raw_aux_cls``); ConfigError on an unknown name.

    Parameters are initialised as PyTorch does by default; call
    :func:`~deepdiff.models.init_uniform_` for the authors' U(-0.1, 0.1).
    """
    if not isinstance(config, ModelConfig):
        raise ConfigError(f"config must be a ModelConfig, got {type(config).__name__}")
    return DeepDiff(get_variant(variant), config)
