"""The training loop shared by every neural model: seeded, checkpointed, resumable.

One epoch shuffles the training genes with a seeded generator, converts each batch of integer
counts to float32 on the device (the splits are never converted as a whole), takes an Adam step
with gradient-norm clipping, and then scores the validation split. The epoch whose validation
Pearson correlation is the highest so far *or equal to it* is kept (the authors' ``>=``: ties
go to the later epoch). After every epoch the complete state (model, optimiser, random states,
history, best weights) is checkpointed atomically, so an interrupted run resumes to exactly the
result of an uninterrupted one on the CPU.
"""

from __future__ import annotations

import dataclasses
import math
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from deepdiff.data.containers import SplitData
from deepdiff.results.statistics import pearson
from deepdiff.training.checkpoint import load_checkpoint, restore_rng_state, rng_state, save_checkpoint
from deepdiff.training.config import TrainConfig
from deepdiff.training.tasks import Task

#: Called after each epoch with the epoch's history record (after the checkpoint is written).
EpochCallback = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class FitResult:
    """What :func:`fit` returns.

    Attributes
    ----------
    best_state : dict of str to Tensor
        Model weights (on the CPU) of the selected epoch.
    best_epoch : int
        The selected epoch, counted from 1 (the last one if no epoch had a defined validation PCC).
    best_score : float
        Its validation Pearson correlation (NaN if undefined).
    history : list of dict
        One record per epoch: ``epoch``, ``train_loss`` and ``train_<part>``, ``valid_loss``,
        ``valid_pearson``, ``valid_mse``, ``seconds``.
    stopped_early : bool
        True when the patience ran out before ``max_epochs``.
    resumed_from : int
        Epochs already done when this call started (0 for a fresh run).
    """

    best_state: dict[str, Tensor] = field(repr=False)
    best_epoch: int
    best_score: float
    history: list[dict[str, Any]]
    stopped_early: bool
    resumed_from: int


@contextmanager
def seeded(seed: int, device: torch.device) -> Iterator[None]:
    """Seed torch's global RNGs inside the block and restore the caller's states afterwards."""
    devices = (
        [device.index if device.index is not None else torch.cuda.current_device()]
        if device.type == "cuda"
        else []
    )
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def _to_tensor(array: np.ndarray, device: torch.device) -> Tensor:
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32)).to(device)


def _cpu_state(model: nn.Module) -> dict[str, Tensor]:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def _score(value: float) -> float:
    """Selection score: an undefined PCC (constant predictions) ranks below every defined one."""
    return value if math.isfinite(value) else -math.inf


def is_improvement(score: float, best: float | None) -> bool:
    """The authors' rule: keep the epoch when its validation PCC is >= the best so far."""
    return best is None or _score(score) >= best


@dataclass(frozen=True)
class Prediction:
    """Predictions of a task over one split: arrays keyed as in ``Task.collect`` and the targets."""

    outputs: dict[str, np.ndarray]
    targets: dict[str, np.ndarray]
    loss: float | None

    def score(self, task: Task) -> float:
        """Pearson correlation of the scored prediction and its target."""
        return pearson(self.targets[task.score_target], self.outputs[task.score_key])


def predict(
    model: nn.Module,
    task: Task,
    split: SplitData,
    *,
    device: torch.device,
    batch_size: int = 100,
    attention: bool = False,
    with_loss: bool = False,
    targets: dict[str, np.ndarray] | None = None,
) -> Prediction:
    """Run ``model`` over ``split`` in evaluation mode, batch by batch.

    Parameters
    ----------
    attention : bool
        Also collect attention (memory: n x rows x 200 floats).
    with_loss : bool
        Also compute the task loss averaged over genes.
    targets : dict, optional
        ``task.targets(split)`` if already computed.
    """
    targets = task.targets(split) if targets is None else targets
    n = len(split)
    chunks: dict[str, list[np.ndarray]] = {}
    loss_sum = 0.0
    model.eval()
    with torch.no_grad():
        for start in range(0, n, batch_size):
            index = np.arange(start, min(start + batch_size, n))
            output = model(*(_to_tensor(a, device) for a in task.inputs(split, index)))
            if with_loss:
                batch_targets = {k: _to_tensor(v[index], device) for k, v in targets.items()}
                loss, _ = task.loss(output, batch_targets)
                loss_sum += float(loss) * len(index)
            for key, value in task.collect(output, attention).items():
                chunks.setdefault(key, []).append(value.detach().float().cpu().numpy())
    outputs = {k: np.concatenate(v) for k, v in chunks.items()}
    return Prediction(outputs=outputs, targets=targets, loss=loss_sum / n if with_loss and n else None)


