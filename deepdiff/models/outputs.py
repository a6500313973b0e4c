"""What every model returns, so training, evaluation and interpretation share one shape."""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor


@dataclass
class ModelOutput:
    """Predictions and attention of a DeepDiff variant for one batch.

    Attributes
    ----------
    diff : Tensor, shape (batch,)
        Predicted log fold change ``log2((expr_B + 1) / (expr_A + 1))``.
    row_attention : Tensor, shape (batch, n_rows)
        Level II (mark-level) attention over the rows that feed the difference head;
        ``row_names`` of the variant name those rows. For ``aux``/``aux_siamese`` this is the
        two cells' Level II attentions concatenated (5 + 5), as in the authors' code.
    bin_attention : Tensor, shape (batch, n_bin_rows, n_bins)
        Level I (bin-level) attention per input row; each row sums to one.
    aux_a, aux_b : Tensor, shape (batch,), optional
        Predicted ``log2(expr + 1)`` of each cell (variants with regression auxiliary heads).
    aux_logp_a, aux_logp_b : Tensor, shape (batch, 2), optional
        Log-probabilities (log-softmax) of each cell's two classes, column 0 label -1 (expression
        not above the cell's median), column 1 label 1 (above it); variants with classification
        auxiliary heads (Appendix Section 1.6).
    embed_a, embed_b : Tensor, shape (batch, 5 * 64), optional
        Each cell's Level I embeddings, flattened, for the contrastive loss (Siamese variants).
    """

    diff: Tensor
    row_attention: Tensor
    bin_attention: Tensor
    aux_a: Tensor | None = None
    aux_b: Tensor | None = None
    aux_logp_a: Tensor | None = None
    aux_logp_b: Tensor | None = None
    embed_a: Tensor | None = None
    embed_b: Tensor | None = None


@dataclass
class SingleCellOutput:
    """Prediction and attention of a single-cell model (AttentiveChrome regression).

    Attributes
    ----------
    expr : Tensor, shape (batch,)
        Predicted ``log2(expr + 1)``.
    row_attention : Tensor, shape (batch, 5)
    bin_attention : Tensor, shape (batch, 5, n_bins)
    """

    expr: Tensor
    row_attention: Tensor
    bin_attention: Tensor
