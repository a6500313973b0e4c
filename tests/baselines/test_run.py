"""run_baseline: errors, the result directory and cache, and a test split that selection never sees."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from deepdiff.data.containers import PairData
from deepdiff.errors import ConfigError, DataError
from deepdiff.methods import ATTENTIVECHROME_DIFF, METHODS
from deepdiff.methods.by_name import run_baseline
from deepdiff.results.store import PREDICTION_COLUMNS, REQUIRED_KEYS, cache_key, collect_results
from tests.baselines.conftest import hand_pair

#: Every method fitted by this package (AttentiveChrome-diff is trained by deepdiff.training).
OWN_METHODS = [m for m, spec in METHODS.items() if spec.kind == "baseline" and not spec.training_loop]


def test_unknown_method_lists_the_valid_ones(tiny_pair: PairData, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown baseline method 'svm3'.*svr1, svr2, relief_rf"):
        run_baseline(tiny_pair, "svm3", results_dir=tmp_path)


def test_unknown_profile_is_a_config_error(tiny_pair: PairData, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown profile 'huge'.*quick"):
        run_baseline(tiny_pair, "ridge", profile="huge", results_dir=tmp_path)


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5])
def test_bad_n_jobs_is_a_config_error(tiny_pair: PairData, tmp_path: Path, n_jobs: Any) -> None:
    with pytest.raises(ConfigError, match="n_jobs"):
        run_baseline(tiny_pair, "ridge", results_dir=tmp_path, n_jobs=n_jobs)


@pytest.mark.parametrize("split", ["train", "valid", "test"])
@pytest.mark.parametrize("method", ["ridge", ATTENTIVECHROME_DIFF])
def test_empty_split_is_a_data_error(tiny_pair: PairData, tmp_path: Path, split: str, method: str) -> None:
    empty = dataclasses.replace(tiny_pair, **{split: tiny_pair.split(split).subset(slice(0, 0))})
    with pytest.raises(DataError, match=f"the {split} split of E003-E004 .* has no genes"):
        run_baseline(empty, method, results_dir=tmp_path)
    assert not any(tmp_path.iterdir())


def test_result_directory_and_cache(tiny_pair: PairData, tmp_path: Path) -> None:
    first = run_baseline(tiny_pair, "ridge", results_dir=tmp_path, progress=False)
    m = first.metrics
    assert set(REQUIRED_KEYS) <= set(m)
    assert (m["kind"], m["method"], m["pair"], m["profile"], m["seed"]) == (
        "baseline",
        "ridge",
        "E003-E004",
        "quick",
        0,
    )
    assert m["paper"] is False and m["data"]["checksum"] == tiny_pair.checksum
    assert m["key"] == cache_key("baseline", "ridge", m["config"], tiny_pair.checksum)
    assert first.path == tmp_path / "E003-E004" / "ridge" / f"seed0-{m['key'][:12]}"
    assert {"pool", "alpha"} <= set(m["selected"]) and m["timings"]["total_s"] > 0
    assert m["test"]["n"] == len(tiny_pair.test) and m["valid"]["n"] == len(tiny_pair.valid)
    assert list(first.predictions.columns) == list(PREDICTION_COLUMNS)
    np.testing.assert_array_equal(first.predictions["gene"], tiny_pair.test.genes)
    assert not first.reused

    again = run_baseline(tiny_pair, "ridge", results_dir=tmp_path, progress=False)
    assert again.reused and again.path == first.path and again.metrics == m
    forced = run_baseline(tiny_pair, "ridge", results_dir=tmp_path, progress=False, force=True)
    assert not forced.reused and forced.metrics["created"] >= m["created"]
    other_seed = run_baseline(tiny_pair, "ridge", results_dir=tmp_path, progress=False, seed=1)
    assert other_seed.path != first.path

    table = collect_results(tmp_path)
    assert list(table["method"]) == ["ridge", "ridge"] and set(table["seed"]) == {0, 1}


class SplitTouched(Exception):
    """Raised by the tripwire split when anything reads it."""


class _Tripwire:
    """Stands in for the test split: its length can be checked, any other access raises."""

    def __init__(self, n: int) -> None:
        self._n = n

    def __len__(self) -> int:
        return self._n

    def __getattr__(self, name: str) -> Any:
        raise SplitTouched(f"test split read: .{name}")


@pytest.mark.parametrize("method", OWN_METHODS)
def test_selection_never_reads_the_test_split(tiny_pair: PairData, tmp_path: Path, method: str) -> None:
    """The first read of the test split happens in FittedBaseline.predict, after selection."""
    wired = dataclasses.replace(tiny_pair, test=_Tripwire(len(tiny_pair.test)))
    with pytest.raises(SplitTouched) as info:
        run_baseline(wired, method, results_dir=tmp_path, progress=False, device="cpu")
    frames = [(Path(str(entry.path)).name, entry.name) for entry in info.traceback]
    assert ("base.py", "predict") in frames, frames


@pytest.mark.parametrize("method", ["ridge", "svr1", "relief_rf"])
def test_selection_does_not_depend_on_test_values(tmp_path: Path, method: str) -> None:
    """Scrambling the test genes' marks and expression changes test scores, never the selection."""
    data = hand_pair()
    rng = np.random.default_rng(5)
    t = data.test
    scrambled = dataclasses.replace(
        t,
        x_a=rng.permutation(t.x_b.reshape(-1)).reshape(t.x_a.shape),
        x_b=np.full_like(t.x_b, 7),
        expr_a=rng.permutation(t.expr_b),
    )
    poisoned = dataclasses.replace(data, test=scrambled, checksum="poisoned-" + data.checksum)
    clean = run_baseline(data, method, results_dir=tmp_path, progress=False).metrics
    dirty = run_baseline(poisoned, method, results_dir=tmp_path, progress=False).metrics
    assert dirty["selected"] == clean["selected"]
    assert dirty["valid"] == clean["valid"]
    assert dirty["test"]["pearson"] != clean["test"]["pearson"]


