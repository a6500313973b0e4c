"""Sizes shared by every model: one small frozen dataclass."""

from __future__ import annotations

from dataclasses import dataclass

from deepdiff.constants import N_BINS, N_MARKS
from deepdiff.errors import ConfigError


@dataclass(frozen=True)
class ModelConfig:
    """Sizes of the hierarchical attention encoders (the authors' defaults).

    Attributes
    ----------
    n_marks : int
        Histone marks per cell (rows of one cell's input).
    n_bins : int
        Bins per mark (Level I sequence length).
    bin_hidden : int
        Level I LSTM hidden size per direction; a row embedding has ``2 * bin_hidden`` values.
    row_hidden : int
        Level II LSTM hidden size per direction; the Level II embedding has ``2 * row_hidden``.
    """

    n_marks: int = N_MARKS
    n_bins: int = N_BINS
    bin_hidden: int = 32
    row_hidden: int = 16

    def __post_init__(self) -> None:
        for name in ("n_marks", "n_bins", "bin_hidden", "row_hidden"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"ModelConfig.{name} must be a positive integer, got {value!r}")

    @property
    def bin_embedding(self) -> int:
        """Size of one row's Level I embedding (both directions)."""
        return 2 * self.bin_hidden

    @property
    def row_embedding(self) -> int:
        """Size of the Level II embedding (both directions)."""
        return 2 * self.row_hidden


#: The authors' sizes (a frozen instance, safe as a default argument).
DEFAULT_CONFIG = ModelConfig()