def _train_epoch(
    model: nn.Module,
    task: Task,
    split: SplitData,
    targets: dict[str, np.ndarray],
    optimizer: torch.optim.Optimizer,
    generator: torch.Generator,
    config: TrainConfig,
    device: torch.device,
    bar: tqdm,
) -> dict[str, float]:
    """One pass over the shuffled training genes; returns gene-weighted mean losses."""
    model.train()
    n = len(split)
    order = torch.randperm(n, generator=generator).numpy()
    sums: dict[str, float] = {}
    seen = 0
    for start in range(0, n, config.batch_size):
        index = order[start : start + config.batch_size]
        inputs = [_to_tensor(a, device) for a in task.inputs(split, index)]
        batch_targets = {k: _to_tensor(v[index], device) for k, v in targets.items()}
        optimizer.zero_grad(set_to_none=True)
        loss, parts = task.loss(model(*inputs), batch_targets)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
        optimizer.step()
        k = len(index)
        seen += k
        for name, value in {"loss": float(loss.detach()), **parts}.items():
            sums[name] = sums.get(name, 0.0) + value * k
        bar.update(k)
        bar.set_postfix(loss=f"{sums['loss'] / seen:.4f}", refresh=False)
    return {name: total / max(seen, 1) for name, total in sums.items()}


def resume_message(desc: str, done: int, max_epochs: int, checkpoint: str | Path | None, ended: bool) -> str:
    """The line a resumed run prints: the epoch it continues at, and the checkpoint it continues from.

    ``done`` epochs were run before; ``ended`` when no epoch is left (all run, or early stopping).
    """
    if ended:
        return (
            f"resuming {desc}: its training ended at epoch {done} of {max_epochs} (checkpoint {checkpoint})"
        )
    epochs = "1 epoch" if done == 1 else f"{done} epochs"
    return f"resuming {desc} at epoch {done + 1} of {max_epochs} ({epochs} done, checkpoint {checkpoint})"


@dataclass(frozen=True)
class _Trainer:
    """What one run trains with: the model, its optimiser and shuffling generator change in place."""

    model: nn.Module
    task: Task
    config: TrainConfig
    device: torch.device
    optimizer: torch.optim.Optimizer
    generator: torch.Generator


@dataclass(frozen=True)
class _Standing:
    """Where a run stands after its epochs so far: their records and the epoch selected."""

    history: list[dict[str, Any]]
    best_state: dict[str, Tensor]
    best_score: float | None
    best_epoch: int
    stale: int
    stopped: bool

    def checkpoint(self, trainer: _Trainer, fingerprint: str) -> dict[str, Any]:
        """The complete state to resume from, as :func:`~deepdiff.training.checkpoint.save_checkpoint` saves it."""
        return {
            "fingerprint": fingerprint,
            "model": _cpu_state(trainer.model),
            "optimizer": trainer.optimizer.state_dict(),
            "rng": rng_state(trainer.generator, trainer.device),
            "history": self.history,
            "best_state": self.best_state,
            "best_score": self.best_score,
            "best_epoch": self.best_epoch,
            "stale": self.stale,
            "stopped": self.stopped,
        }

    def result(self, resumed_from: int) -> FitResult:
        """What :func:`fit` returns once no epoch is left to run."""
        score = self.best_score
        return FitResult(
            best_state=self.best_state,
            best_epoch=self.best_epoch,
            best_score=score if score is not None and math.isfinite(score) else float("nan"),
            history=self.history,
            stopped_early=self.stopped,
            resumed_from=resumed_from,
        )


def _resumed(state: dict[str, Any], trainer: _Trainer) -> _Standing:
    """Restore the model, optimiser and random states of a checkpoint; where the run stood."""
    trainer.model.load_state_dict(state["model"])
    trainer.optimizer.load_state_dict(state["optimizer"])
    restore_rng_state(state["rng"], trainer.generator, trainer.device)
    return _Standing(
        history=list(state["history"]),
        best_state=state["best_state"],
        best_score=state["best_score"],
        best_epoch=state["best_epoch"],
        stale=state["stale"],
        stopped=state["stopped"],
    )


def _epoch_record(
    epoch: int, train_losses: dict[str, float], val: Prediction, score: float, task: Task, seconds: float
) -> dict[str, Any]:
    """The history record of one epoch, from its training losses and validation predictions."""
    y, p = val.targets[task.score_target], val.outputs[task.score_key]
    return {
        "epoch": epoch,
        "train_loss": train_losses.pop("loss"),
        **{f"train_{k}": v for k, v in train_losses.items()},
        "valid_loss": val.loss,
        "valid_pearson": score if math.isfinite(score) else None,
        "valid_mse": float(np.mean((y.astype(np.float64) - p) ** 2)),
        "seconds": seconds,
    }


