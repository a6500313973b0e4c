"""Parameter helpers shared by every model."""

from __future__ import annotations

import torch
from torch import nn


def init_uniform_(model: nn.Module, bound: float = 0.1) -> None:
    """Initialise every parameter ~ U(-bound, bound), as the authors' ``train.py`` does."""
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-bound, bound)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameter values (shared parameters counted once)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
