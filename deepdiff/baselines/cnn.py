"""A small 1-D convolutional network in the style of DeepChrome (a baseline beyond the paper).

DeepChrome (Singh et al., 2016) classifies one cell's expression with one convolution over the
bins (50 filters of width 10), max-pooling of width 5, dropout 0.5 and a two-layer perceptron
(625 and 125 units). Here the same stack regresses the LFC of a pair: its input channels are
``log2(1 + count)`` of cell A's five marks, cell B's five marks and their difference ``B - A``
(15 channels x 200 bins), each channel standardised with training-split statistics kept inside
the model as buffers, so the model takes raw counts like every DeepDiff variant.

Training reuses the project's loop (:func:`deepdiff.training.loop.fit`): Adam, mean squared
error, gradient-norm clipping, the epoch with the best validation Pearson correlation kept, and
early stopping after ``patience`` epochs without improvement. Weights keep PyTorch's default
initialisation (as DeepChrome's Torch code did), drawn under the run seed.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from deepdiff.baselines.base import FittedBaseline, RunContext, budgets, finite_or_none, subsample
from deepdiff.baselines.features import FeatureSpec, channels
from deepdiff.constants import N_BINS
from deepdiff.data.containers import SplitData
from deepdiff.training.config import TrainConfig
from deepdiff.training.device import resolve_device
from deepdiff.training.loop import fit as fit_loop
from deepdiff.training.loop import predict, seeded

FEATURES = FeatureSpec(blocks=("a", "b", "diff"), pool=1)


@dataclass(frozen=True)
class CNNConfig:
    """Architecture and budget of the CNN baseline.

    Attributes
    ----------
    filters, kernel, pool : int
        Convolution filters, their width in bins, and the max-pooling width.
    hidden : tuple of int
        Sizes of the perceptron's hidden layers.
    dropout : float
    max_train_genes : int or None
        Random subsample of training genes (seeded by the run seed); None = all.
    train : TrainConfig
        Optimiser and budget for the shared loop.
    """

    filters: int = 50
    kernel: int = 10
    pool: int = 5
    hidden: tuple[int, ...] = (625, 125)
    dropout: float = 0.5
    max_train_genes: int | None = None
    train: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            lr=1e-3, batch_size=100, max_epochs=60, patience=10, eval_batch_size=500
        )
    )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["train"] = {k: v for k, v in self.train.to_dict().items() if k in _TRAIN_FIELDS}
        out["features"] = FEATURES.describe()
        return out


#: The loop settings the CNN uses (the rest of TrainConfig concerns DeepDiff's losses).
_TRAIN_FIELDS = ("lr", "batch_size", "max_epochs", "clip_norm", "patience", "eval_batch_size")

PROFILES: Mapping[str, CNNConfig] = budgets(
    paper=CNNConfig(),
    quick=CNNConfig(
        max_train_genes=2000,
        train=TrainConfig(lr=1e-3, batch_size=50, max_epochs=8, patience=3, eval_batch_size=500),
    ),
    # quick's few steps stop before a plateau on the book's 800 training genes
    book=CNNConfig(
        max_train_genes=2000,
        train=TrainConfig(lr=1e-3, batch_size=50, max_epochs=40, patience=8, eval_batch_size=500),
    ),
)


class DeepChromeDiff(nn.Module):
    """Convolution over the bins of 15 channels, then a perceptron to one LFC per gene."""

    def __init__(self, config: CNNConfig, mean: np.ndarray, scale: np.ndarray) -> None:
        super().__init__()
        n_channels = FEATURES.n_channels
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32).reshape(1, n_channels, 1))
        self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float32).reshape(1, n_channels, 1))
        self.conv = nn.Conv1d(n_channels, config.filters, config.kernel)
        self.pool = nn.MaxPool1d(config.pool)
        self.dropout = nn.Dropout(config.dropout)
        width = (N_BINS - config.kernel + 1) // config.pool
        sizes = [config.filters * width, *config.hidden]
        self.hidden = nn.ModuleList(nn.Linear(i, o) for i, o in itertools.pairwise(sizes))
        self.out = nn.Linear(sizes[-1], 1)

    def forward(self, x_a: Tensor, x_b: Tensor) -> Tensor:
        """Raw counts (batch, 5, 200) of each cell -> predicted LFC (batch,)."""
        a, b = torch.log2(1.0 + x_a), torch.log2(1.0 + x_b)
        x = (torch.cat([a, b, b - a], dim=1) - self.mean) / self.scale
        h = self.dropout(self.pool(F.relu(self.conv(x)))).flatten(1)
        for layer in self.hidden:
            h = self.dropout(F.relu(layer(h)))
        return self.out(h).squeeze(-1)


@dataclass(frozen=True)
class LFCTask:
    """The loop's task for a model that maps ``(x_a, x_b)`` to the LFC and nothing else."""

    score_key: str = "diff"
    score_target: str = "lfc"

    def targets(self, split: SplitData) -> dict[str, np.ndarray]:
        return {"lfc": split.lfc}

    def inputs(self, split: SplitData, index: np.ndarray) -> tuple[np.ndarray, ...]:
        return split.x_a[index], split.x_b[index]

    def loss(self, output: Tensor, targets: dict[str, Tensor]) -> tuple[Tensor, dict[str, float]]:
        return F.mse_loss(output, targets["lfc"]), {}

    def collect(self, output: Tensor, attention: bool) -> dict[str, Tensor]:
        return {"diff": output.reshape(-1)}


def _channel_stats(split: SplitData) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each input channel over genes and bins."""
    x = channels(split, FEATURES).astype(np.float64)
    mean = x.mean(axis=(0, 2))
    std = x.std(axis=(0, 2))
    return mean, np.where(std > 0, std, 1.0)


def fit(train: SplitData, valid: SplitData, config: CNNConfig, ctx: RunContext) -> FittedBaseline:
    """Train the CNN on the training genes; the epoch is chosen by validation PCC."""
    device = resolve_device(ctx.device)
    tic = time.perf_counter()
    train = train.subset(subsample(len(train), config.max_train_genes, ctx.seed))
    mean, scale = _channel_stats(train)
    task = LFCTask()
    with seeded(ctx.seed, device):
        model = DeepChromeDiff(config, mean, scale)
    result = fit_loop(
        model,
        task,
        train,
        valid,
        config.train,
        seed=ctx.seed,
        device=device,
        progress=ctx.progress,
        desc="CNN",
    )
    model.load_state_dict(result.best_state)
    fit_s = time.perf_counter() - tic
    batch = config.train.eval_batch_size

    def predictor(split: SplitData) -> np.ndarray:
        return predict(model, task, split, device=device, batch_size=batch).outputs["diff"]

    return FittedBaseline(
        predictor=predictor,
        selected={
            "best_epoch": result.best_epoch,
            "epochs_run": len(result.history),
            "stopped_early": result.stopped_early,
            "valid_pearson": finite_or_none(result.best_score),
            "n_params": sum(p.numel() for p in model.parameters()),
            "train_genes": len(train),
        },
        valid_pred=predictor(valid),
        history=result.history,
        timings={"fit_s": fit_s},
    )
