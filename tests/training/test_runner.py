"""train (variants and AttentiveChrome-diff): result directories, cache, determinism, resume.

Fast tests use tiny model sizes on small stand-in data; the planted-signal tests that train the
real sizes with the ``quick`` profile are in ``test_learning.py`` (marked slow).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepdiff import methods
from deepdiff.errors import ConfigError
from deepdiff.methods import RunOptions
from deepdiff.models import VARIANTS, ModelConfig
from deepdiff.results.store import collect_results, load_result
from deepdiff.training import runner
from deepdiff.training.runner import train
from tests.training.standins import tiny_pair

SMALL = ModelConfig(bin_hidden=4, row_hidden=2)
FAST = {"max_epochs": 2, "batch_size": 30, "lr": 1e-2}


def _train(tmp: Path, variant: str = "aux_siamese", **kw) -> object:
    """Train on the stand-in pair; ``kw`` holds training arguments and :class:`RunOptions` fields."""
    args = {"profile": "quick", "overrides": FAST, "model_config": SMALL}
    args |= {k: kw.pop(k) for k in list(kw) if k in args or k in ("seed", "on_epoch_end")}
    options = RunOptions(**{"device": "cpu", "results_dir": tmp, "progress": False, **kw})
    variant_method = methods.get(variant, methods.names(training_loop=True), "variant")
    return train(tiny_pair(60, 30, 30), variant_method, options=options, **args)


def test_writes_a_complete_result(tmp_path: Path) -> None:
    res = _train(tmp_path, "raw_aux_siamese")
    assert not res.reused
    m = res.metrics
    assert (m["kind"], m["method"], m["pair"], m["profile"], m["seed"]) == (
        "deepdiff",
        "raw_aux_siamese",
        "E003-E004",
        "quick",
        0,
    )
    assert m["data"]["label"] == "stand-in test data" and m["data"]["n_genes"] == {
        "train": 60,
        "valid": 30,
        "test": 30,
    }
    assert m["config"]["train"]["max_epochs"] == 2 and m["config"]["model"]["bin_hidden"] == 4
    assert len(m["history"]) == 2 and m["selected"]["best_epoch"] in (1, 2)
    assert m["test"]["n"] == 30 and m["device"] == "cpu"
    assert set(res.predictions.columns) >= {
        "gene",
        "lfc_true",
        "lfc_pred",
        "log_expr_a_pred",
        "log_expr_b_true",
    }
    np.testing.assert_allclose(res.predictions["lfc_true"], tiny_pair(60, 30, 30).test.lfc, rtol=1e-6)
    att = res.attention()
    assert att is not None and att["row_attention"].shape[0] == 30
    assert att["bin_attention"].shape[0] == 30 and att["bin_attention"].shape[2] == 200
    assert len(att["row_names"]) == att["row_attention"].shape[1]
    assert len(att["bin_row_names"]) == att["bin_attention"].shape[1]
    assert not list(res.path.parent.glob(".*")), "checkpoint or temporary files left behind"
    table = collect_results(tmp_path)
    assert list(table["method"]) == ["raw_aux_siamese"]


def test_cache_hit_skips_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _train(tmp_path)

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("training ran although a cached result exists")

    monkeypatch.setattr(runner, "fit", no_training)
    again = _train(tmp_path)
    assert again.reused and again.path == first.path
    pd.testing.assert_frame_equal(again.predictions, first.predictions)
    # A different seed or budget is a different run.
    with pytest.raises(AssertionError, match="training ran"):
        _train(tmp_path, seed=1)
    with pytest.raises(AssertionError, match="training ran"):
        _train(tmp_path, overrides={**FAST, "max_epochs": 3})
    with pytest.raises(AssertionError, match="training ran"):
        _train(tmp_path, force=True)


def test_same_seed_same_result(tmp_path: Path) -> None:
    a = _train(tmp_path / "a", seed=3)
    b = _train(tmp_path / "b", seed=3)
    c = _train(tmp_path / "c", seed=4)
    pd.testing.assert_frame_equal(a.predictions, b.predictions)
    assert a.metrics["key"] == b.metrics["key"] != c.metrics["key"]
    assert not np.allclose(a.predictions["lfc_pred"], c.predictions["lfc_pred"])


class _Interrupt(Exception):
    pass


def test_resume_after_interruption_equals_uninterrupted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overrides = {**FAST, "max_epochs": 3}
    full = _train(tmp_path / "full", overrides=overrides)

    def interrupt(record: dict) -> None:
        if record["epoch"] == 2:
            raise _Interrupt

    with pytest.raises(_Interrupt):
        _train(tmp_path / "cut", overrides=overrides, on_epoch_end=interrupt)
    assert list((tmp_path / "cut").rglob(".*.ckpt")), "no checkpoint after the interruption"
    assert collect_results(tmp_path / "cut").empty
    capsys.readouterr()
    resumed = _train(tmp_path / "cut", overrides=overrides)
    assert resumed.metrics["selected"]["resumed_from_epoch"] == 2
    (ckpt,) = [line for line in capsys.readouterr().err.splitlines() if line.startswith("resuming")]
    assert ckpt.startswith("resuming aux_siamese E003-E004 at epoch 3 of 3 (2 epochs done, checkpoint ")
    assert ckpt.endswith(".ckpt)")
    pd.testing.assert_frame_equal(resumed.predictions, full.predictions)
    strip = [{k: v for k, v in r.items() if k != "seconds"} for r in full.metrics["history"]]
    assert [{k: v for k, v in r.items() if k != "seconds"} for r in resumed.metrics["history"]] == strip
    np.testing.assert_array_equal(resumed.attention()["row_attention"], full.attention()["row_attention"])
    assert not list((tmp_path / "cut").rglob(".*.ckpt"))


def test_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown variant 'raw_x'.*raw_d.*raw_aux_siamese"):
        _train(tmp_path, "raw_x")
    with pytest.raises(ConfigError, match=r"unknown profile 'slow'.*paper"):
        _train(tmp_path, profile="slow")
    with pytest.raises(ConfigError, match="unknown device"):
        _train(tmp_path, device="tpu")
    with pytest.raises(ConfigError, match="unknown training setting"):
        _train(tmp_path, overrides={"epochs": 2})
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_quick_profile_subsamples_train_and_valid_not_test() -> None:
    split = tiny_pair(50, 10, 10).train
    sub = runner.subsample(split, 20, seed=0)
    assert len(sub) == 20 and set(sub.genes) <= set(split.genes)
    assert list(sub.genes) == sorted(sub.genes, key=list(split.genes).index)
    assert runner.subsample(split, 100, seed=0) is split
    np.testing.assert_array_equal(runner.subsample(split, 20, seed=0).genes, sub.genes)


def test_attentivechrome_diff(tmp_path: Path) -> None:
    data = tiny_pair(60, 30, 30)
    options = RunOptions(device="cpu", results_dir=tmp_path, progress=False)
    res = train(
        data, methods.get("attentivechrome_diff"), options=options, overrides=FAST, model_config=SMALL
    )
    m = res.metrics
    assert (m["kind"], m["method"]) == ("baseline", "attentivechrome_diff")
    p = res.predictions
    np.testing.assert_allclose(
        p["lfc_pred"], p["log_expr_b_pred"] - p["log_expr_a_pred"], rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(p["log_expr_a_true"], data.test.log_expr_a, rtol=1e-6)
    assert {r["cell"] for r in m["history"]} == {"E003", "E004"} and len(m["history"]) == 4
    assert set(m["selected"]) == {"E003", "E004", "selection"}
    assert set(m["cell_metrics"]) == {"E003", "E004"}
    att = res.attention()
    assert att["row_attention"].shape == (30, 10)
    assert [str(n).split(":")[0] for n in att["row_names"]] == ["E003"] * 5 + ["E004"] * 5
    again = train(
        data, methods.get("attentivechrome_diff"), options=options, overrides=FAST, model_config=SMALL
    )
    assert again.reused and load_result(again.path).metrics["key"] == m["key"]


def test_every_variant_trains_with_the_loop(tmp_path: Path) -> None:
    for variant in VARIANTS:
        res = _train(tmp_path, variant, overrides={**FAST, "max_epochs": 1})
        assert np.isfinite(res.predictions["lfc_pred"]).all(), variant
        has_aux, classifies = VARIANTS[variant].has_aux, VARIANTS[variant].aux_classification
        assert ("log_expr_a_pred" in res.predictions.columns) == (has_aux and not classifies), variant
        assert ("above_median_a_prob" in res.predictions.columns) == classifies, variant
        parts = {k for k in res.metrics["history"][0] if k.startswith("train_")}
        expected = {"train_loss", "train_diff"}
        expected |= {"train_aux_a", "train_aux_b"} if has_aux else set()
        expected |= {"train_contrastive"} if VARIANTS[variant].siamese else set()
        assert parts == expected, variant
