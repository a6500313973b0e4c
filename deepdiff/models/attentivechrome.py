"""AttentiveChrome (Singh et al., 2017) as a single-cell regression baseline.

The paper's AttentiveChrome baseline is trained per cell to regress ``log2(expr + 1)``; the
differential prediction is the difference of the two cells' predictions. The network is one
cell's half of DeepDiff: Level I per mark, Level II over the marks, a linear head, built from
the same blocks (:mod:`deepdiff.models.encoders`).
"""

from __future__ import annotations

from torch import Tensor, nn

from deepdiff.models.config import DEFAULT_CONFIG, ModelConfig
from deepdiff.models.encoders import level_one, level_two
from deepdiff.models.outputs import SingleCellOutput
from deepdiff.models.variants import check_input, mark_names


class AttentiveChrome(nn.Module):
    """Hierarchical attention bi-LSTM over one cell's marks, regressing ``log2(expr + 1)``.

    Parameters
    ----------
    config : ModelConfig
    """

    def __init__(self, config: ModelConfig = DEFAULT_CONFIG) -> None:
        super().__init__()
        self.config = config
        self.level_one = level_one(config.n_marks, config)
        self.level_two = level_two(1, config)
        self.head = nn.Linear(config.row_embedding, 1)
        #: Names of the rows of ``row_attention`` and ``bin_attention`` (the marks).
        self.row_names: list[str] = mark_names(config.n_marks)
        self.bin_row_names: list[str] = list(self.row_names)

    def forward(self, x: Tensor) -> SingleCellOutput:
        """Predict ``log2(expr + 1)`` from one cell's counts, shape (batch, n_marks, n_bins)."""
        check_input(x, "x", self.config)
        embed, bin_attention = self.level_one(x.transpose(0, 1).unsqueeze(-1))
        rep, row_attention = self.level_two(embed.transpose(0, 1).unsqueeze(0))
        return SingleCellOutput(
            expr=self.head(rep[0]).squeeze(-1),
            row_attention=row_attention[0],
            bin_attention=bin_attention.transpose(0, 1),
        )
