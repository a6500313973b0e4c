"""Training: losses, the shared loop, profiles, checkpoints, and the result-writing entry points."""

from deepdiff.training.config import PROFILES, TrainConfig, training_config
from deepdiff.training.device import resolve_device
from deepdiff.training.loop import FitResult, fit, predict, seeded
from deepdiff.training.runner import train
from deepdiff.training.tasks import PairTask, SingleCellTask, Task

__all__ = [
    "PROFILES",
    "FitResult",
    "PairTask",
    "SingleCellTask",
    "Task",
    "TrainConfig",
    "fit",
    "predict",
    "resolve_device",
    "seeded",
    "train",
    "training_config",
]
