"""A calibrated simulator of paired REMC data with a planted link from marks to expression.

It is the offline default data source and the ground truth of the project: the real data's
statistics are reproduced (per-mark count distributions and profiles from the authors' real
sample, per-cell expression and per-pair fold-change spread from the real expression files),
and what the marks say about expression is known exactly (:class:`SimulationTruth`).

>>> from deepdiff.simulate import simulate_pair
>>> data = simulate_pair("E003-E004", n_genes=300, seed=0)
>>> data.train.x_a.shape, data.train.x_a.dtype
((163, 5, 200), dtype('uint16'))
>>> print(data.truth.describe())  # doctest: +SKIP
"""

from __future__ import annotations

from deepdiff.simulate.config import SIMULATOR_VERSION, SimulationConfig
from deepdiff.simulate.export import write_remc_directory
from deepdiff.simulate.generator import gene_symbol, simulate_pair, split_sizes
from deepdiff.simulate.truth import SimulationTruth

__all__ = [
    "SIMULATOR_VERSION",
    "SimulationConfig",
    "SimulationTruth",
    "gene_symbol",
    "simulate_pair",
    "split_sizes",
    "write_remc_directory",
]
