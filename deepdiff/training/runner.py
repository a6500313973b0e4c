"""Train a DeepDiff variant or the AttentiveChrome-diff baseline and write one cached result.

Both follow one template, :func:`train` (on top of :mod:`deepdiff.runs.template`): resolve the profile,
plan the run and return a complete cached result if there is one; otherwise subsample the
training and validation genes as the profile says, build and initialise each network under the
seed, :func:`~deepdiff.training.loop.fit` it with per-epoch checkpoints beside the result
directory, predict the validation and test genes with the selected weights, and write the result
with the selected weights (the saved model of :mod:`deepdiff.training.saved`). They differ only in
their :class:`Recipe` (:func:`variant_recipe`, :func:`attentivechrome_recipe`, named by each
method's ``algorithm`` in :mod:`deepdiff.methods`): which networks are trained on which task (one
DeepDiff network; or one AttentiveChrome network per cell), and what each records of its selection.
How the networks' outputs become the LFC, the predictions table and the attention is shared with
saved models applied to new cells (:mod:`deepdiff.training.predictions`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from deepdiff.data.containers import PairData, SplitData
from deepdiff.models import AttentiveChrome, ModelConfig, build_model, init_uniform_
from deepdiff.models.spec import get_variant
from deepdiff.results.store import RunResult, split_metrics
from deepdiff.runs.method import Method, RunOptions
from deepdiff.runs.template import RunPlan, plan_run, reuse, run_metrics, write_run
from deepdiff.training.config import TrainConfig, training_config
from deepdiff.training.device import cpu_threads, resolve_device
from deepdiff.training.loop import EpochCallback, FitResult, Prediction, fit, predict, seeded
from deepdiff.training.losses import LossWeights
from deepdiff.training.predictions import (
    NetworkOutput,
    attention_maps,
    predicted,
    predictions_table,
    truth_of,
)
from deepdiff.training.saved import has_saved_model, saved_model_files
from deepdiff.training.tasks import PairTask, SingleCellTask, Task, aux_medians, target_means

#: How the AttentiveChrome-diff baseline picks its epochs (recorded in its metrics).
ATTENTIVECHROME_SELECTION = "per cell: best validation PCC of that cell's log2(expr + 1)"


def subsample(split: SplitData, max_genes: int | None, seed: int) -> SplitData:
    """At most ``max_genes`` genes of ``split``, drawn without replacement, in their original order."""
    if max_genes is None or len(split) <= max_genes:
        return split
    index = np.sort(np.random.default_rng(seed).choice(len(split), size=max_genes, replace=False))
    return split.subset(index)


def loss_weights(config: TrainConfig) -> LossWeights:
    """The loss weights of a training configuration."""
    return LossWeights(
        aux=config.aux_weight,
        contrastive=config.contrastive_weight,
        margin=config.margin,
        de_threshold=config.de_threshold,
    )


def variant_task(
    variant: str, config: TrainConfig, offsets: Mapping[str, float], train: SplitData | None = None
) -> PairTask:
    """The task a DeepDiff variant learns: its losses, weights and output offsets.

    Only the offsets of the outputs it regresses are kept (a classification head has none). A
    variant with classification auxiliary tasks takes its label thresholds from ``train``, the
    training genes (:func:`~deepdiff.training.tasks.aux_medians`).
    """
    spec = get_variant(variant)
    thresholds: dict[str, float] = {}
    if spec.aux_classification:
        if train is None:
            raise ValueError(f"{variant} needs the training genes for its classification thresholds")
        thresholds = aux_medians(train)
    task = PairTask(
        has_aux=spec.has_aux, siamese=spec.siamese, aux_task=spec.aux_task, aux_thresholds=thresholds
    )
    kept = {k: v for k, v in offsets.items() if k in task.regressed_outputs}
    return dataclasses.replace(task, weights=loss_weights(config), offsets=kept)


# --------------------------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Network:
    """One network a run trains: how to build it, its task, its checkpoint tag and progress label."""

    tag: str
    build: Callable[[], nn.Module]
    task: Task
    desc: str


@dataclass(frozen=True)
class _Trained:
    """A trained network with its selected weights and its predictions."""

    network: _Network
    model: nn.Module
    fit: FitResult
    checkpoint: Path
    valid: Prediction
    test: Prediction
    seconds: tuple[float, float]  # training, predicting


@dataclass(frozen=True)
class _Outputs:
    """What a run's networks add up to."""

    valid_pred: np.ndarray
    predictions: pd.DataFrame
    attention: dict[str, np.ndarray]
    history: list[dict[str, Any]]
    selected: dict[str, Any]
    extra: dict[str, Any]


@dataclass(frozen=True)
class Recipe:
    """What differs between DeepDiff and AttentiveChrome-diff.

    Attributes
    ----------
    config : dict
        Recorded in the run's configuration (and its cache key) beside profile, seed and budget.
    networks : callable
        ``(training config, training genes, pair) -> networks to train``.
    outputs : callable
        ``(pair, validation genes, trained networks) -> _Outputs``.
    """

    config: dict[str, Any]
    networks: Callable[[TrainConfig, SplitData, str], list[_Network]]
    outputs: Callable[[PairData, SplitData, Sequence[_Trained]], _Outputs]


