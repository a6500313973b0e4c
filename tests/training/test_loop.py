"""The generic training loop, on stand-in models: determinism, resume, selection, early stopping."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch

from deepdiff.training.config import TrainConfig
from deepdiff.training.loop import fit, is_improvement, predict, resume_message, seeded
from deepdiff.training.tasks import PairTask, SingleCellTask
from tests.training.standins import StandInCellModel, StandInPairModel, tiny_pair

CPU = torch.device("cpu")
CONFIG = TrainConfig(lr=3e-2, batch_size=16, max_epochs=4, eval_batch_size=50)
TASK = PairTask(has_aux=True, siamese=True)


def _model(seed: int = 0, dropout: float = 0.3) -> StandInPairModel:
    with seeded(seed, CPU):
        return StandInPairModel(dropout=dropout)


def _strip(history: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "seconds"} for r in history]


def _assert_same_state(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


def test_same_seed_same_result_and_seed_matters() -> None:
    data = tiny_pair()
    runs = [
        fit(_model(), TASK, data.train, data.valid, CONFIG, seed=s, device=CPU, progress=False)
        for s in (0, 0, 1)
    ]
    assert _strip(runs[0].history) == _strip(runs[1].history)
    _assert_same_state(runs[0].best_state, runs[1].best_state)
    assert _strip(runs[0].history) != _strip(runs[2].history)
    assert len(runs[0].history) == CONFIG.max_epochs
    assert {"train_loss", "train_diff", "train_aux_a", "train_contrastive", "valid_pearson"} <= set(
        runs[0].history[0]
    )


def test_fit_leaves_global_rng_untouched() -> None:
    data = tiny_pair()
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    fit(
        _model(),
        TASK,
        data.train,
        data.valid,
        dataclasses.replace(CONFIG, max_epochs=1),
        seed=0,
        device=CPU,
        progress=False,
    )
    assert torch.equal(torch.rand(3), expected)


class _Interrupt(Exception):
    pass


def test_resume_after_interruption_equals_uninterrupted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tiny_pair()
    full = fit(_model(), TASK, data.train, data.valid, CONFIG, seed=5, device=CPU, progress=False)

    ckpt = tmp_path / "run.ckpt"

    def stop_after_two(record: dict) -> None:
        if record["epoch"] == 2:
            raise _Interrupt

    with pytest.raises(_Interrupt):
        fit(
            _model(),
            TASK,
            data.train,
            data.valid,
            CONFIG,
            seed=5,
            device=CPU,
            progress=False,
            checkpoint_path=ckpt,
            fingerprint="run-a",
            on_epoch_end=stop_after_two,
        )
    assert ckpt.is_file()
    assert "resuming" not in capsys.readouterr().err
    # The resumed run starts from a freshly built model: everything comes from the checkpoint.
    resumed = fit(
        _model(seed=99),
        TASK,
        data.train,
        data.valid,
        CONFIG,
        seed=5,
        device=CPU,
        progress=False,
        checkpoint_path=ckpt,
        fingerprint="run-a",
    )
    assert resumed.resumed_from == 2
    # Said although there are no progress bars: which epoch it continues from, and the checkpoint.
    assert capsys.readouterr().err == (
        f"resuming training at epoch 3 of 4 (2 epochs done, checkpoint {ckpt})\n"
    )
    assert _strip(resumed.history) == _strip(full.history)
    assert resumed.best_epoch == full.best_epoch
    _assert_same_state(resumed.best_state, full.best_state)


def test_resume_messages() -> None:
    assert resume_message("raw_d E003-E004", 1, 3, "x.ckpt", ended=False) == (
        "resuming raw_d E003-E004 at epoch 2 of 3 (1 epoch done, checkpoint x.ckpt)"
    )
    assert resume_message("raw_d E003-E004", 2, 3, "x.ckpt", ended=True) == (
        "resuming raw_d E003-E004: its training ended at epoch 2 of 3 (checkpoint x.ckpt)"
    )


def test_checkpoint_of_another_run_is_not_resumed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tiny_pair()
    ckpt = tmp_path / "run.ckpt"
    cfg = dataclasses.replace(CONFIG, max_epochs=2)
    fit(
        _model(),
        TASK,
        data.train,
        data.valid,
        cfg,
        seed=0,
        device=CPU,
        progress=False,
        checkpoint_path=ckpt,
        fingerprint="a",
    )
    other = fit(
        _model(),
        TASK,
        data.train,
        data.valid,
        cfg,
        seed=0,
        device=CPU,
        progress=False,
        checkpoint_path=ckpt,
        fingerprint="b",
    )
    assert other.resumed_from == 0 and len(other.history) == 2
    assert "resuming" not in capsys.readouterr().err


def test_ties_go_to_the_later_epoch() -> None:
    assert is_improvement(0.5, None)
    assert is_improvement(0.5, 0.5)
    assert not is_improvement(0.49, 0.5)
    assert not is_improvement(float("nan"), 0.1)
    # A learning rate too small to move float32 weights gives identical validation PCCs.
    data = tiny_pair()
    cfg = dataclasses.replace(CONFIG, lr=1e-20, max_epochs=3)
    result = fit(_model(dropout=0.0), TASK, data.train, data.valid, cfg, seed=0, device=CPU, progress=False)
    scores = [r["valid_pearson"] for r in result.history]
    assert scores[0] == scores[1] == scores[2]
    assert result.best_epoch == 3


def test_early_stopping_with_patience() -> None:
    data = tiny_pair()
    v = data.valid
    # Validation targets with the sign flipped: the better the model fits, the worse it scores.
    flipped = dataclasses.replace(v, expr_a=v.expr_b, expr_b=v.expr_a)
    cfg = dataclasses.replace(CONFIG, max_epochs=10, patience=2)
    result = fit(_model(dropout=0.0), TASK, data.train, flipped, cfg, seed=0, device=CPU, progress=False)
    assert result.stopped_early
    assert len(result.history) == result.best_epoch + 2 < 10


def test_stand_in_learns_and_predict_collects_attention() -> None:
    data = tiny_pair()
    model = _model(dropout=0.0)
    cfg = dataclasses.replace(CONFIG, lr=0.1, max_epochs=12)
    result = fit(model, TASK, data.train, data.valid, cfg, seed=0, device=CPU, progress=False)
    model.load_state_dict(result.best_state)
    pred = predict(model, TASK, data.test, device=CPU, batch_size=25, attention=True, with_loss=True)
    assert pred.score(TASK) > 0.6  # chance: sd 0.13 on 60 genes
    assert pred.outputs["diff"].shape == (60,)
    assert pred.outputs["bin_attention"].shape == (60, 10, 200)
    assert pred.outputs["row_attention"].shape == (60, 10)
    np.testing.assert_allclose(pred.outputs["bin_attention"].sum(-1), 1.0, rtol=1e-5)
    assert pred.loss is not None and pred.loss > 0


def test_single_cell_task_shares_the_loop() -> None:
    data = tiny_pair()
    with seeded(0, CPU):
        model = StandInCellModel()
    task = SingleCellTask("b")
    result = fit(
        model,
        task,
        data.train,
        data.valid,
        dataclasses.replace(CONFIG, lr=0.1, max_epochs=12),
        seed=0,
        device=CPU,
        progress=False,
    )
    model.load_state_dict(result.best_state)
    pred = predict(model, task, data.test, device=CPU)
    np.testing.assert_allclose(pred.targets["log_expr"], data.test.log_expr_b)
    assert pred.score(task) > 0.6
    with pytest.raises(ValueError, match="cell"):
        SingleCellTask("c")
