"""Settings of the simulator that are choices, not calibration (those live in calibration.json)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from deepdiff.errors import ConfigError

#: Bump whenever the same (config, seed, n_genes, pair) would produce different data.
SIMULATOR_VERSION = "1"


@dataclass(frozen=True)
class SimulationConfig:
    """How hard the simulated task is.

    The defaults aim at a best achievable test PCC for the LFC of about 0.7 (see
    :attr:`deepdiff.simulate.SimulationTruth.oracle_pcc`), within the range the paper's models
    reach on real pairs (Figure 4: 0-0.8), so that a perfect score signals a bug and a model can
    still beat the baselines clearly.

    Attributes
    ----------
    explained_fraction : float
        Fraction of genes whose marks follow their expression change. For the others the marks
        change by an independent draw of the same size, so their LFC cannot be predicted from the
        marks (their cell-specific levels still can). Default 0.85.
    change_signal_fraction : float
        For explained genes, the share of the latent LFC variance that comes from the activity
        change seen by the marks; the rest is cell-specific expression noise. Default 0.85.
    level_signal_fraction : float
        Share of a cell's latent expression variance carried by the activity (the rest is a
        gene-level offset shared by both cells, invisible in the marks and cancelling in the LFC).
        The mark couplings in calibration.json are fitted at 0.7; other values change how
        strongly the marks track expression. Default 0.7.
    mark_coupling : float
        Multiplies every planted coupling amplitude: 0 gives marks unrelated to expression (a
        null control), 1 the calibrated strength. Default 1.0.
    depth : float
        Multiplies every mark's mean count (sequencing depth). Default 1.0.
    """

    explained_fraction: float = 0.85
    change_signal_fraction: float = 0.85
    level_signal_fraction: float = 0.7
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