def _selected(result: FitResult) -> dict[str, Any]:
    return {
        "best_epoch": result.best_epoch,
        "best_valid_pearson": result.best_score,
        "epochs_run": len(result.history),
        "stopped_early": result.stopped_early,
        "resumed_from_epoch": result.resumed_from,
    }


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _train_one(
    network: _Network,
    train: SplitData,
    valid: SplitData,
    test: SplitData,
    plan: RunPlan,
    config: TrainConfig,
    device: torch.device,
    options: RunOptions,
    on_epoch_end: EpochCallback | None,
) -> _Trained:
    """Build a network under the seed, initialise it uniformly, train it, predict with the best weights."""
    tic = time.perf_counter()
    with seeded(plan.seed, device):
        model = network.build()
        init_uniform_(model, config.init_range)
    ckpt = plan.checkpoint(network.tag)
    if not options.resume:
        ckpt.unlink(missing_ok=True)
    result = fit(
        model,
        network.task,
        train,
        valid,
        config,
        seed=plan.seed,
        device=device,
        checkpoint_path=ckpt,
        fingerprint=f"{plan.key}:{network.tag}",
        progress=options.progress,
        desc=network.desc,
        on_epoch_end=on_epoch_end,
    )
    model.load_state_dict(result.best_state)
    fit_s = time.perf_counter() - tic
    bs = config.eval_batch_size
    valid_pred = predict(model, network.task, valid, device=device, batch_size=bs)
    test_pred = predict(model, network.task, test, device=device, batch_size=bs, attention=True)
    return _Trained(
        network, model, result, ckpt, valid_pred, test_pred, (fit_s, time.perf_counter() - tic - fit_s)
    )


def _timings(trained: Sequence[_Trained], total_s: float) -> dict[str, float]:
    """Seconds spent training and predicting, in all and per epoch run by this call."""
    epochs = [r["seconds"] for t in trained for r in t.fit.history[t.fit.resumed_from :]]
    return {
        "fit_s": sum(t.seconds[0] for t in trained),
        "predict_s": sum(t.seconds[1] for t in trained),
        "total_s": total_s,
        "mean_epoch_s": float(np.mean(epochs)) if epochs else 0.0,
    }


def _metrics(
    plan: RunPlan,
    data: PairData,
    train: SplitData,
    valid: SplitData,
    trained: Sequence[_Trained],
    out: _Outputs,
    device: str,
    timings: dict[str, float],
) -> dict[str, Any]:
    """The run's metrics, from its (subsampled) training and validation genes and its networks' outputs."""
    return run_metrics(
        plan,
        data,
        train=train,
        valid=valid,
        valid_pred=out.valid_pred,
        test_pred=out.predictions["lfc_pred"].to_numpy(),
        device=device,
        timings=timings,
        history=out.history,
        selected=out.selected,
        n_params=sum(_n_params(t.model) for t in trained),
        **out.extra,
    )


def train(
    data: PairData,
    method: Method,
    *,
    profile: str = "quick",
    seed: int = 0,
    options: RunOptions | None = None,
    overrides: Mapping[str, Any] | None = None,
    model_config: ModelConfig | None = None,
    on_epoch_end: EpochCallback | None = None,
) -> RunResult:
    """Train a DeepDiff variant (or AttentiveChrome-diff) on a pair; write (or reuse) its result.

    The :class:`~deepdiff.methods.Fitter` of every method with a training loop.

    Parameters
    ----------
    data : PairData
        The pair (:func:`deepdiff.sources.loading.load_pair`); its checksum is part of the cache key.
    method : Method
        The registry's entry (:func:`deepdiff.methods.get`) of a DeepDiff variant (:data:`deepdiff.models.spec.VARIANTS`: Table 1's ``raw_d``, ``raw_c``,
        ``raw``, ``aux``, ``raw_aux``, ``aux_siamese``, ``raw_aux_siamese``; Appendix Section 1.6's
        ``aux_cls``, ``raw_aux_cls``) or ``attentivechrome_diff``.
    profile : str
        A key of :data:`deepdiff.training.config.PROFILES` (``quick`` or ``paper``).
    seed : int
        Seeds initialisation and shuffling; part of the result path and the key.
    options : RunOptions, optional
        Device, results directory, threads (default: one on the CPU), progress, force, resume;
        none of them enters the cache key.
    overrides : mapping, optional
        :class:`TrainConfig` fields to change, e.g. ``{"max_epochs": 5}``.
    model_config : ModelConfig, optional
        Model sizes (default: the authors').
    on_epoch_end : callable, optional
        Called with each epoch's history record.

    Returns
    -------
    RunResult
        ``reused`` is True when the result came from the cache.

    Raises
    ------
    ConfigError
        Unknown profile, setting or device.
    """
    options = options or RunOptions()
    config = training_config(profile, overrides)
    make_recipe: Callable[[Method, ModelConfig], Recipe] = method.algorithm()
    plan_model_config = ModelConfig() if model_config is None else model_config
    plan_recipe = make_recipe(method, plan_model_config)
    full = {"profile": profile, "seed": int(seed), "train": config.to_dict(), **plan_recipe.config}
    plan = plan_run(data, method, profile, seed, full, options.results_dir)
    cached = reuse(plan, options)
    if cached is not None and not (options.saved_model and not has_saved_model(cached.path)):
        return cached
    device = resolve_device(options.device)
    with cpu_threads(device, options.threads):
        tic = time.perf_counter()
        train = subsample(data.train, config.max_train_genes, config.subsample_seed)
        valid = subsample(data.valid, config.max_valid_genes, config.subsample_seed)
        trained = [
            _train_one(net, train, valid, data.test, plan, config, device, options, on_epoch_end)
            for net in plan_recipe.networks(config, train, str(data.pair))
        ]
        out = plan_recipe.outputs(data, valid, trained)
        timings = _timings(trained, time.perf_counter() - tic)
        metrics = _metrics(plan, data, train, valid, trained, out, str(device), timings)
        files = saved_model_files(metrics, [(t.model, t.network.task) for t in trained], plan_model_config)
        leftovers = [t.checkpoint for t in trained]
        return write_run(
            plan, metrics, out.predictions, out.attention, leftovers, files=files, replace=options.force
        )


