"""Smoke tests of benchmarks/prepare.py and benchmarks/predict.py at tiny sizes: every path runs, nothing is timed."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from tests.conftest import ROOT
from tests.needs import unavailable

for _module in ("pysam", "pyBigWig"):
    if importlib.util.find_spec(_module) is None:
        unavailable(f"{_module} not installed: the prepare benchmark needs the prepare extra")


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_prepare_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _load("prepare")
    args = ["--genes", "40", "--reads", "3000", "--chromosomes", "2", "--scale", "0.002", "--jobs", "1"]
    assert bench.main(args) == 0
    out = capsys.readouterr().out
    assert "| prepare from BAM: 40 genes x 5 marks x 2 cells |" in out
    assert "| prepare from bigWig: 40 genes x 5 marks x 2 cells |" in out and "read the GTF" in out


@pytest.mark.slow
def test_predict_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _load("predict")
    assert bench.main(["--genes", "50", "--variants", "raw_d", "--threads", "1"]) == 0
    assert "| raw_d |" in capsys.readouterr().out
