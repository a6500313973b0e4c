"""Smoke test of benchmarks/grid_costs.py: every code path runs on a tiny pair; nothing is timed or asserted on speed."""

from __future__ import annotations

import importlib.util
import json
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
    assert set(json.loads((tmp_path / "grid_costs.json").read_text())["costs"]["quick"]) == {"raw_d", "ridge"}


def test_its_rows_merge_into_the_packaged_costs_file(bench: ModuleType) -> None:
    """The JSON it writes has the form of deepdiff/grid/costs.json: merged into it, the file still parses."""
    from deepdiff.grid.costs import costs_path, parse_costs

    row = {"epoch_s": float("nan"), "fixed_s": 4.0, "cpu_s": 5.0, "run_s": 4.0, "peak_mb": 400}
    rows = [
        row | {"method": "ridge", "training_loop": False},
        row | {"method": "raw", "training_loop": True, "epoch_s": 2.0},
    ]
    fields = dict.fromkeys(("source", "machine", "date", "command", "note"), "x")
    entries = bench.costs_entries(rows, profile="quick", key="new", provenance=fields)
    obj = json.loads(costs_path().read_text(encoding="utf-8"))
    obj["provenance"] |= entries["provenance"]
    obj["costs"]["quick"] |= entries["costs"]["quick"]
    costs = parse_costs(obj, "merged")["quick"]
    assert costs["ridge"].epoch_s == 0 and costs["raw"].epoch_s == 2.0 and costs["raw"].cpu_share == 1.25
    assert costs["raw"].provenance.source == "x"