# --------------------------------------------------------------------------------------------
# The two recipes
# --------------------------------------------------------------------------------------------


def _predictions(data: PairData, trained: Sequence[_Trained]) -> dict[str, Any]:
    """What every recipe reports the same way: validation LFC, test predictions table and attention."""
    valid = [NetworkOutput(t.network.task, t.model, t.valid.outputs) for t in trained]
    test = [NetworkOutput(t.network.task, t.model, t.test.outputs) for t in trained]
    return {
        "valid_pred": predicted(valid)["lfc"],
        "predictions": predictions_table(data.test.genes, predicted(test), truth_of(test, data.test)),
        "attention": attention_maps(test, data.test.genes, (data.pair.cell_a, data.pair.cell_b)),
    }


def variant_recipe(method: Method, model_config: ModelConfig) -> Recipe:
    """One DeepDiff network learning the variant's task; its outputs as they are."""
    variant = method.name

    def networks(config: TrainConfig, train: SplitData, pair: str) -> list[_Network]:
        offsets = target_means(train) if config.output_offsets else {}
        task = variant_task(variant, config, offsets, train)
        return [_Network("", lambda: build_model(variant, model_config), task, f"{variant} {pair}")]

    def outputs(data: PairData, valid: SplitData, trained: Sequence[_Trained]) -> _Outputs:
        (net,) = trained
        task = net.network.task
        assert isinstance(task, PairTask)
        selected = {**_selected(net.fit), "output_offsets": dict(task.offsets)}
        if task.classifies:
            selected["aux_thresholds"] = dict(task.aux_thresholds)
        return _Outputs(**_predictions(data, trained), history=net.fit.history, selected=selected, extra={})

    return Recipe({"variant": variant, "model": dataclasses.asdict(model_config)}, networks, outputs)


_SIDES = ("a", "b")


def attentivechrome_recipe(method: Method, model_config: ModelConfig) -> Recipe:
    """One AttentiveChrome regression model per cell; LFC = B's prediction minus A's."""

    def networks(config: TrainConfig, train: SplitData, pair: str) -> list[_Network]:
        means = target_means(train)
        cells = dict(zip(_SIDES, pair.split("-"), strict=True))
        return [
            _Network(
                side,
                lambda: AttentiveChrome(model_config),
                SingleCellTask(side, offset=means[f"aux_{side}"] if config.output_offsets else 0.0),
                f"AttentiveChrome {cells[side]} ({pair})",
            )
            for side in _SIDES
        ]

    def outputs(data: PairData, valid: SplitData, trained: Sequence[_Trained]) -> _Outputs:
        cells = dict(zip(_SIDES, (data.pair.cell_a, data.pair.cell_b), strict=True))
        pred = {t.network.tag: t for t in trained}
        selected: dict[str, Any] = {
            cells[x.network.tag]: {**_selected(x.fit), "output_offset": x.network.task.offset}  # type: ignore[attr-defined]
            for x in trained
        }
        selected["selection"] = ATTENTIVECHROME_SELECTION
        cell_metrics = {
            cells[side]: {
                "valid": split_metrics(getattr(valid, f"log_expr_{side}"), pred[side].valid.outputs["expr"]),
                "test": split_metrics(
                    getattr(data.test, f"log_expr_{side}"), pred[side].test.outputs["expr"]
                ),
            }
            for side in _SIDES
        }
        return _Outputs(
            **_predictions(data, trained),
            history=[{"cell": cells[x.network.tag], **r} for x in trained for r in x.fit.history],
            selected=selected,
            extra={"cell_metrics": cell_metrics},
        )

    return Recipe(
        {"model": dataclasses.asdict(model_config), "selection": ATTENTIVECHROME_SELECTION}, networks, outputs
    )
