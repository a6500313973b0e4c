"""Tiny stand-in models and data for fast tests of the training machinery."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from deepdiff import methods
from deepdiff._util.threads import limited_threads
from deepdiff.data.containers import PairData, SplitData
from deepdiff.data.pair import Pair
from deepdiff.methods import RunOptions
from deepdiff.models import ModelConfig
from deepdiff.models.outputs import ModelOutput, SingleCellOutput
from deepdiff.results.store import RunResult


def tiny_split(n: int, seed: int) -> SplitData:
    """Counts whose H3K4me3 (mark 1) promoter signal drives expression; uint16 like real data."""
    rng = np.random.default_rng(seed)
    x_a = rng.poisson(3.0, size=(n, 5, 200)).astype(np.uint16)
    x_b = rng.poisson(3.0, size=(n, 5, 200)).astype(np.uint16)
    boost_a, boost_b = rng.integers(0, 20, size=(2, n))
    x_a[:, 1, 95:105] += boost_a[:, None].astype(np.uint16)
    x_b[:, 1, 95:105] += boost_b[:, None].astype(np.uint16)
    expr_a = 2.0 ** (boost_a / 2.0) - 1.0
    expr_b = 2.0 ** (boost_b / 2.0) - 1.0
    genes = np.array([f"ENSG{seed:02d}{i:05d}" for i in range(n)])
    return SplitData(genes=genes, x_a=x_a, x_b=x_b, expr_a=expr_a, expr_b=expr_b)


def tiny_pair(n_train: int = 120, n_valid: int = 60, n_test: int = 60) -> PairData:
    return PairData(
        pair=Pair("E003", "E004"),
        train=tiny_split(n_train, 1),
        valid=tiny_split(n_valid, 2),
        test=tiny_split(n_test, 3),
        source="simulated",
        label="stand-in test data",
        checksum="standin-0",
    )


class _Encoder(nn.Module):
    """Learned bin weights per mark, then a linear map: a cheap analogue of Level I + II."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.bin_score = nn.Parameter(torch.zeros(rows, 200))
        self.row_score = nn.Parameter(torch.zeros(rows))
        self.proj = nn.Linear(rows, 4)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        alpha = torch.softmax(self.bin_score, dim=-1)
        feats = torch.einsum("brt,rt->br", torch.log1p(x.clamp(min=0)), alpha)
        beta = torch.softmax(self.row_score, dim=0).expand(x.shape[0], -1)
        return self.proj(feats), beta, alpha.expand(x.shape[0], -1, -1), feats


class StandInPairModel(nn.Module):
    """Returns a full :class:`ModelOutput`; ``has_aux``/``siamese`` switch the optional fields."""

    def __init__(self, has_aux: bool = True, siamese: bool = True, dropout: float = 0.0) -> None:
        super().__init__()
        self.enc_a, self.enc_b = _Encoder(5), _Encoder(5)
        self.head = nn.Linear(8, 1)
        self.aux_a, self.aux_b = nn.Linear(4, 1), nn.Linear(4, 1)
        self.drop = nn.Dropout(dropout)
        self.has_aux, self.siamese = has_aux, siamese
        self.row_names = [f"{c}:{m}" for c in "AB" for m in range(5)]
        self.bin_row_names = self.row_names

    def forward(self, x_a: Tensor, x_b: Tensor) -> ModelOutput:
        va, ba, aa, ea = self.enc_a(x_a)
        vb, bb, ab, eb = self.enc_b(x_b)
        diff = self.head(self.drop(torch.cat([va, vb], 1))).squeeze(-1)
        return ModelOutput(
            diff=diff,
            row_attention=torch.cat([ba, bb], 1),
            bin_attention=torch.cat([aa, ab], 1),
            aux_a=self.aux_a(va).squeeze(-1) if self.has_aux else None,
            aux_b=self.aux_b(vb).squeeze(-1) if self.has_aux else None,
            embed_a=ea if self.siamese else None,
            embed_b=eb if self.siamese else None,
        )


class StandInCellModel(nn.Module):
    """A single-cell regression stand-in returning :class:`SingleCellOutput`."""

    def __init__(self) -> None:
        super().__init__()
        self.enc = _Encoder(5)
        self.head = nn.Linear(4, 1)
        self.row_names = [str(m) for m in range(5)]
        self.bin_row_names = self.row_names

    def forward(self, x: Tensor) -> SingleCellOutput:
        v, beta, alpha, _ = self.enc(x)
        return SingleCellOutput(expr=self.head(v).squeeze(-1), row_attention=beta, bin_attention=alpha)


#: Tiny model sizes and a short budget: every code path of a real run, in seconds.
SMALL_MODEL = ModelConfig(bin_hidden=4, row_hidden=2)
FAST_BUDGET = {"max_epochs": 2, "batch_size": 30, "lr": 1e-2}


def train_tiny(results: Path, method: str) -> RunResult:
    """``method`` trained for two epochs on the stand-in pair at tiny sizes."""
    from deepdiff.training.runner import train

    options = RunOptions(device="cpu", results_dir=results, progress=False)
    return train(
        tiny_pair(60, 30, 30),
        methods.get(method),
        options=options,
        overrides=FAST_BUDGET,
        model_config=SMALL_MODEL,
    )


def trained_runs(root: Path) -> dict[str, RunResult]:
    """A run of an auxiliary Siamese variant, of a plain variant, and of AttentiveChrome-diff."""
    with limited_threads(1):
        return {m: train_tiny(root, m) for m in ("raw_aux_siamese", "raw_c", "attentivechrome_diff")}
