"""One method as the registry describes it (:class:`Method`), how to run it (:class:`RunOptions`), and
the protocol every method is fitted through (:class:`Fitter`).

The fitting code (:mod:`deepdiff.training.runner`, :mod:`deepdiff.baselines.run`) depends on this module,
never on the registry that lists the methods (:mod:`deepdiff.methods.registry`), which refers to it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from deepdiff.constants import check_profile
from deepdiff.errors import ConfigError

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
