"""DeepDiff, reproduced: predicting differential gene expression from histone marks.

A reproduction of Sekhon, Singh & Qi, *DeepDiff: DEEP-learning for predicting
DIFFerential gene expression from histone modifications*, Bioinformatics 34(17),
i891-i900 (2018).

Subpackages
-----------
deepdiff.data        REMC file format, verified downloads, caches, the real data sources
deepdiff.simulate    calibrated simulated pairs with a planted, known mechanism
deepdiff.data.loading     every data source behind one entry point, :func:`load_pair`
deepdiff.models      the seven DeepDiff variants and AttentiveChrome
deepdiff.methods     every method by name (variants and baselines), fitted through one protocol
deepdiff.training    losses, training loop, profiles
deepdiff.baselines   the paper's baselines and modern ones
deepdiff.methods.run        the run template: cache key, cached result, result directory
deepdiff.results.statistics  correlations, bootstrap intervals, relative PCC
deepdiff.interpret   attention summaries, gradient attribution, recovery of a planted mechanism
deepdiff.apply       trained models applied to new cells: load_cells, predict
deepdiff.prepare     the REMC format built from your own BAM or bigWig files and an annotation
deepdiff.report      the paper's results beside ours: Table 1, Figures 4 and 5, claims, status
deepdiff.grid        the paper's grid as jobs (the workflow's), shards, running a grid here
deepdiff.grid.costs  measured per-run costs, per job
deepdiff.grid.estimate  the expected wall time of a whole grid
deepdiff.results.bundle      results bundles: pack, check, unpack and merge runs with a checksum manifest
deepdiff.cli         the ``deepdiff`` command
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("deepdiff-repro")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

# The public face, imported on first use so that ``import deepdiff`` stays light.
_EXPORTS = {
    "load_pair": "deepdiff.data.loading",
    "run_method": "deepdiff.methods",
    "load_model": "deepdiff.training.saved",
    "load_cells": "deepdiff.apply.cells",
    "predict": "deepdiff.apply.predict",
}

__all__ = ["__version__", "load_cells", "load_model", "load_pair", "predict", "run_method"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
