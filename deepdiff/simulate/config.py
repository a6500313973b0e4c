"""Settings of the simulator that are choices, not calibration (those live in calibration.json)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from deepdiff.errors import ConfigError

#: Bump whenever the same (config, seed, n_genes, pair) would produce different data.
SIMULATOR_VERSION = "2"


@dataclass(frozen=True)
class SimulationConfig:
    """How hard the simulated task is.

    The defaults put the oracle PCC of the LFC (a predictor that knows each gene's exact
    activities; :attr:`deepdiff.simulate.SimulationTruth.oracle_pcc`) at about 0.8 on E003-E004
    and 0.87 on E123-E003, and a ridge regression on the planted regions of the count
    differences at about 0.2 and 0.5: below 1 with room to spare, so that a perfect score
    signals a bug, and in the range the paper's models reach on real pairs (Figure 4: 0-0.8).

    Attributes
    ----------
    explained_fraction : float
        Fraction of genes whose marks follow their expression change. The others' marks do not
        change between the cells (they show the gene's mean level), so their LFC cannot be
        predicted from the marks (their levels still can). Default 0.8.
    change_signal_fraction : float
        For explained genes, the share of the latent LFC variance that comes from the activity
        change seen by the marks; the rest is cell-specific expression noise. Default 0.8.
    level_signal_fraction : float
        Share of a cell's latent expression variance carried by the activity (the rest is a
        gene-level offset shared by both cells, invisible in the marks and cancelling in the LFC).
        The mark models in calibration.json are fitted with activity equal to the expression
        rank, i.e. 1.0; lower values make marks track expression less closely than in the real
        data. Default 1.0.
    mark_coupling : float
        Multiplies every planted coupling amplitude: 0 gives marks unrelated to expression (a
        null control), 1 the calibrated strength. Default 1.0.
    depth : float
        Multiplies every mark's mean count (sequencing depth). Default 1.0.
    """

    explained_fraction: float = 0.8
    change_signal_fraction: float = 0.8
    level_signal_fraction: float = 1.0
    mark_coupling: float = 1.0
    depth: float = 1.0

    def __post_init__(self) -> None:
        for name in ("explained_fraction", "change_signal_fraction"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"SimulationConfig.{name} must lie in [0, 1], got {value!r}")
        if not 0.0 < self.level_signal_fraction <= 1.0:
            raise ConfigError(
                f"SimulationConfig.level_signal_fraction must lie in (0, 1], got {self.level_signal_fraction!r}"
            )
        if not self.mark_coupling >= 0.0:
            raise ConfigError(f"SimulationConfig.mark_coupling must be >= 0, got {self.mark_coupling!r}")
        if not self.depth > 0.0:
            raise ConfigError(f"SimulationConfig.depth must be > 0, got {self.depth!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the settings (for checksums, metadata and result configs)."""
        return dataclasses.asdict(self)