def _run_epoch(
    trainer: _Trainer,
    train: SplitData,
    valid: SplitData,
    targets: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
    epoch: int,
    progress: bool,
) -> tuple[dict[str, Any], float]:
    """Train one epoch and score it on the validation genes: its record and validation PCC."""
    model, task, config, device = trainer.model, trainer.task, trainer.config, trainer.device
    tic = time.perf_counter()
    with tqdm(total=len(train), desc=f"epoch {epoch}", unit="gene", leave=False, disable=not progress) as bar:
        train_losses = _train_epoch(
            model, task, train, targets[0], trainer.optimizer, trainer.generator, config, device, bar
        )
    val = predict(
        model,
        task,
        valid,
        device=device,
        batch_size=config.eval_batch_size,
        with_loss=True,
        targets=targets[1],
    )
    score = val.score(task)
    return _epoch_record(epoch, train_losses, val, score, task, time.perf_counter() - tic), score


def _after_epoch(
    standing: _Standing, record: dict[str, Any], score: float, model: nn.Module, patience: int | None
) -> _Standing:
    """Where the run stands once an epoch's record is in: selected if it improves, else one more stale epoch."""
    history = [*standing.history, record]
    if is_improvement(score, standing.best_score):
        return _Standing(history, _cpu_state(model), _score(score), record["epoch"], 0, standing.stopped)
    stale = standing.stale + 1
    stopped = patience is not None and stale >= patience
    return dataclasses.replace(standing, history=history, stale=stale, stopped=stopped)


def _start(trainer: _Trainer, checkpoint_path: str | Path | None, fingerprint: str, desc: str) -> _Standing:
    """A fresh start, or where the checkpoint stood when it has this run's ``fingerprint`` (restored into ``trainer``)."""
    state = load_checkpoint(checkpoint_path) if checkpoint_path is not None else None
    if state is None or state.get("fingerprint") != fingerprint:
        return _Standing([], _cpu_state(trainer.model), None, 0, 0, False)
    standing = _resumed(state, trainer)
    # Said even without progress bars: a restarted run must say that it is not starting afresh.
    max_epochs = trainer.config.max_epochs
    ended = standing.stopped or len(standing.history) >= max_epochs
    tqdm.write(
        resume_message(desc, len(standing.history), max_epochs, checkpoint_path, ended), file=sys.stderr
    )
    return standing


def _show(epochs: tqdm, record: dict[str, Any], score: float, standing: _Standing) -> None:
    """Advance the bar over epochs, showing the epoch's loss and PCC and the selected epoch."""
    epochs.update(1)
    epochs.set_postfix(
        loss=f"{record['train_loss']:.4f}",
        valid_pcc=f"{score:.3f}",
        best=f"{standing.best_score:.3f}@{standing.best_epoch}",
    )


def fit(
    model: nn.Module,
    task: Task,
    train: SplitData,
    valid: SplitData,
    config: TrainConfig,
    *,
    seed: int,
    device: torch.device,
    checkpoint_path: str | Path | None = None,
    fingerprint: str = "",
    progress: bool = True,
    desc: str = "training",
    on_epoch_end: EpochCallback | None = None,
) -> FitResult:
    """Train ``model`` on ``train``, selecting the epoch by validation Pearson correlation.

    Parameters
    ----------
    model : nn.Module
        Already built and initialised (see :func:`seeded`); moved to ``device`` here.
    task : Task
        How to feed the model and compute its loss (:mod:`deepdiff.training.tasks`).
    train, valid : SplitData
    config : TrainConfig
        Optimiser, budget, clipping, patience.
    seed : int
        Seeds the shuffling generator and torch's global RNG (restored afterwards).
    device : torch.device
    checkpoint_path : path, optional
        Where to save the state after each epoch; an existing checkpoint with the same
        ``fingerprint`` is resumed, and a line on standard error says so (:func:`resume_message`);
        a different fingerprint is ignored and overwritten.
    fingerprint : str
        Identifies the run (the cache key); guards against resuming someone else's checkpoint.
    progress : bool
        Show a tqdm bar per epoch (running loss) and over epochs (validation PCC).
    desc : str
        Label of the progress bar.
    on_epoch_end : callable, optional
        Called with each epoch's record after its checkpoint is saved (tests use it to
        interrupt a run).

    Returns
    -------
    FitResult
    """
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    trainer = _Trainer(model, task, config, device, optimizer, torch.Generator().manual_seed(seed))
    targets = (task.targets(train), task.targets(valid))
    with seeded(seed, device):
        standing = _start(trainer, checkpoint_path, fingerprint, desc)
        resumed_from = len(standing.history)

        epochs = tqdm(
            total=config.max_epochs, initial=resumed_from, desc=desc, unit="epoch", disable=not progress
        )
        try:
            while len(standing.history) < config.max_epochs and not standing.stopped:
                epoch = len(standing.history) + 1
                record, score = _run_epoch(trainer, train, valid, targets, epoch, progress)
                standing = _after_epoch(standing, record, score, model, config.patience)
                if checkpoint_path is not None:
                    save_checkpoint(checkpoint_path, standing.checkpoint(trainer, fingerprint))
                _show(epochs, record, score, standing)
                if on_epoch_end is not None:
                    on_epoch_end(record)
        finally:
            epochs.close()
    return standing.result(resumed_from)
