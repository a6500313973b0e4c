"""Atomic writes: whole files and whole directories, also with two processes writing the same one.

The concurrent tests use real processes (``spawn``) that meet at a barrier before every commit,
so that their renames collide on every round; outcomes are counted, nothing is timed.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from deepdiff._util import io as atomic_io
from deepdiff._util.io import atomic_directory, atomic_write_bytes
from deepdiff.results.store import cache_key, is_complete, load_result, result_path, write_result
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


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)])
def test_modes_follow_the_umask(tmp_path: Path, umask: int, file_mode: int, dir_mode: int) -> None:
    """Results get the modes ``open`` and ``mkdir`` would give them, not tempfile's private ones,
    so that others sharing a results folder can read them."""
    saved = os.umask(umask)
    try:
        path = atomic_write_bytes(tmp_path / "x.bin", b"abc")
        with atomic_directory(tmp_path / "run") as tmp:
            (tmp / "a.txt").write_text("1")
    finally:
        os.umask(saved)
    assert stat.S_IMODE(path.stat().st_mode) == file_mode
    assert stat.S_IMODE((tmp_path / "run").stat().st_mode) == dir_mode


def test_failed_replacement_puts_the_old_directory_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "run"
    with atomic_directory(target) as tmp:
        (tmp / "old.txt").write_text("1")
    real = atomic_io._rename_unless_taken
    calls: list[tuple[Path, Path]] = []

    def rename(source: Path, dest: Path) -> bool:
        # The first call finds the old directory in the way; the second, renaming the new one in
        # after the old one was moved aside, fails; the third puts the old one back.
        calls.append((source, dest))
        if len(calls) == 2:
            raise OSError(errno.EACCES, "refused", str(dest))
        return real(source, dest)

    monkeypatch.setattr(atomic_io, "_rename_unless_taken", rename)
    with pytest.raises(OSError) as info, atomic_directory(target) as tmp:
        (tmp / "new.txt").write_text("2")
    assert info.value.errno == errno.EACCES
    assert sorted(p.name for p in target.iterdir()) == ["old.txt"]
    assert (target / "old.txt").read_text() == "1"
    assert _leftovers(tmp_path) == []  # neither the ``.old`` directory nor the new one is left


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


def _write_result_rounds(results: str, replace: bool, name: str, barrier: Any) -> list[list[str]]:
    """Write the same result ROUNDS times, as two shards of a grid, or the book and the workflow,
    would; without ``replace`` read it back after each write, as :func:`deepdiff.runs.template.write_run` does.

    Each write is tagged ``writer:round``; the result is ``[outcome, tag read back]`` per round (the
    tag is empty with ``replace``, where the other writer may be replacing it during the read).
    """
    key = cache_key("baseline", "ridge", {"alpha": 1.0}, "abc")
    path = result_path(results, "E003-E004", "ridge", 0, key)
    predictions = pd.DataFrame({"gene": ["g1", "g2"], "lfc_true": [0.0, 1.0], "lfc_pred": [0.1, 0.9]})
    seen: list[str] = []

    def one_round(i: int) -> None:
        write_result(
            path,
            metrics={**_metrics(key), "writer": f"{name}:{i}"},
            predictions=predictions,
            replace=replace,
        )
        if not replace:
            metrics = load_result(path).metrics
            assert metrics["key"] == key
            seen.append(metrics["writer"])

    rounds = []
    for i in range(ROUNDS):
        barrier.wait()
        seen.clear()
        rounds.append([outcome(lambda i=i: one_round(i)), "".join(seen)])
    return rounds


@pytest.mark.parametrize("replace", [True, False], ids=["forced", "first-wins"])
def test_two_processes_writing_one_result(tmp_path: Path, replace: bool) -> None:
    results = tmp_path / "results"
    rounds = [r for each in in_two_processes(_write_result_rounds, str(results), replace) for r in each]
    outcomes = [o for o, _ in rounds]
    assert outcomes.count("ok") == 2 * ROUNDS, [o for o in outcomes if o != "ok"]
    key = cache_key("baseline", "ridge", {"alpha": 1.0}, "abc")
    path = result_path(results, "E003-E004", "ridge", 0, key)
    assert is_complete(path, key)
    final = load_result(path).metrics["writer"]
    if replace:  # the last round's writers replace every earlier result; one of them is there
        assert final in {f"w0:{ROUNDS - 1}", f"w1:{ROUNDS - 1}"}
    else:
        # The first result to land, in round 0, is the one both writers read back after every
        # write, and the one there at the end: no later write replaced it.
        assert final in {"w0:0", "w1:0"}
        assert {tag for _, tag in rounds} == {final}
    assert _leftovers(path.parent) == []