def test_attentivechrome_diff_is_dispatched_to_training(
    tiny_pair: PairData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deepdiff.training.runner as runner

    calls: list[dict[str, Any]] = []
    trained = object()  # stands for the training's result, which run_baseline must return as is

    def fake(data: PairData, method: Any, **kwargs: Any) -> object:
        calls.append({"data": data, "method": method, **kwargs})
        return trained

    monkeypatch.setattr(runner, "train", fake)
    returned = run_baseline(
        tiny_pair, ATTENTIVECHROME_DIFF, profile="paper", seed=3, results_dir=tmp_path, device="cpu", n_jobs=2
    )
    assert returned is trained
    (call,) = calls
    assert call["data"] is tiny_pair and call["method"] is METHODS[ATTENTIVECHROME_DIFF]
    assert (call["profile"], call["seed"], call["overrides"]) == ("paper", 3, None)
    options = call["options"]
    assert (options.device, options.results_dir, options.force, options.progress) == (
        "cpu",
        tmp_path,
        False,
        True,
    )
    assert options.threads == 2  # n_jobs is the training's thread count


def test_metrics_json_is_strict_json(tiny_pair: PairData, tmp_path: Path) -> None:
    result = run_baseline(tiny_pair, "hgb", results_dir=tmp_path, progress=False)
    text = (result.path / "metrics.json").read_text()
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))


@pytest.mark.slow  # starts worker processes: about 10 s of start-up on a busy two-core machine
def test_n_jobs_changes_speed_not_results(tiny_pair: PairData, tmp_path: Path) -> None:
    """The two-layer SVR fits its bins in worker processes when n_jobs > 1."""
    method = "svr2"
    serial = run_baseline(tiny_pair, method, results_dir=tmp_path / "1", progress=False, n_jobs=1)
    parallel = run_baseline(tiny_pair, method, results_dir=tmp_path / "2", progress=False, n_jobs=2)
    assert parallel.metrics["key"] == serial.metrics["key"]
    assert parallel.metrics["selected"] == serial.metrics["selected"]
    np.testing.assert_allclose(parallel.predictions["lfc_pred"], serial.predictions["lfc_pred"], rtol=1e-9)
