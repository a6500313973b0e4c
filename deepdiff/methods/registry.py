"""Every method the project can run, by name: the DeepDiff variants and every baseline.

One :class:`Method` per method: its name (``--variant``/``--method`` and the result directory's
name), its label in tables and figures (the paper's name where the paper has one), whether it is
one of the paper's, and how it is fitted. The command line's choices, the grid's lists, the
paper's labels and the notebooks' method lists all derive from :data:`METHODS`.

Every method is fitted through one protocol, :meth:`Method.fit`::

    fit(data, method, *, profile, seed, options, overrides) -> RunResult

and every fitter follows the same run template (:mod:`deepdiff.runs.template`): plan the run, return a
complete cached result, or fit, predict the test genes once and write the result directory.

Each method names its fitter, algorithm and budgets as functions of :mod:`deepdiff.methods.fitters`,
which import the fitting code on first use, so listing the methods (``deepdiff --help``) loads
neither torch nor scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import deepdiff.methods.fitters as fitters
from deepdiff.errors import ConfigError, check_choice
from deepdiff.models.spec import VARIANTS, VariantSpec
from deepdiff.runs.method import ATTENTIVECHROME_DIFF, Kind, Method, RunOptions

if TYPE_CHECKING:
    from deepdiff.data.containers import PairData
    from deepdiff.results.store import RunResult


def _variant(spec: VariantSpec) -> Method:
    return Method(
        spec.name,
        spec.paper_name,
        "deepdiff",
        True,
        spec.description,
        fitter=fitters.training_loop,
        profiles=fitters.training_profiles,
        algorithm=fitters.variant_networks,
        training_loop=True,
        neural=True,
        # the paper runs the classification auxiliary tasks only in its Appendix Section 1.6
        appendix=spec.aux_classification,
    )


def _baseline(
    name: str,
    label: str,
    paper: bool,
    description: str,
    algorithm: Callable[[], Callable[..., Any]],
    profiles: Callable[[], Mapping[str, Any]],
    *,
    neural: bool = False,
    seeded: bool = True,
) -> Method:
    """A baseline fitted by :func:`deepdiff.baselines.run.fit_baseline` with ``algorithm`` and ``profiles``."""
    return Method(
        name,
        label,
        "baseline",
        paper,
        description,
        fitter=fitters.baseline,
        profiles=profiles,
        algorithm=algorithm,
        neural=neural,
        seeded=seeded,
    )


_ATTENTIVECHROME = Method(
    ATTENTIVECHROME_DIFF,
    "AttentiveChrome",
    "baseline",
    True,
    "one AttentiveChrome regression model per cell; LFC = difference of their predictions",
    fitter=fitters.training_loop,
    profiles=fitters.training_profiles,
    algorithm=fitters.attentivechrome_networks,
    training_loop=True,
    neural=True,
)
_SVR = "RBF SVR on the single best bin (marks of both cells), bin and C chosen on validation"
_SVR2 = "200 bin-specific RBF SVRs, then an RBF SVR over their out-of-fold predictions"
_RF = "RReliefF selects 50/70/100 of 2,000 features; random forest of 10-200 trees"
_BINS = "1 or 2 kb bins of A, B and B - A"

#: Every method: DeepDiff's variants (the paper's Table 1 order, then its Appendix Section 1.6
#: variants), the paper's baselines, then baselines beyond the paper.
#:
#: What the run seed changes, method by method (``seeded``), the same in both profiles: the
#: variants, AttentiveChrome-diff and the CNN draw their initial weights and batch order from it;
#: ``svr1`` and ``svr2`` screen bins on a seeded random subsample of the training genes (2,000 in
#: ``paper``, 500 in ``quick``; on a pair with no more training genes than that the screen sees them
#: all), and ``svr2`` also shuffles its out-of-fold split with it; ``relief_rf`` seeds its random
#: forests (and, in ``quick``, the genes RReliefF scores); ``hgb`` seeds the training genes held
#: out for its early stopping. Only ``ridge`` draws nothing at random (``seeded=False``).
METHODS: Mapping[str, Method] = MappingProxyType(
    {
        m.name: m
        for m in (
            *(_variant(spec) for spec in VARIANTS.values()),
            _baseline(
                "svr1",
                "single-layer SVR",
                True,
                _SVR,
                fitters.svr_single_layer,
                fitters.svr_single_layer_profiles,
            ),
            _baseline(
                "svr2", "two-layer SVR", True, _SVR2, fitters.svr_two_layer, fitters.svr_two_layer_profiles
            ),
            _baseline(
                "relief_rf",
                "ReliefF + RandomForest",
                True,
                _RF,
                fitters.relief_forest,
                fitters.relief_forest_profiles,
            ),
            _ATTENTIVECHROME,
            _baseline(
                "ridge",
                "ridge regression",
                False,
                f"ridge on log counts in {_BINS}",
                fitters.ridge,
                fitters.ridge_profiles,
                seeded=False,
            ),
            _baseline(
                "hgb",
                "gradient boosting",
                False,
                f"HistGradientBoostingRegressor on {_BINS}",
                fitters.boosting,
                fitters.boosting_profiles,
            ),
            _baseline(
                "cnn",
                "1-D CNN (DeepChrome style)",
                False,
                "convolution over bins of A, B and B - A, max-pooling, two-layer perceptron",
                fitters.cnn,
                fitters.cnn_profiles,
                neural=True,
            ),
        )
    }
)


def names(
    *,
    kind: Kind | None = None,
    paper: bool | None = None,
    training_loop: bool | None = None,
    appendix: bool | None = None,
) -> tuple[str, ...]:
    """Names of the methods with the given properties, in :data:`METHODS` order."""
    return tuple(
        m.name
        for m in METHODS.values()
        if (kind is None or m.kind == kind)
        and (paper is None or m.paper == paper)
        and (training_loop is None or m.training_loop == training_loop)
        and (appendix is None or m.appendix == appendix)
    )


#: The seven DeepDiff variants, in the order of the paper's Table 1.
PAPER_VARIANTS: tuple[str, ...] = names(kind="deepdiff", paper=True, appendix=False)
#: The variants of the paper's Appendix Section 1.6 (Figure 2, Table 3): Aux and Raw+Aux with the
#: auxiliary tasks as classification.
APPENDIX_VARIANTS: tuple[str, ...] = names(kind="deepdiff", appendix=True)
#: Every DeepDiff variant: Table 1's, then the appendix's.
ALL_VARIANTS: tuple[str, ...] = names(kind="deepdiff")
#: The paper's baselines (Section 4.2), in the paper's order.
PAPER_BASELINES: tuple[str, ...] = names(kind="baseline", paper=True)
#: Baselines beyond the paper, reported beside its Table 1.
EXTRA_BASELINES: tuple[str, ...] = names(kind="baseline", paper=False)


def get(name: str, allowed: Sequence[str] | None = None, what: str = "method") -> Method:
    """The :class:`Method` called ``name``; a ConfigError listing the valid names otherwise.

    ``allowed`` narrows the valid names (e.g. to the baselines for ``deepdiff baseline``), and
    ``what`` names them in the message.
    """
    allowed = tuple(METHODS) if allowed is None else tuple(allowed)
    return METHODS[check_choice(name, allowed, what)]


def label(name: str) -> str:
    """The label of a method for tables and figures (the name itself for an unknown method)."""
    method = METHODS.get(name)
    return method.label if method is not None else name


def select(
    text: str | Iterable[str] | None,
    allowed: Sequence[str],
    groups: Mapping[str, Sequence[str]] | None = None,
    what: str = "method",
) -> list[str]:
    """Method names from a comma-separated list (or a list; None: all of ``allowed``).

    ``groups`` maps a keyword to the names it stands for, e.g. ``{"all": PAPER_VARIANTS}``;
    ``what`` names the methods in messages.

    Raises
    ------
    ConfigError
        For an empty list or an unknown name, listing the valid names and keywords.
    """
    if text is None:
        return list(allowed)
    groups = groups or {}
    items = [t.strip() for t in text.split(",")] if isinstance(text, str) else [str(t) for t in text]
    items = [t for t in items if t]
    if len(items) == 1 and items[0] in groups:
        return list(groups[items[0]])
    choices = ", ".join([*allowed, *groups])
    if not items:
        raise ConfigError(f"no {what} given; choose from {choices}")
    unknown = [t for t in items if t not in allowed]
    if unknown:
        raise ConfigError(f"unknown {what} {', '.join(map(repr, unknown))}; choose one of {choices}")
    return list(dict.fromkeys(items))


def run_method(
    data: PairData,
    name: str,
    *,
    profile: str = "quick",
    seed: int = 0,
    options: RunOptions | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> RunResult:
    """Fit the method called ``name`` on ``data`` (see :meth:`Method.fit`)."""
    return get(name).fit(data, profile=profile, seed=seed, options=options, overrides=overrides)
