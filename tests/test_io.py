"""Atomic writes: whole files and whole directories, also with two processes writing the same one.

The concurrent tests use real processes (``spawn``) that meet at a barrier before every commit,
so that their renames collide on every round; outcomes are counted, nothing is timed.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from deepdiff.io import atomic_directory, atomic_write_bytes
from deepdiff.results import cache_key, is_complete, load_result, result_path, write_result

#: Rounds each writer commits; every round both writers commit the same directory at once.
ROUNDS = 100
FILES = ("a.txt", "b.txt", "c.txt")
#: Generous guard against a hung child; never reached when the code works (no assertion on time).
JOIN_TIMEOUT_S = 300


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_directory_is_created_then_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "run"
    with atomic_directory(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".run.") and not target.exists()
        (tmp / "old.txt").write_text("1")
    assert sorted(p.name for p in target.iterdir()) == ["old.txt"]
    with atomic_directory(target) as tmp:
        (tmp / "new.txt").write_text("2")
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert _leftovers(tmp_path) == []


def test_failed_write_leaves_the_old_directory(tmp_path: Path) -> None:
    target = tmp_path / "run"
    with atomic_directory(target) as tmp:
        (tmp / "kept.txt").write_text("1")
    with pytest.raises(RuntimeError, match="half way"), atomic_directory(target) as tmp:
        (tmp / "partial.txt").write_text("2")
        raise RuntimeError("half way")
    assert sorted(p.name for p in target.iterdir()) == ["kept.txt"]
    assert _leftovers(tmp_path) == []


def test_existing_directory_kept_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "run"
    with atomic_directory(target) as tmp:
        (tmp / "first.txt").write_text("1")
    seen: list[Path] = []
    with atomic_directory(target, keep_existing=lambda p: seen.append(p) or True) as tmp:
        (tmp / "second.txt").write_text("2")
    assert seen == [target] and sorted(p.name for p in target.iterdir()) == ["first.txt"]
    with atomic_directory(target, keep_existing=lambda p: False) as tmp:
        (tmp / "third.txt").write_text("3")
    assert sorted(p.name for p in target.iterdir()) == ["third.txt"]
    assert _leftovers(tmp_path) == []


def test_file_write_is_whole_and_leaves_nothing(tmp_path: Path) -> None:
    path = atomic_write_bytes(tmp_path / "sub" / "x.bin", b"abc")
    assert path.read_bytes() == b"abc" and sorted(p.name for p in path.parent.iterdir()) == ["x.bin"]


# ----------------------------------------------------------------------------- two processes, one directory


def _write_rounds(target: str, writer: str, barrier: Any, report: str) -> None:
    """Commit ``target`` ROUNDS times, meeting the other writer at the barrier before each commit."""
    outcomes = []
    for i in range(ROUNDS):
        try:
            with atomic_directory(target) as tmp:
                for name in FILES:
                    (tmp / name).write_text(f"{writer}:{i}")
                barrier.wait()
            outcomes.append("ok")
        except Exception as err:  # counted, not raised: the other writer must not be left waiting
            outcomes.append(f"{type(err).__name__}: {err}")
    Path(report).write_text(json.dumps(outcomes))


def _two_processes(func: Callable[[str, str, Any, str], None], target: Path, tmp_path: Path) -> list[str]:
    """Run ``func(target, writer, barrier, report)`` in two processes at once; every outcome of both."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    reports = [tmp_path / f"writer{k}.json" for k in range(2)]
    procs = [
        ctx.Process(target=func, args=(str(target), f"w{k}", barrier, str(reports[k]))) for k in range(2)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(JOIN_TIMEOUT_S)
    assert [proc.exitcode for proc in procs] == [0, 0]
    return [o for report in reports for o in json.loads(report.read_text())]


def test_two_processes_writing_one_directory(tmp_path: Path) -> None:
    target = tmp_path / "results" / "run"
    outcomes = _two_processes(_write_rounds, target, tmp_path)
    assert outcomes.count("ok") == 2 * ROUNDS, [o for o in outcomes if o != "ok"]
    # One writer's last round is there, whole: the same tag in every file.
    tags = {(target / name).read_text() for name in FILES}
    assert sorted(p.name for p in target.iterdir()) == sorted(FILES)
    assert len(tags) == 1 and tags.pop() in {f"w0:{ROUNDS - 1}", f"w1:{ROUNDS - 1}"}
    assert _leftovers(target.parent) == []  # no temporary or moved-aside directory left


def _metrics(key: str) -> dict[str, Any]:
    return {
        "kind": "baseline",
        "method": "ridge",
        "pair": "E003-E004",
        "data": {"source": "simulated", "label": "simulated", "checksum": "abc"},
        "profile": "quick",
        "seed": 0,
        "config": {"alpha": 1.0},
        "test": {"pearson": 0.5, "spearman": 0.4, "mse": 1.0, "n": 2},
        "valid": {"pearson": 0.6, "spearman": 0.5, "mse": 1.0, "n": 2},
        "key": key,
    }


def _write_result_rounds(results: str, writer: str, barrier: Any, report: str, replace: bool) -> None:
    """Write the same result ROUNDS times, as two shards of a grid, or the book and the workflow,
    would; without ``replace`` read it back after each write, as :func:`deepdiff.runs.write_run` does."""
    key = cache_key("baseline", "ridge", {"alpha": 1.0}, "abc")
    path = result_path(results, "E003-E004", "ridge", 0, key)
    predictions = pd.DataFrame({"gene": ["g1", "g2"], "lfc_true": [0.0, 1.0], "lfc_pred": [0.1, 0.9]})
    outcomes = []
    for _ in range(ROUNDS):
        barrier.wait()
        try:
            metrics = {**_metrics(key), "writer": writer}
            write_result(path, metrics=metrics, predictions=predictions, replace=replace)
            if not replace:
                assert load_result(path).metrics["key"] == key
            outcomes.append("ok")
        except Exception as err:
            outcomes.append(f"{type(err).__name__}: {err}")
    Path(report).write_text(json.dumps(outcomes))


def _replacing(results: str, writer: str, barrier: Any, report: str) -> None:
    _write_result_rounds(results, writer, barrier, report, replace=True)


def _keeping_and_reading(results: str, writer: str, barrier: Any, report: str) -> None:
    _write_result_rounds(results, writer, barrier, report, replace=False)


@pytest.mark.parametrize("writers", [_replacing, _keeping_and_reading], ids=["forced", "first-wins"])
def test_two_processes_writing_one_result(
    tmp_path: Path, writers: Callable[[str, str, Any, str], None]
) -> None:
    results = tmp_path / "results"
    outcomes = _two_processes(writers, results, tmp_path)
    assert outcomes.count("ok") == 2 * ROUNDS, [o for o in outcomes if o != "ok"]
    key = cache_key("baseline", "ridge", {"alpha": 1.0}, "abc")
    path = result_path(results, "E003-E004", "ridge", 0, key)
    assert is_complete(path, key)
    assert load_result(path).metrics["writer"] in {"w0", "w1"}
    assert _leftovers(path.parent) == []
