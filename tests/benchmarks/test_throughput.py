"""benchmarks/throughput.py: its arithmetic on hand-made measurements, and a smoke run of every code path.

Nothing is asserted on speed: the tables are checked against figures computed here by hand, and
the timing loop by counting the steps it runs.
"""

from __future__ import annotations

import importlib.util
import math
from types import ModuleType

import pytest

from deepdiff.models import ModelConfig
from tests.conftest import ROOT

TINY = ModelConfig(n_bins=6, bin_hidden=4, row_hidden=4)


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("throughput", ROOT / "benchmarks" / "throughput.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _result(impl: str, mode: str, rate: float, cpu_rate: float, variant: str = "raw") -> dict:
    return {
        "variant": variant,
        "impl": impl,
        "batch": 10,
        "mode": mode,
        "threads": 2,
        "genes_per_s": rate,
        "genes_per_cpu_s": cpu_rate,
        "peak_mb": 100.0,
    }


def test_summary_ratios_and_share_of_peak(bench: ModuleType) -> None:
    results = [
        _result("fast", "train", 300.0, 150.0),
        _result("reference", "train", 100.0, 60.0),
        _result("fast", "infer", 900.0, 450.0),
        _result("fast", "train", 50.0, 40.0, variant="aux"),  # no reference measured
    ]
    rows = bench.summarise(results, {2: 1.5e12})
    fast, ref, infer, alone = rows
    assert (fast["x_reference"], fast["x_reference_cpu"]) == (3.0, 2.5)
    assert (ref["x_reference"], ref["x_reference_cpu"]) == (1.0, 1.0)
    # raw: 15 Level I rows x 10 MFLOP per gene for a training step, a third of that to infer.
    assert fast["pct_peak"] == pytest.approx(100 * 300 * 15 * 10e6 / 1.5e12) == pytest.approx(3.0)
    assert infer["pct_peak"] == pytest.approx(100 * 900 * 15 * 10e6 / 3 / 1.5e12) == pytest.approx(3.0)
    assert math.isnan(infer["x_reference"]) and math.isnan(alone["x_reference_cpu"])
    assert all(math.isnan(r["pct_peak"]) for r in bench.summarise(results))  # peak not measured


def test_markdown_and_csv(bench: ModuleType) -> None:
    rows = bench.summarise(
        [_result("fast", "train", 300.0, 150.0), _result("reference", "train", 100.0, 60.0)]
    )
    markdown = bench.format_markdown(rows, "# header")
    lines = markdown.splitlines()
    assert lines[0] == "# header" and lines[2].startswith(
        "| variant | batch | threads | impl | train genes/s"
    )
    assert lines[4] == "| raw | 10 | 2 | fast | 300 | 3.00 | 150 | 2.50 | nan | 100 | - | - | - | - | - | - |"
    assert lines[5].startswith("| raw | 10 | 2 | reference | 100 | 1.00 | 60 | 1.00 |")
    csv_lines = bench.format_csv(rows).splitlines()
    assert csv_lines[0] == (
        "variant,batch,threads,impl,mode,genes_per_s,x_reference,genes_per_cpu_s,x_reference_cpu,pct_peak,peak_mb"
    )
    assert csv_lines[1] == "raw,10,2,fast,train,300.0,3.0,150.0,2.5,nan,100.0"


def test_a_slow_step_is_timed_once(bench: ModuleType) -> None:
    steps: list[int] = []
    # A step longer than ten timings' length (here: any step) is run once, and that one counts.
    wall, cpu = bench._best_rate(lambda: steps.append(1), batch=4, repeats=3, min_seconds=0.0)
    assert len(steps) == 1 and wall > 0 and cpu > 0


def test_every_code_path_runs(bench: ModuleType) -> None:
    results = [
        bench.measure(variant, impl, 2, mode, config=TINY, repeats=1, min_seconds=0.0, threads=1)
        for variant in ("raw", "aux_siamese")
        for mode in ("train", "infer")
        for impl in ("fast", "reference")
    ]
    assert [(r["variant"], r["mode"], r["impl"], r["batch"], r["threads"]) for r in results] == [
        (v, m, i, 2, 1)
        for v in ("raw", "aux_siamese")
        for m in ("train", "infer")
        for i in ("fast", "reference")
    ]
    assert all(r["genes_per_s"] > 0 and r["genes_per_cpu_s"] > 0 and r["peak_mb"] > 0 for r in results)
    assert bench.matmul_flops(1, size=64, min_seconds=0.0) > 0
    with pytest.raises(ValueError, match="mode must be train or infer"):
        bench.measure("raw", "fast", 2, "serve", config=TINY, repeats=1, min_seconds=0.0, threads=1)


def test_rows_per_variant(bench: ModuleType) -> None:
    assert bench.level_one_rows("raw") == 15
    assert bench.level_one_rows("raw_aux_siamese") == 25
    assert bench.level_one_rows("aux_siamese") == 10
