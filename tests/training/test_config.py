"""Profiles, overrides and device selection."""

from __future__ import annotations

import pytest
import torch

from deepdiff.errors import ConfigError
from deepdiff.training.config import PROFILES, TrainConfig, training_config
from deepdiff.training.device import DEFAULT_CPU_THREADS, cpu_threads, resolve_device


def test_paper_profile_is_the_authors_setting() -> None:
    paper = PROFILES["paper"]
    assert (paper.lr, paper.batch_size, paper.max_epochs, paper.clip_norm, paper.init_range) == (
        1e-4,
        10,
        90,
        1.0,
        0.1,
    )
    assert (paper.contrastive_weight, paper.margin, paper.de_threshold, paper.aux_weight) == (
        4.0,
        2.0,
        2.0,
        1.0,
    )
    assert paper.patience is None and paper.max_train_genes is None and paper.max_valid_genes is None
    assert not paper.output_offsets


def test_quick_profile_is_smaller() -> None:
    quick = PROFILES["quick"]
    assert quick.max_epochs < PROFILES["paper"].max_epochs
    assert quick.max_train_genes is not None and quick.max_valid_genes is not None
    assert quick.output_offsets


def test_training_config_and_overrides() -> None:
    assert training_config("paper") is PROFILES["paper"]
    cfg = training_config("paper", {"max_epochs": 3, "patience": 2})
    assert cfg.max_epochs == 3 and cfg.patience == 2 and cfg.lr == 1e-4
    assert cfg.to_dict()["max_epochs"] == 3


def test_unknown_profile_or_setting() -> None:
    with pytest.raises(ConfigError, match=r"unknown profile 'fast'.*paper.*quick"):
        training_config("fast")
    with pytest.raises(ConfigError, match=r"unknown training setting.*epochs.*max_epochs"):
        training_config("quick", {"epochs": 3})
    with pytest.raises(ConfigError, match="max_epochs"):
        training_config("quick", {"max_epochs": 0})
    with pytest.raises(ConfigError, match="lr"):
        TrainConfig(lr=0.0)


def test_device_resolution() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in {"cpu", "cuda", "mps"}
    with pytest.raises(ConfigError, match=r"unknown device 'gpu0'.*auto, cpu, cuda"):
        resolve_device("gpu0")
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="CUDA is not available"):
            resolve_device("cuda")
    if not (torch.backends.mps.is_available()):
        with pytest.raises(ConfigError, match="MPS is not available"):
            resolve_device("mps")


def test_cpu_threads_are_set_inside_the_block_and_restored() -> None:
    before = torch.get_num_threads()
    with cpu_threads(torch.device("cpu")):
        assert torch.get_num_threads() == DEFAULT_CPU_THREADS
    with cpu_threads(torch.device("cpu"), 2):
        assert torch.get_num_threads() == 2
    assert torch.get_num_threads() == before
    with pytest.raises(ConfigError, match="threads must be a positive whole number, got 0"):
        with cpu_threads(torch.device("cpu"), 0):
            pass
    assert torch.get_num_threads() == before


def test_every_method_has_every_profile() -> None:
    from deepdiff import methods
    from deepdiff.constants import PROFILE_NAMES

    assert tuple(PROFILES) == PROFILE_NAMES
    for name in methods.names():
        for profile in PROFILE_NAMES:
            assert methods.get(name).profile_config(profile) is not None, (name, profile)


def test_the_book_profile_is_quick_with_more_steps() -> None:
    book, quick = PROFILES["book"], PROFILES["quick"]
    assert (book.lr, book.batch_size, book.output_offsets) == (
        quick.lr,
        quick.batch_size,
        quick.output_offsets,
    )
    assert book.max_epochs > quick.max_epochs and book.max_train_genes > quick.max_train_genes
