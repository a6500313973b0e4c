"""What each method is fitted with, by reference: its fitter, its algorithm and its budgets.

Each function here names the code it loads, so a reader (or a tool) follows a run from the registry
to the model. The code is imported on the first call, not when the registry is read: listing the
methods (``deepdiff --help``) loads neither torch nor scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deepdiff.data.containers import PairData
    from deepdiff.results.store import RunResult
    from deepdiff.runs.method import Method


# --- fitters: the run template of a family (see :class:`deepdiff.methods.registry.Fitter`) ------


def training_loop(data: PairData, method: Method, **run: Any) -> RunResult:
    """Train the method's networks with the shared training loop (:func:`deepdiff.training.runner.train`)."""
    from deepdiff.training.runner import train

    return train(data, method, **run)


def baseline(data: PairData, method: Method, **run: Any) -> RunResult:
    """Fit, select and score a baseline (:func:`deepdiff.baselines.run.fit_baseline`)."""
    from deepdiff.baselines.run import fit_baseline

    return fit_baseline(data, method, **run)


# --- algorithms: what a family's fitter varies ------------------------------------------------


def variant_networks() -> Callable[..., Any]:
    """The recipe of a DeepDiff variant's network (:func:`deepdiff.training.runner.variant_recipe`)."""
    from deepdiff.training.runner import variant_recipe

    return variant_recipe


def attentivechrome_networks() -> Callable[..., Any]:
    """One AttentiveChrome network per cell (:func:`deepdiff.training.runner.attentivechrome_recipe`)."""
    from deepdiff.training.runner import attentivechrome_recipe

    return attentivechrome_recipe


def svr_single_layer() -> Callable[..., Any]:
    """:func:`deepdiff.baselines.svr.fit_single`."""
    from deepdiff.baselines.svr import fit_single

    return fit_single


def svr_two_layer() -> Callable[..., Any]:
    """:func:`deepdiff.baselines.svr.fit_two_layer`."""
    from deepdiff.baselines.svr import fit_two_layer

    return fit_two_layer


def relief_forest() -> Callable[..., Any]:
    """:func:`deepdiff.baselines.relief_forest.fit`."""
    from deepdiff.baselines.relief_forest import fit

    return fit


def ridge() -> Callable[..., Any]:
    """:func:`deepdiff.baselines.linear.fit`."""
    from deepdiff.baselines.linear import fit

    return fit


def boosting() -> Callable[..., Any]:
    """:func:`deepdiff.baselines.boosting.fit`."""
    from deepdiff.baselines.boosting import fit

    return fit


def cnn() -> Callable[..., Any]:
    """:func:`deepdiff.baselines.cnn.fit`."""
    from deepdiff.baselines.cnn import fit

    return fit


# --- budgets: profile name -> configuration ---------------------------------------------------


def training_profiles() -> Mapping[str, Any]:
    """:data:`deepdiff.training.config.PROFILES`."""
    from deepdiff.training.config import PROFILES

    return PROFILES


def svr_single_layer_profiles() -> Mapping[str, Any]:
    """:data:`deepdiff.baselines.svr.SINGLE_PROFILES`."""
    from deepdiff.baselines.svr import SINGLE_PROFILES

    return SINGLE_PROFILES


def svr_two_layer_profiles() -> Mapping[str, Any]:
    """:data:`deepdiff.baselines.svr.TWO_LAYER_PROFILES`."""
    from deepdiff.baselines.svr import TWO_LAYER_PROFILES

    return TWO_LAYER_PROFILES


def relief_forest_profiles() -> Mapping[str, Any]:
    """:data:`deepdiff.baselines.relief_forest.PROFILES`."""
    from deepdiff.baselines.relief_forest import PROFILES

    return PROFILES


def ridge_profiles() -> Mapping[str, Any]:
    """:data:`deepdiff.baselines.linear.PROFILES`."""
    from deepdiff.baselines.linear import PROFILES

    return PROFILES


def boosting_profiles() -> Mapping[str, Any]:
    """:data:`deepdiff.baselines.boosting.PROFILES`."""
    from deepdiff.baselines.boosting import PROFILES

    return PROFILES


def cnn_profiles() -> Mapping[str, Any]:
    """:data:`deepdiff.baselines.cnn.PROFILES`."""
    from deepdiff.baselines.cnn import PROFILES

    return PROFILES
