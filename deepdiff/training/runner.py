"""Entry points that train, evaluate on the test genes and write one cached result directory.

:func:`train_variant` trains a DeepDiff variant; :func:`train_attentivechrome_diff` trains the
AttentiveChrome-diff baseline. Both go through the same steps (and the same loop): resolve the
profile, compute the cache key, return a complete cached result if there is one, otherwise
subsample the training and validation genes as the profile says, build and initialise the
model(s) under the seed, :func:`~deepdiff.training.loop.fit` with per-epoch checkpoints next to
the result directory, predict the test genes with the selected weights and write the result
(:mod:`deepdiff.results`).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from deepdiff.data.containers import PairData, SplitData
from deepdiff.errors import ConfigError
from deepdiff.paths import resolve_results_dir
from deepdiff.results import (
    RunResult,
    cache_key,
    find_result,
    load_result,
    result_path,
    split_metrics,
    write_result,
)
from deepdiff.training.config import TrainConfig, training_config
from deepdiff.training.device import cpu_threads, resolve_device
from deepdiff.training.loop import EpochCallback, FitResult, Prediction, fit, predict, seeded
from deepdiff.training.losses import LossWeights
from deepdiff.training.tasks import PairTask, SingleCellTask, Task, target_means

ATTENTIVECHROME_DIFF = "attentivechrome_diff"
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


@dataclass(frozen=True)
class _Plan:
    """Everything decided before training: config, key, where the result goes."""

    kind: str
    method: str
    profile: str
    seed: int
    config: TrainConfig
    full_config: dict[str, Any]
    key: str
    results_dir: Path
    path: Path


def _plan(
    data: PairData,
    kind: str,
    method: str,
    profile: str,
    seed: int,
    results_dir: str | os.PathLike[str] | None,
    overrides: Mapping[str, Any] | None,
    extra: Mapping[str, Any],
) -> _Plan:
    config = training_config(profile, overrides)
    full = {"profile": profile, "seed": int(seed), "train": config.to_dict(), **extra}
    key = cache_key(kind, method, full, data.checksum)
    root = resolve_results_dir(results_dir)
    path = result_path(root, str(data.pair), method, seed, key)
    return _Plan(kind, method, profile, int(seed), config, full, key, root, path)


def _cached(plan: _Plan, data: PairData, force: bool) -> RunResult | None:
    if force:
        return None
    hit = find_result(plan.results_dir, str(data.pair), plan.method, plan.seed, plan.key)
    return dataclasses.replace(load_result(hit), reused=True) if hit is not None else None


def _checkpoint(plan: _Plan, tag: str = "") -> Path:
    suffix = f".{tag}" if tag else ""
    return plan.path.parent / f".{plan.path.name}{suffix}.ckpt"


def _train_one(
    factory: Callable[[], nn.Module],
    task: Task,
    train: SplitData,
    valid: SplitData,
    plan: _Plan,
    device: torch.device,
    *,
    tag: str,
    resume: bool,
    progress: bool,
    desc: str,
    on_epoch_end: EpochCallback | None,
) -> tuple[nn.Module, FitResult, Path]:
    """Build a model under the seed, initialise it uniformly, train it; load the best weights."""
    from deepdiff.models import init_uniform_

    with seeded(plan.seed, device):
        model = factory()
        init_uniform_(model, plan.config.init_range)
    ckpt = _checkpoint(plan, tag)
    if not resume:
        ckpt.unlink(missing_ok=True)
    result = fit(
        model,
        task,
        train,
        valid,
        plan.config,
        seed=plan.seed,
        device=device,
        checkpoint_path=ckpt,
        fingerprint=f"{plan.key}:{tag}",
        progress=progress,
        desc=desc,
        on_epoch_end=on_epoch_end,
    )
    model.load_state_dict(result.best_state)
    return model, result, ckpt


def _selected(result: FitResult) -> dict[str, Any]:
    return {
        "best_epoch": result.best_epoch,
        "best_valid_pearson": result.best_score,
        "epochs_run": len(result.history),
        "stopped_early": result.stopped_early,
        "resumed_from_epoch": result.resumed_from,
    }


def _data_info(data: PairData, train: SplitData, valid: SplitData) -> dict[str, Any]:
    return {
        "source": data.source,
        "label": data.label,
        "checksum": data.checksum,
        "n_genes": {"train": len(train), "valid": len(valid), "test": len(data.test)},
    }


def _metrics(
    plan: _Plan,
    data: PairData,
    train: SplitData,
    valid: SplitData,
    valid_pred: np.ndarray,
    test_pred: np.ndarray,
    device: torch.device,
    history: list[dict[str, Any]],
    selected: dict[str, Any],
    timings: dict[str, float],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "kind": plan.kind,
        "method": plan.method,
        "pair": str(data.pair),
        "data": _data_info(data, train, valid),
        "profile": plan.profile,
        "seed": plan.seed,
        "config": plan.full_config,
        "test": split_metrics(data.test.lfc, test_pred),
        "valid": split_metrics(valid.lfc, valid_pred),
        "history": history,
        "selected": selected,
        "device": str(device),
        "wall_time_s": timings["total_s"],
        "timings": timings,
        "key": plan.key,
        **extra,
    }


def _n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _finish(
    plan: _Plan,
    metrics: dict[str, Any],
    predictions: pd.DataFrame,
    attention: dict[str, np.ndarray],
    checkpoints: list[Path],
) -> RunResult:
    path = write_result(plan.path, metrics=metrics, predictions=predictions, attention=attention)
    for ckpt in checkpoints:
        ckpt.unlink(missing_ok=True)
    return load_result(path)


def variant_spec(variant: str) -> Any:
    """The :class:`~deepdiff.models.VariantSpec` of a variant name, or a ConfigError listing them."""
    from deepdiff.models import VARIANTS

    if variant not in VARIANTS:
        raise ConfigError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    return VARIANTS[variant]


def train_variant(
    data: PairData,
    variant: str,
    *,
    profile: str = "quick",
    seed: int = 0,
    device: str = "auto",
    results_dir: str | os.PathLike[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    progress: bool = True,
    resume: bool = True,
    force: bool = False,
    model_config: Any = None,
    on_epoch_end: EpochCallback | None = None,
    threads: int | None = None,
) -> RunResult:
    """Train a DeepDiff variant on a pair and write (or reuse) its result directory.

    Parameters
    ----------
    data : PairData
        The pair (:func:`deepdiff.data.sources.load_pair`); its checksum is part of the cache key.
    variant : str
        One of :data:`deepdiff.models.VARIANTS` (``raw_d``, ``raw_c``, ``raw``, ``aux``,
        ``raw_aux``, ``aux_siamese``, ``raw_aux_siamese``).
    profile : str
        A key of :data:`deepdiff.training.config.PROFILES` (``quick`` or ``paper``).
    seed : int
        Seeds initialisation and shuffling; part of the result path and the key.
    device : str
        ``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps``. Not part of the cache key.
    results_dir : path-like, optional
        Root of the result cache (default :func:`deepdiff.paths.default_results_dir`).
    overrides : mapping, optional
        :class:`TrainConfig` fields to change, e.g. ``{"max_epochs": 5}``.
    progress : bool
        tqdm bars.
    resume : bool
        Continue from the checkpoint of an interrupted identical run (else start afresh).
    force : bool
        Train even if a complete result exists (it is then replaced).
    model_config : ModelConfig, optional
        Model sizes (default: the authors').
    on_epoch_end : callable, optional
        Called with each epoch's history record.
    threads : int, optional
        Torch CPU threads while training and predicting (default: one on the CPU, see
        :data:`deepdiff.training.device.DEFAULT_CPU_THREADS`); restored afterwards. Not part of
        the cache key.

    Returns
    -------
    RunResult
        ``reused`` is True when the result came from the cache.

    Raises
    ------
    ConfigError
        Unknown variant, profile, setting or device.
    """
    from deepdiff.models import ModelConfig, build_model

    spec = variant_spec(variant)
    model_config = ModelConfig() if model_config is None else model_config
    plan = _plan(
        data,
        "deepdiff",
        variant,
        profile,
        seed,
        results_dir,
        overrides,
        {"variant": variant, "model": dataclasses.asdict(model_config)},
    )
    cached = _cached(plan, data, force)
    if cached is not None:
        return cached
    dev = resolve_device(device)
    with cpu_threads(dev, threads):
        tic = time.perf_counter()
        train = subsample(data.train, plan.config.max_train_genes, plan.config.subsample_seed)
        valid = subsample(data.valid, plan.config.max_valid_genes, plan.config.subsample_seed)
        offsets = target_means(train) if plan.config.output_offsets else {}
        task = PairTask(
            has_aux=spec.has_aux, siamese=spec.siamese, weights=loss_weights(plan.config), offsets=offsets
        )
        model, result, ckpt = _train_one(
            lambda: build_model(variant, model_config),
            task,
            train,
            valid,
            plan,
            dev,
            tag="",
            resume=resume,
            progress=progress,
            desc=f"{variant} {data.pair}",
            on_epoch_end=on_epoch_end,
        )
        fit_s = time.perf_counter() - tic
        bs = plan.config.eval_batch_size
        val: Prediction = predict(model, task, valid, device=dev, batch_size=bs)
        test: Prediction = predict(model, task, data.test, device=dev, batch_size=bs, attention=True)
        out = test.outputs
        predictions = pd.DataFrame(
            {"gene": data.test.genes, "lfc_true": test.targets["lfc"], "lfc_pred": out["diff"]}
        )
        if "aux_a" in out:
            predictions = predictions.assign(
                log_expr_a_true=test.targets["log_expr_a"],
                log_expr_a_pred=out["aux_a"],
                log_expr_b_true=test.targets["log_expr_b"],
                log_expr_b_pred=out["aux_b"],
            )
        attention = {
            "genes": data.test.genes,
            "row_attention": out["row_attention"],
            "bin_attention": out["bin_attention"],
            "row_names": np.asarray(model.row_names),
            "bin_row_names": np.asarray(model.bin_row_names),
        }
        total_s = time.perf_counter() - tic
        epochs = [r["seconds"] for r in result.history[result.resumed_from :]]
        timings = {
            "fit_s": fit_s,
            "predict_s": total_s - fit_s,
            "total_s": total_s,
            "mean_epoch_s": float(np.mean(epochs)) if epochs else 0.0,
        }
        metrics = _metrics(
            plan,
            data,
            train,
            valid,
            val.outputs["diff"],
            out["diff"],
            dev,
            result.history,
            {**_selected(result), "output_offsets": offsets},
            timings,
            n_params=_n_params(model),
        )
        return _finish(plan, metrics, predictions, attention, [ckpt])


def train_attentivechrome_diff(
    data: PairData,
    *,
    profile: str = "quick",
    seed: int = 0,
    device: str = "auto",
    results_dir: str | os.PathLike[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    progress: bool = True,
    resume: bool = True,
    force: bool = False,
    model_config: Any = None,
    on_epoch_end: EpochCallback | None = None,
    threads: int | None = None,
) -> RunResult:
    """The AttentiveChrome-diff baseline: one AttentiveChrome regression model per cell.

    Each model is trained on its own cell only (target ``log2(expr + 1)``), with the same
    optimiser, profile and seed as DeepDiff, and its epoch is selected by the validation PCC of
    *its own cell's* expression: the paper trains the two models "independently from each
    other", so neither sees the other or the LFC. The differential prediction is the difference
    of the two predicted log expressions, ``pred_B - pred_A``, on the scale of the LFC. Both models
    start from the same seeded initialisation and see the same shuffling order. The result
    is written with kind ``baseline`` and method ``attentivechrome_diff``; its attention holds
    both models' attentions (rows ``<cell>:<mark>``, cell A first).

    Parameters and return value are those of :func:`train_variant` (without the variant).
    """
    from deepdiff.models import AttentiveChrome, ModelConfig

    model_config = ModelConfig() if model_config is None else model_config
    plan = _plan(
        data,
        "baseline",
        ATTENTIVECHROME_DIFF,
        profile,
        seed,
        results_dir,
        overrides,
        {"model": dataclasses.asdict(model_config), "selection": ATTENTIVECHROME_SELECTION},
    )
    cached = _cached(plan, data, force)
    if cached is not None:
        return cached
    dev = resolve_device(device)
    with cpu_threads(dev, threads):
        tic = time.perf_counter()
        train = subsample(data.train, plan.config.max_train_genes, plan.config.subsample_seed)
        valid = subsample(data.valid, plan.config.max_valid_genes, plan.config.subsample_seed)
        bs = plan.config.eval_batch_size
        cells = {"a": data.pair.cell_a, "b": data.pair.cell_b}
        valid_pred, test_pred, history, selected, ckpts, rows, bin_rows, epochs = (
            {},
            {},
            [],
            {},
            [],
            [],
            [],
            [],
        )
        n_params = 0
        means = target_means(train)
        for side, cell in cells.items():
            offset = means[f"aux_{side}"] if plan.config.output_offsets else 0.0
            task = SingleCellTask(side, offset=offset)
            model, result, ckpt = _train_one(
                lambda: AttentiveChrome(model_config),
                task,
                train,
                valid,
                plan,
                dev,
                tag=side,
                resume=resume,
                progress=progress,
                desc=f"AttentiveChrome {cell} ({data.pair})",
                on_epoch_end=on_epoch_end,
            )
            ckpts.append(ckpt)
            history += [{"cell": cell, **r} for r in result.history]
            epochs += [r["seconds"] for r in result.history[result.resumed_from :]]
            selected[cell] = {**_selected(result), "output_offset": offset}
            valid_pred[side] = predict(model, task, valid, device=dev, batch_size=bs).outputs["expr"]
            test_pred[side] = predict(
                model, task, data.test, device=dev, batch_size=bs, attention=True
            ).outputs
            rows += [f"{cell}:{name}" for name in model.row_names]
            bin_rows += [f"{cell}:{name}" for name in model.bin_row_names]
            n_params += _n_params(model)
        selected["selection"] = ATTENTIVECHROME_SELECTION
        fit_s = time.perf_counter() - tic
        a, b = test_pred["a"], test_pred["b"]
        t = data.test
        predictions = pd.DataFrame(
            {
                "gene": t.genes,
                "lfc_true": t.lfc,
                "lfc_pred": b["expr"] - a["expr"],
                "log_expr_a_true": t.log_expr_a,
                "log_expr_a_pred": a["expr"],
                "log_expr_b_true": t.log_expr_b,
                "log_expr_b_pred": b["expr"],
            }
        )
        attention = {
            "genes": t.genes,
            "row_attention": np.concatenate([a["row_attention"], b["row_attention"]], axis=1),
            "bin_attention": np.concatenate([a["bin_attention"], b["bin_attention"]], axis=1),
            "row_names": np.asarray(rows),
            "bin_row_names": np.asarray(bin_rows),
        }
        total_s = time.perf_counter() - tic
        timings = {
            "fit_s": fit_s,
            "predict_s": total_s - fit_s,
            "total_s": total_s,
            "mean_epoch_s": float(np.mean(epochs)) if epochs else 0.0,
        }
        cell_metrics = {
            cell: {
                "valid": split_metrics(getattr(valid, f"log_expr_{side}"), valid_pred[side]),
                "test": split_metrics(getattr(t, f"log_expr_{side}"), test_pred[side]["expr"]),
            }
            for side, cell in cells.items()
        }
        metrics = _metrics(
            plan,
            data,
            train,
            valid,
            valid_pred["b"] - valid_pred["a"],
            predictions["lfc_pred"].to_numpy(),
            dev,
            history,
            selected,
            timings,
            n_params=n_params,
            cell_metrics=cell_metrics,
        )
        return _finish(plan, metrics, predictions, attention, ckpts)
