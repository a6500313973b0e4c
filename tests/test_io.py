"""Atomic writes: whole files and whole directories, also with two processes writing the same one.

The concurrent tests use real processes (``spawn``) that meet at a barrier before every commit,
so that their renames collide on every round; outcomes are counted, nothing is timed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from deepdiff.io import atomic_directory, atomic_write_bytes
from deepdiff.results import cache_key, is_complete, load_result, result_path, write_result
from tests.processes import in_two_processes, outcome

#: Rounds each writer commits; every round both writers commit the same directory at once.
ROUNDS = 100
FILES = ("a.txt", "b.txt", "c.txt")


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


def _write_rounds(target: str, name: str, barrier: Any) -> list[str]:
    """Commit ``target`` ROUNDS times, meeting the other writer at the barrier before each commit."""

    def one_round(i: int) -> None:
        with atomic_directory(target) as tmp:
            for file in FILES:
                (tmp / file).write_text(f"{name}:{i}")
            barrier.wait()

    return [outcome(lambda i=i: one_round(i)) for i in range(ROUNDS)]


def test_two_processes_writing_one_directory(tmp_path: Path) -> None:
    target = tmp_path / "results" / "run"
    outcomes = [o for each in in_two_processes(_write_rounds, str(target)) for o in each]
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


def _write_result_rounds(results: str, replace: bool, name: str, barrier: Any) -> list[str]:
    """Write the same result ROUNDS times, as two shards of a grid, or the book and the workflow,
    would; without ``replace`` read it back after each write, as :func:`deepdiff.runs.write_run` does."""
    key = cache_key("baseline", "ridge", {"alpha": 1.0}, "abc")
    path = result_path(results, "E003-E004", "ridge", 0, key)
    predictions = pd.DataFrame({"gene": ["g1", "g2"], "lfc_true": [0.0, 1.0], "lfc_pred": [0.1, 0.9]})

    def one_round() -> None:
        write_result(
            path, metrics={**_metrics(key), "writer": name}, predictions=predictions, replace=replace
        )
        if not replace:
            assert load_result(path).metrics["key"] == key

    outcomes = []
    for _ in range(ROUNDS):
        barrier.wait()
        outcomes.append(outcome(one_round))
    return outcomes


@pytest.mark.parametrize("replace", [True, False], ids=["forced", "first-wins"])
def test_two_processes_writing_one_result(tmp_path: Path, replace: bool) -> None:
    results = tmp_path / "results"
    outcomes = [o for each in in_two_processes(_write_result_rounds, str(results), replace) for o in each]
    assert outcomes.count("ok") == 2 * ROUNDS, [o for o in outcomes if o != "ok"]
    key = cache_key("baseline", "ridge", {"alpha": 1.0}, "abc")
    path = result_path(results, "E003-E004", "ridge", 0, key)
    assert is_complete(path, key)
    assert load_result(path).metrics["writer"] in {"w0", "w1"}
    assert _leftovers(path.parent) == []
