"""Settings of the simulator: how strongly the marks are linked to expression.

The per-cell and per-pair statistics of the real data live in ``calibration.json``
(:mod:`deepdiff.simulate.calibration`). The settings here say how much of the LFC the marks
explain; their defaults are fitted so that a simulated twin of the authors' real sample is as
learnable as the sample itself (the same test PCC of ridge, gradient boosting and DeepDiff Raw:c)
and are read from ``learnability.json``, which ``scripts/calibrate_learnability.py`` writes with
the figures it achieved (:mod:`deepdiff.simulate.learnability`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from deepdiff.errors import ConfigError
from deepdiff.simulate.learnability import fitted_setting

#: Bump whenever the same (config, seed, n_genes, pair) would produce different data.
SIMULATOR_VERSION = "3"


@dataclass(frozen=True)
class SimulationConfig:
    """How hard the simulated task is.

    The defaults (fitted, see the module docstring) make the simulated twin of the real sample
    (E123-E003, 200 genes per split) as learnable as the sample; ``learnability.json`` records
    the figures. The oracle PCC of the LFC (a predictor that knows each gene's exact activities;
    :attr:`deepdiff.simulate.SimulationTruth.oracle_pcc`) stays below 1, so that a perfect score
    signals a bug.

    Attributes
    ----------
    explained_fraction : float
        Fraction of genes whose marks follow their expression change. The others' marks do not
        change between the cells (they show the gene's mean level), so their LFC cannot be
        predicted from the marks (their levels still can).
    change_signal_fraction : float
        For explained genes, the share of the latent LFC variance that comes from the activity
        change seen by the marks; the rest is cell-specific expression noise.
    level_signal_fraction : float
        Share of a cell's latent expression variance carried by the activity (the rest is a
        gene-level offset shared by both cells, invisible in the marks and cancelling in the LFC).
        The mark models in calibration.json are fitted with activity equal to the expression
        rank, i.e. 1.0; lower values make marks track expression less closely than in the real
        data. Default 1.0 (not fitted to learnability: lower values would buy it at the cost of
        that realism).
    kernel_sd_scale : float
        Multiplies the ``kernel_sd`` of the marks that rise with activity (H3K4me1, H3K4me3,
        H3K36me3): the spread between genes of their peak heights that activity does not explain.
        1.0 is as fitted to one cell's marginal statistics, which cannot tell that spread from
        a link to expression; the H3K27me3 domain keeps its fitted spread, which the sample's
        share of zero counts needs.
    mark_loading_scale : float
        Multiplies the loading of the gene-level factor that the five marks of a cell share (1.0:
        as fitted; 0: each mark's gene-level offset is its own).
    mark_coupling : float
        Multiplies every planted coupling amplitude: 0 gives marks unrelated to expression (a
        null control), 1 the calibrated strength. Default 1.0.
    depth : float
        Multiplies every mark's mean count (sequencing depth). Default 1.0.
    """

    explained_fraction: float = field(default_factory=lambda: fitted_setting("explained_fraction"))
    change_signal_fraction: float = field(default_factory=lambda: fitted_setting("change_signal_fraction"))
    level_signal_fraction: float = 1.0
    kernel_sd_scale: float = field(default_factory=lambda: fitted_setting("kernel_sd_scale"))
    mark_loading_scale: float = field(default_factory=lambda: fitted_setting("mark_loading_scale"))
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
        for name in ("kernel_sd_scale", "mark_loading_scale"):
            if not getattr(self, name) >= 0.0:
                raise ConfigError(f"SimulationConfig.{name} must be >= 0, got {getattr(self, name)!r}")
        if not self.mark_coupling >= 0.0:
            raise ConfigError(f"SimulationConfig.mark_coupling must be >= 0, got {self.mark_coupling!r}")
        if not self.depth > 0.0:
            raise ConfigError(f"SimulationConfig.depth must be > 0, got {self.depth!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the settings (for checksums, metadata and result configs)."""
        return dataclasses.asdict(self)
