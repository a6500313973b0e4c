"""DeepDiff, reproduced: predicting differential gene expression from histone marks.

A reproduction of Sekhon, Singh & Qi, *DeepDiff: DEEP-learning for predicting
DIFFerential gene expression from histone modifications*, Bioinformatics 34(17),
i891-i900 (2018).

Subpackages, in the order data flows through them
--------------------------------------------------
deepdiff.data        the REMC cell-folder format, verified downloads, caches
deepdiff.simulate    calibrated simulated pairs with a planted, known mechanism
deepdiff.sources     every data source, real and simulated, behind one entry point (load_pair)
deepdiff.prepare     the REMC format built from your own BAM or bigWig files and an annotation
deepdiff.models      the DeepDiff variants and AttentiveChrome, composed of a few building blocks
deepdiff.results     a run's result directory (store), statistics, intervals, results bundles
deepdiff.runs        one run: the method record, run options, the template every fitter follows
deepdiff.training    losses, the training loop, profiles, saved models
deepdiff.baselines   the paper's baselines and modern ones
deepdiff.methods     every method by name (registry), what fits each (fitters), run_baseline by name
deepdiff.interpret   attention summaries, gradient attribution, recovery of a planted mechanism
deepdiff.apply       trained models applied to new cells: load_cells, predict
deepdiff.report      the paper's results beside ours: Table 1, Figures 4 and 5, claims, status, notebook helpers
deepdiff.grid        the paper's grid: settings, jobs, costs, estimate, running, aggregation
deepdiff.cli         the ``deepdiff`` command (and ``deepdiff doctor``)

Loose modules: ``deepdiff.constants`` (the paper's facts) and ``deepdiff.errors``; the small shared
utilities live in the private ``deepdiff._util``.
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
    "load_pair": "deepdiff.sources.loading",
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
