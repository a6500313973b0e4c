"""Smoke test of benchmarks/grid_costs.py: every code path runs on a tiny pair; nothing is timed or asserted on speed."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("grid_costs", ROOT / "benchmarks" / "grid_costs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_main_measures_each_method_in_its_own_process(bench: ModuleType, tmp_path: Path) -> None:
    code = bench.main(
        [
            "--methods",
            "raw_d,ridge",
            "--profile",
            "quick",
            "--genes",
            "120",
            "--threads",
            "1",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    rows = (tmp_path / "grid_costs.csv").read_text().splitlines()
    header = rows[0].split(",")
    records = [dict(zip(header, r.split(","), strict=True)) for r in rows[1:]]
    assert [r["method"] for r in records] == ["raw_d", "ridge"]
    raw_d, ridge = records
    assert float(raw_d["epoch_s"]) > 0 and raw_d["epochs"] == "1" and raw_d["networks"] == "1"
    assert ridge["epochs"] == "0" and float(ridge["run_s"]) > 0
    assert all(int(r["peak_mb"]) > 0 and float(r["cpu_s"]) > 0 for r in records)
    assert "| raw_d |" in (tmp_path / "grid_costs.md").read_text()
