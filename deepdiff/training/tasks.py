"""Tasks: what the generic training loop needs to know about a family of models.

A task says which arrays of a split feed the model, which targets it is trained on, how the
loss is computed from the model's output, what to collect when predicting, and which
prediction is scored (Pearson correlation) to select the best epoch. The loop in
:mod:`deepdiff.training.loop` is written once against this protocol, so a pair model (DeepDiff)
and a single-cell model (AttentiveChrome, a CNN baseline) train the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from torch import Tensor

from deepdiff.data.containers import SplitData
from deepdiff.models.outputs import ModelOutput, SingleCellOutput
from deepdiff.models.spec import AUX_TASKS
from deepdiff.training.losses import LossWeights, deepdiff_loss, single_cell_loss

_CELLS = ("a", "b")


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

    def loss(
        self, output: ModelOutput | SingleCellOutput, targets: dict[str, Tensor]
    ) -> tuple[Tensor, dict[str, float]]:
        """Scalar loss of a batch and its named parts."""
        ...

    def collect(self, output: ModelOutput | SingleCellOutput, attention: bool) -> dict[str, Tensor]:
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
    offsets : mapping, optional
        Constants added to the model's outputs (``diff``, ``aux_a``, ``aux_b``) in the loss and
        in the predictions; see :func:`target_means`. Empty: outputs used as they are.
    aux_task : {"regression", "classification"}
        How the auxiliary heads learn (:attr:`deepdiff.models.spec.VariantSpec.aux_task`).
    aux_thresholds : mapping, optional
        Classification only: each cell's threshold (``a``, ``b``) on the expression count, the
        median over the training genes (:func:`aux_medians`); a gene is labelled 1 when its
        count is above it, -1 otherwise (:func:`above_median_label`).
    """

    has_aux: bool
    siamese: bool
    weights: LossWeights = field(default_factory=LossWeights)
    offsets: Mapping[str, float] = field(default_factory=dict)
    aux_task: str = "regression"
    aux_thresholds: Mapping[str, float] = field(default_factory=dict)
    score_key: str = "diff"
    score_target: str = "lfc"

    def __post_init__(self) -> None:
        if self.aux_task not in AUX_TASKS:
            raise ValueError(f"aux_task must be one of {AUX_TASKS}, got {self.aux_task!r}")
        if self.classifies and sorted(self.aux_thresholds) != list(_CELLS):
            raise ValueError(
                "classification auxiliary tasks need each cell's threshold (aux_thresholds with keys a, b); "
                f"got {dict(self.aux_thresholds)}"
            )
        unknown = sorted(set(self.offsets) - set(self.regressed_outputs))
        if unknown:
            raise ValueError(f"offsets for outputs this task does not regress: {unknown}")

    @property
    def classifies(self) -> bool:
        """The auxiliary heads are classifiers."""
        return self.has_aux and self.aux_task == "classification"

    @property
    def regressed_outputs(self) -> tuple[str, ...]:
        """The outputs trained by MSE (which an offset may shift)."""
        return ("diff",) if not self.has_aux or self.classifies else tuple(PAIR_OUTPUT_TARGETS)

    def aux_labels(self, split: SplitData) -> dict[str, np.ndarray]:
        """Each cell's ±1 label (``above_median_a``, ``above_median_b``); classification only."""
        if not self.classifies:
            raise ValueError("only a task with classification auxiliary tasks has labels")
        return {
            f"above_median_{cell}": above_median_label(
                getattr(split, f"expr_{cell}"), self.aux_thresholds[cell]
            )
            for cell in _CELLS
        }

    def _shifted(self, output: ModelOutput) -> ModelOutput:
        if not self.offsets:
            return output
        changes = {
            name: getattr(output, name) + self.offsets[name]
            for name in ("diff", "aux_a", "aux_b")
            if name in self.offsets and getattr(output, name) is not None
        }
        return dataclasses.replace(output, **changes)

    def targets(self, split: SplitData) -> dict[str, np.ndarray]:
        out = {"lfc": split.lfc, "log_expr_a": split.log_expr_a, "log_expr_b": split.log_expr_b}
        return out | self.aux_labels(split) if self.classifies else out

    def inputs(self, split: SplitData, index: np.ndarray) -> tuple[np.ndarray, ...]:
        return split.x_a[index], split.x_b[index]

    def loss(self, output: ModelOutput, targets: dict[str, Tensor]) -> tuple[Tensor, dict[str, float]]:
        labels = (targets["above_median_a"], targets["above_median_b"]) if self.classifies else None
        return deepdiff_loss(
            self._shifted(output),
            targets["lfc"],
            targets["log_expr_a"],
            targets["log_expr_b"],
            has_aux=self.has_aux,
            siamese=self.siamese,
            weights=self.weights,
            aux_labels=labels,
        )

    def collect(self, output: ModelOutput, attention: bool) -> dict[str, Tensor]:
        output = self._shifted(output)
        out = {"diff": output.diff.reshape(-1)}
        if self.has_aux and output.aux_a is not None and output.aux_b is not None:
            out["aux_a"] = output.aux_a.reshape(-1)
            out["aux_b"] = output.aux_b.reshape(-1)
        if self.classifies and output.aux_logp_a is not None and output.aux_logp_b is not None:
            # the probability of label 1 (above the median) of each cell
            out["p_above_a"] = output.aux_logp_a[:, 1].exp()
            out["p_above_b"] = output.aux_logp_b[:, 1].exp()
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
    offset : float
        Constant added to the model's output in the loss and the predictions (see
        :func:`target_means`).
    """

    cell: str
    offset: float = 0.0
    score_key: str = "expr"
    score_target: str = "log_expr"

    def __post_init__(self) -> None:
        if self.cell not in ("a", "b"):
            raise ValueError(f"cell must be 'a' or 'b', got {self.cell!r}")

    def targets(self, split: SplitData) -> dict[str, np.ndarray]:
        return {"log_expr": split.log_expr_a if self.cell == "a" else split.log_expr_b}

    def inputs(self, split: SplitData, index: np.ndarray) -> tuple[np.ndarray, ...]:
        return ((split.x_a if self.cell == "a" else split.x_b)[index],)

    def loss(self, output: SingleCellOutput, targets: dict[str, Tensor]) -> tuple[Tensor, dict[str, float]]:
        return single_cell_loss(output.expr + self.offset, targets["log_expr"])

    def collect(self, output: SingleCellOutput, attention: bool) -> dict[str, Tensor]:
        out = {"expr": output.expr.reshape(-1) + self.offset}
        if attention:
            out["row_attention"] = output.row_attention
            out["bin_attention"] = output.bin_attention
        return out


#: Which target each output of a pair model predicts.
PAIR_OUTPUT_TARGETS: Mapping[str, str] = {"diff": "lfc", "aux_a": "log_expr_a", "aux_b": "log_expr_b"}
#: Which ±1 label each probability of a classification pair model predicts (the probability of label 1).
PAIR_CLASS_TARGETS: Mapping[str, str] = {"p_above_a": "above_median_a", "p_above_b": "above_median_b"}


def aux_medians(split: SplitData) -> dict[str, float]:
    """Each cell's median expression count over a split's genes (``a``, ``b``): the classification threshold.

    The paper (Appendix Section 1.6) thresholds each cell at "the cell type specific median of the rpkm
    gene expression", following AttentiveChrome, without saying over which genes. We take the median
    over the run's training genes (no validation or test gene decides a label), of the expression
    counts this project's targets come from (the authors' released data hold counts, not RPKM);
    ``log2(expr + 1)`` is monotone, so its median gives the same labels.
    """
    if len(split) == 0:
        raise ValueError("no training genes to take the median expression of")
    return {cell: float(np.median(getattr(split, f"expr_{cell}"))) for cell in _CELLS}


def above_median_label(expr: np.ndarray, threshold: float) -> np.ndarray:
    """1.0 where the expression count is above ``threshold``, else -1.0 (float32)."""
    return np.where(np.asarray(expr) > threshold, 1.0, -1.0).astype(np.float32)


def target_means(split: SplitData) -> dict[str, float]:
    """Training-split means of the pair targets, keyed by output (``diff``, ``aux_a``, ``aux_b``).

    Used as output offsets (``TrainConfig.output_offsets``): adding a constant to an output is the
    same model as shifting the bias of its last linear layer, so the offsets only move the
    starting point of the optimisation to "predict the mean". With the authors' uniform
    initialisation an output starts near 0 while ``log2(expr + 1)`` averages about 5-10, and
    Adam at a small learning rate spends thousands of steps on that shift alone, which a short
    budget cannot afford.
    """
    means = {
        "lfc": float(np.mean(split.lfc, dtype=np.float64)),
        "log_expr_a": float(np.mean(split.log_expr_a, dtype=np.float64)),
        "log_expr_b": float(np.mean(split.log_expr_b, dtype=np.float64)),
    }
    return {output: means[target] for output, target in PAIR_OUTPUT_TARGETS.items()}
