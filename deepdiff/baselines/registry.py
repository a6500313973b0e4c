"""The baselines by name: what each one is, whether the paper has it, and where its code lives.

Modules are imported only when a method is used, so listing the methods (``deepdiff baseline
--help``) stays fast. ``attentivechrome_diff`` is trained by
:func:`deepdiff.training.runner.train_attentivechrome_diff`; it is listed here so that every
baseline is reached by one name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from deepdiff.errors import ConfigError

#: The method trained by the training package, not by :mod:`deepdiff.baselines`.
ATTENTIVECHROME_DIFF = "attentivechrome_diff"


@dataclass(frozen=True)
class MethodSpec:
    """One baseline.

    Attributes
    ----------
    name : str
        Library name (``--method``).
    label : str
        Name for tables and figures.
    paper : bool
        True for the paper's baselines (Section 4.2); others are reported beside, never inside,
        the paper's Table 1.
    module : str or None
        Module with ``PROFILES`` (profile -> configuration) and the fit function; None for
        methods trained elsewhere.
    fit_name, profiles_name : str
        Names of the fit function and of the profile mapping in ``module``.
    description : str
    """

    name: str
    label: str
    paper: bool
    module: str | None
    description: str
    fit_name: str = "fit"
    profiles_name: str = "PROFILES"

    def _module(self) -> Any:
        if self.module is None:
            raise ConfigError(f"{self.name} is trained by deepdiff.training, not by deepdiff.baselines")
        return importlib.import_module(self.module)

    def profiles(self) -> Mapping[str, Any]:
        """Profile name -> configuration."""
        return getattr(self._module(), self.profiles_name)

    def config(self, profile: str) -> Any:
        """The configuration of ``profile``; ConfigError naming the valid profiles otherwise."""
        profiles = self.profiles()
        if profile not in profiles:
            raise ConfigError(
                f"unknown profile {profile!r} for baseline {self.name}; choose one of {', '.join(profiles)}"
            )
        return profiles[profile]

    def fit_function(self) -> Callable[..., Any]:
        """``fit(train, valid, config, ctx) -> FittedBaseline``."""
        return getattr(self._module(), self.fit_name)


METHODS: Mapping[str, MethodSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            MethodSpec(
                "svr1",
                "single-layer SVR",
                True,
                "deepdiff.baselines.svr",
                "RBF SVR on the single best bin (marks of both cells), bin and C chosen on validation",
                fit_name="fit_single",
                profiles_name="SINGLE_PROFILES",
            ),
            MethodSpec(
                "svr2",
                "two-layer SVR",
                True,
                "deepdiff.baselines.svr",
                "200 bin-specific RBF SVRs, then an RBF SVR over their out-of-fold predictions",
                fit_name="fit_two_layer",
                profiles_name="TWO_LAYER_PROFILES",
            ),
            MethodSpec(
                "relief_rf",
                "ReliefF + RandomForest",
                True,
                "deepdiff.baselines.relief_forest",
                "RReliefF selects 50/70/100 of 2,000 features; random forest of 10-200 trees",
            ),
            MethodSpec(
                ATTENTIVECHROME_DIFF,
                "AttentiveChrome",
                True,
                None,
                "one AttentiveChrome regression model per cell; LFC = difference of their predictions",
            ),
            MethodSpec(
                "ridge",
                "ridge regression",
                False,
                "deepdiff.baselines.linear",
                "ridge regression on 1 or 2 kb bins of A, B and B - A (log counts)",
            ),
            MethodSpec(
                "hgb",
                "gradient boosting",
                False,
                "deepdiff.baselines.boosting",
                "HistGradientBoostingRegressor on 1 or 2 kb bins of A, B and B - A",
            ),
            MethodSpec(
                "cnn",
                "1-D CNN (DeepChrome style)",
                False,
                "deepdiff.baselines.cnn",
                "convolution over bins of A, B and B - A, max-pooling, two-layer perceptron",
            ),
        )
    }
)

#: The paper's baselines, in the paper's order.
PAPER_METHODS: tuple[str, ...] = tuple(name for name, spec in METHODS.items() if spec.paper)
#: Baselines beyond the paper, reported beside Table 1.
EXTRA_METHODS: tuple[str, ...] = tuple(name for name, spec in METHODS.items() if not spec.paper)


def get_method(name: str) -> MethodSpec:
    """The :class:`MethodSpec` called ``name``; ConfigError listing every method otherwise."""
    if name not in METHODS:
        raise ConfigError(
            f"unknown baseline method {name!r}; choose one of {', '.join(METHODS)} "
            f"(the paper's: {', '.join(PAPER_METHODS)})"
        )
    return METHODS[name]
