"""Every method the project can run, by name: the DeepDiff variants and every baseline.

One :class:`Method` per method: its name (``--variant``/``--method`` and the result directory's
name), its label in tables and figures (the paper's name where the paper has one), whether it is
one of the paper's, and how it is fitted. The command line's choices, the grid's lists, the
paper's labels and the notebooks' method lists all derive from :data:`METHODS`.

Every method is fitted through one protocol, :meth:`Method.fit`::

    fit(data, method, *, profile, seed, options, overrides) -> RunResult

and every fitter follows the same run template (:mod:`deepdiff.methods.run`): plan the run, return a
complete cached result, or fit, predict the test genes once and write the result directory.

Each method names its fitter, algorithm and budgets as functions of :mod:`deepdiff.methods.fitters`,
which import the fitting code on first use, so listing the methods (``deepdiff --help``) loads
neither torch nor scikit-learn.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Protocol

from deepdiff.constants import check_profile
from deepdiff.errors import ConfigError, check_choice
from deepdiff.methods import fitters
from deepdiff.models.spec import VARIANTS, VariantSpec

if TYPE_CHECKING:
    from deepdiff.data.containers import PairData
    from deepdiff.results.store import RunResult


#: What a result is (:data:`deepdiff.constants.RESULT_KINDS`): a DeepDiff variant or a baseline.
Kind = Literal["deepdiff", "baseline"]

#: The AttentiveChrome-diff baseline: trained by the training loop, reported as a baseline.
ATTENTIVECHROME_DIFF = "attentivechrome_diff"


@dataclass(frozen=True)
class RunOptions:
    """How to run, not what to compute: nothing here enters the cache key or changes a result.

    Attributes
    ----------
    results_dir : path-like, optional
        Root of the result cache (default :func:`deepdiff._util.paths.default_results_dir`).
    device : str
        Torch device of the neural methods (``auto``, ``cpu``, ``cuda``, ``cuda:N``, ``mps``).
    threads : int, optional
        CPU threads (torch) or parallel jobs (scikit-learn searches). None: one.
    progress : bool
        tqdm progress bars.
    force : bool
        Run even when a complete result exists (it is then replaced).
    resume : bool
        Continue an interrupted training run from its last checkpoint.
    saved_model : bool
        Reuse a cached run of the training loop only when it keeps its saved model (``model.pt``,
        ``model.json``); train it again otherwise. For callers that load the weights: a run
        unpacked from a results bundle has none (bundles carry metrics and predictions only).
    """

    results_dir: str | os.PathLike[str] | None = None
    device: str = "auto"
    threads: int | None = None
    progress: bool = True
    force: bool = False
    resume: bool = True
    saved_model: bool = False


class Fitter(Protocol):
    """The one protocol every method is fitted through (see :meth:`Method.fit`)."""

    def __call__(
        self,
        data: PairData,
        method: Method,
        *,
        profile: str,
        seed: int,
        options: RunOptions,
        overrides: Mapping[str, Any] | None,
    ) -> RunResult: ...


@dataclass(frozen=True)
class Method:
    """One method the project can run.

    Attributes
    ----------
    name : str
        Library name: ``--variant``/``--method`` and the result directory's name.
    label : str
        Name in tables and figures: the paper's name where the paper has one.
    kind : {"deepdiff", "baseline"}
    paper : bool
        One of the paper's methods. Others are reported beside, never inside, the paper's tables.
    appendix : bool
        Run by the paper in its appendix only (Section 1.6: Figure 2, Table 3), so reported in
        those, never in Table 1 or Figure 4.
    description : str
        One line on what it is.
    fitter : Fitter
        Its :class:`Fitter` (a function of :mod:`deepdiff.methods.fitters`).
    profiles : callable
        Returns its budgets (profile name -> configuration).
    algorithm : callable
        Returns what its fitter varies: the recipe of the networks a training loop trains
        (:class:`deepdiff.training.runner.Recipe`), or a baseline's ``fit(train, valid, config, ctx)``.
    training_loop : bool
        Trained by :mod:`deepdiff.training`'s loop: epochs, patience and resuming apply.
    neural : bool
        A torch model: runs on the requested device.
    seeded : bool
        Its result depends on the run seed in every profile (initialisation, shuffling, random
        subsamples, folds or forests), so a grid runs it once per seed; False for a method whose
        fit draws nothing at random, which a grid runs once (with its first seed). No method's
        dependence differs between the profiles: see :data:`METHODS`.
    """

    name: str
    label: str
    kind: Kind
    paper: bool
    description: str
    fitter: Fitter
    profiles: Callable[[], Mapping[str, Any]]
    algorithm: Callable[[], Callable[..., Any]]
    training_loop: bool = False
    neural: bool = False
    seeded: bool = True
    appendix: bool = False

    def profile_config(self, profile: str) -> Any:
        """The configuration of ``profile``; a ConfigError naming the valid profiles otherwise."""
        return self.profiles()[check_profile(profile)]

    def fit(
        self,
        data: PairData,
        *,
        profile: str = "quick",
        seed: int = 0,
        options: RunOptions | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> RunResult:
        """Fit on the training genes, select on the validation genes, score the test genes once.

        Parameters
        ----------
        data : PairData
        profile : str
            A budget of this method (``quick`` or ``paper``).
        seed : int
            Part of the result path and of the cache key.
        options : RunOptions, optional
        overrides : mapping, optional
            Training settings to change (methods with :attr:`training_loop` only), e.g.
            ``{"max_epochs": 5}``.

        Returns
        -------
        RunResult
            ``reused`` is True when the result came from the cache.
        """
        if overrides and not self.training_loop:
            raise ConfigError(f"{self.name} takes no training settings (got {', '.join(overrides)})")
        return self.fitter(
            data, self, profile=profile, seed=int(seed), options=options or RunOptions(), overrides=overrides
        )


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
