"""The recurrence backend each ``DEEPDIFF_KERNELS`` value gives, with and without a C compiler.

Each case runs in a fresh process (the kernel is built, or found missing, once per process) with
a fresh kernel cache; "no compiler" means a ``PATH`` with neither ``cc``, ``gcc`` nor ``clang``
and no ``CC``. The outputs are compared with the PyTorch recurrence computed here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import torch

from deepdiff.models.kernels import native
from deepdiff.models.kernels.recurrent import BiLSTMBank, set_backend
from tests.conftest import ROOT
from tests.needs import unavailable

#: The ``DEEPDIFF_KERNELS`` values tried (None: unset), as a user may write them.
VALUES = [None, "", "auto", "torch", "TORCH", " native ", "fast"]
HIDDEN = 8

#: Runs in the child: for each value, which backend runs and what it computes (or the error).
SCRIPT = f"""
import json, os, sys
import torch
from deepdiff.errors import ConfigError
from deepdiff.models.kernels import native
from deepdiff.models.kernels.recurrent import BiLSTMBank, resolve_backend

torch.manual_seed(0)
bank = BiLSTMBank(2, 3, {HIDDEN})
x = torch.randn(2, 4, 7, 3)
report = {{"compiler": native.compiler(), "reason": native.unavailable_reason({HIDDEN}), "cases": {{}}}}
for value in json.loads(sys.argv[1]):
    if value is None:
        os.environ.pop("{native.BACKEND_ENV}", None)
    else:
        os.environ["{native.BACKEND_ENV}"] = value
    try:
        case = {{"backend": resolve_backend(None, {HIDDEN}, x), "y": bank(x).tolist()}}
    except ConfigError as err:
        case = {{"error": str(err)}}
    report["cases"][json.dumps(value)] = case
print(json.dumps(report))
"""


def _expected() -> torch.Tensor:
    """What the child computes, with the PyTorch recurrence, in this process."""
    torch.manual_seed(0)
    bank = set_backend(BiLSTMBank(2, 3, HIDDEN), "torch")
    x = torch.randn(2, 4, 7, 3)
    with torch.no_grad():
        return bank(x)


def _run(tmp_path: Path, path: str, values: list[str | None]) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("CC", native.BACKEND_ENV)}
    env["PATH"] = path
    env["DEEPDIFF_CACHE_DIR"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(values)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _built(tmp_path: Path) -> list[str]:
    kernels = tmp_path / "cache" / "kernels"
    return sorted(p.name for p in kernels.iterdir()) if kernels.is_dir() else []


def test_without_a_compiler_every_value(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    report = _run(tmp_path, str(empty), VALUES)
    assert report["compiler"] is None
    assert report["reason"] == "no C compiler found (cc, gcc or clang)"
    cases = {json.loads(k): v for k, v in report["cases"].items()}
    expected = _expected()
    for value in (None, "", "auto", "torch", "TORCH"):  # the PyTorch recurrence, same values
        assert cases[value]["backend"] == "torch", value
        torch.testing.assert_close(torch.tensor(cases[value]["y"]), expected, atol=1e-6, rtol=1e-5)
    assert cases[" native "] == {
        "error": "the native recurrence kernel was requested but cannot run: no C compiler found (cc, gcc or clang)"
    }
    assert cases["fast"] == {
        "error": "DEEPDIFF_KERNELS='fast' is not a backend; choose one of auto, native, torch"
    }
    assert _built(tmp_path) == []  # nothing was compiled, and no half-built file was left


def test_with_a_compiler_native_and_auto_use_the_kernel(tmp_path: Path) -> None:
    path = os.environ.get("PATH", "")
    if not any(shutil.which(cc, path=path) for cc in ("cc", "gcc", "clang")):
        unavailable("no C compiler (cc, gcc or clang) on PATH: the compiled kernel cannot be tested")
    report = _run(tmp_path, path, [None, "native", "torch"])
    assert report["reason"] == ""
    cases = {json.loads(k): v for k, v in report["cases"].items()}
    assert [cases[v]["backend"] for v in (None, "native", "torch")] == ["native", "native", "torch"]
    expected = _expected()
    for value in (None, "native", "torch"):
        torch.testing.assert_close(torch.tensor(cases[value]["y"]), expected, atol=2e-6, rtol=1e-5)
    record, library = _built(tmp_path)  # built once, into the cache it was given, with its record
    assert library.startswith(f"bilstm_h{HIDDEN}_") and library.endswith(".so")
    assert record == library.removesuffix(".so") + ".json"
