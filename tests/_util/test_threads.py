"""CPUs a process may use: affinity capped by a container's CPU quota."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deepdiff._util.threads import check_threads, usable_cpus
from deepdiff.errors import ConfigError


def _affinity() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def test_no_quota_is_the_affinity(tmp_path: Path) -> None:
    assert usable_cpus(tmp_path) == _affinity()  # nothing readable: no cap
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert usable_cpus(tmp_path) == _affinity()


def test_cgroup_v2_quota_caps_the_cpus(tmp_path: Path) -> None:
    (tmp_path / "cpu.max").write_text("50000 100000\n")  # half a CPU: still one
    assert usable_cpus(tmp_path) == 1
    (tmp_path / "cpu.max").write_text(f"{150000 * _affinity()} 100000\n")  # more than the affinity
    assert usable_cpus(tmp_path) == _affinity()


def test_cgroup_v1_quota_caps_the_cpus(tmp_path: Path) -> None:
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("100000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert usable_cpus(tmp_path) == 1
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")  # v1's "no quota"
    assert usable_cpus(tmp_path) == _affinity()


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_check_threads_refuses(bad: object) -> None:
    with pytest.raises(ConfigError, match="--threads must be a positive whole number"):
        check_threads(bad, "--threads")  # type: ignore[arg-type]
