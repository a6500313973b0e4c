"""DeepDiff, reproduced: predicting differential gene expression from histone marks.

A reproduction of Sekhon, Singh & Qi, *DeepDiff: DEEP-learning for predicting
DIFFerential gene expression from histone modifications*, Bioinformatics 34(17),
i891-i900 (2018).

Subpackages
-----------
deepdiff.data        REMC file format, verified downloads, caches, data sources
deepdiff.simulate    calibrated simulated pairs with a planted, known mechanism
deepdiff.models      the seven DeepDiff variants and AttentiveChrome
deepdiff.training    losses, training loop, profiles, result directories
deepdiff.baselines   the paper's baselines and modern ones
deepdiff.evaluation  correlations, bootstrap intervals, relative PCC
deepdiff.cli         the ``deepdiff`` command
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("deepdiff-repro")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
