"""Tasks: what the generic training loop needs to know about a family of models.

A task says which arrays of a split feed the model, which targets it is trained on, how the
loss is computed from the model's output, what to collect when predicting, and which
prediction is scored (Pearson correlation) to select the best epoch. The loop in
:mod:`deepdiff.training.loop` is written once against this protocol, so a pair model (DeepDiff)
and a single-cell model (AttentiveChrome, a CNN baseline) train the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from torch import Tensor

from deepdiff.data.containers import SplitData
from deepdiff.training.losses import LossWeights, deepdiff_loss, single_cell_loss


class Task(Protocol):
    """The interface the loop trains against."""

    #: Name of the prediction (a key of :meth:`collect`) scored to select the best epoch.
    score_key: str
    #: Name of the target (a key of :meth:`targets`) it is scored against.
    score_target: str

    def targets(self, split: SplitData) -> dict[str, np.ndarray]:
        """All targets of a split, float32 arrays of shape (n,), computed once per split."""
        ...

    def inputs(self, split: SplitData, index: np.ndarray) -> tuple[np.ndarray, ...]:
        """The model's input arrays (integer counts) for the genes at ``index``."""
        ...

    def loss(self, output: Any, targets: dict[str, Tensor]) -> tuple[Tensor, dict[str, float]]:
        """Scalar loss of a batch and its named parts."""
        ...

    def collect(self, output: Any, attention: bool) -> dict[str, Tensor]:
        """Per-batch tensors to keep when predicting (with attention when asked)."""
        ...


@dataclass(frozen=True)
class PairTask:
    """A DeepDiff variant: inputs ``(x_a, x_b)``, output :class:`~deepdiff.models.outputs.ModelOutput`.

    Parameters
    ----------
    has_aux : bool
        The variant has per-cell auxiliary heads (adds their MSE to the loss).
    siamese : bool
        The variant is Siamese (adds the weighted contrastive loss).
    weights : LossWeights
    """

    has_aux: bool
    siamese: bool
    weights: LossWeights = field(default_factory=LossWeights)
    score_key: str = "diff"
    score_target: str = "lfc"

    def targets(self, split: SplitData) -> dict[str, np.ndarray]:
        return {"lfc": split.lfc, "log_expr_a": split.log_expr_a, "log_expr_b": split.log_expr_b}

    def inputs(self, split: SplitData, index: np.ndarray) -> tuple[np.ndarray, ...]:
        return split.x_a[index], split.x_b[index]

    def loss(self, output: Any, targets: dict[str, Tensor]) -> tuple[Tensor, dict[str, float]]:
        return deepdiff_loss(
            output,
            targets["lfc"],
            targets["log_expr_a"],
            targets["log_expr_b"],
            has_aux=self.has_aux,
            siamese=self.siamese,
            weights=self.weights,
        )

    def collect(self, output: Any, attention: bool) -> dict[str, Tensor]:
        out = {"diff": output.diff.reshape(-1)}
        if self.has_aux and output.aux_a is not None and output.aux_b is not None:
            out["aux_a"] = output.aux_a.reshape(-1)
            out["aux_b"] = output.aux_b.reshape(-1)
        if attention:
            out["row_attention"] = output.row_attention
            out["bin_attention"] = output.bin_attention
        return out


@dataclass(frozen=True)
class SingleCellTask:
    """A single-cell regression model (AttentiveChrome) trained on one cell of a pair.

    Parameters
    ----------
    cell : {"a", "b"}
        Which cell's marks are the input and whose ``log2(expr + 1)`` is the target.
    """

    cell: str
    score_key: str = "expr"
    score_target: str = "log_expr"

    def __post_init__(self) -> None:
        if self.cell not in ("a", "b"):
            raise ValueError(f"cell must be 'a' or 'b', got {self.cell!r}")

    def targets(self, split: SplitData) -> dict[str, np.ndarray]:
        return {"log_expr": split.log_expr_a if self.cell == "a" else split.log_expr_b}

    def inputs(self, split: SplitData, index: np.ndarray) -> tuple[np.ndarray, ...]:
        return ((split.x_a if self.cell == "a" else split.x_b)[index],)

    def loss(self, output: Any, targets: dict[str, Tensor]) -> tuple[Tensor, dict[str, float]]:
        return single_cell_loss(output.expr, targets["log_expr"])

    def collect(self, output: Any, attention: bool) -> dict[str, Tensor]:
        out = {"expr": output.expr.reshape(-1)}
        if attention:
            out["row_attention"] = output.row_attention
            out["bin_attention"] = output.bin_attention
        return out
