"""The wheel works when installed outside the checkout: every file read at run time is in it.

The wheel is built from a copy of the checkout's package files (an in-tree build would leave
``build/`` and ``*.egg-info`` in the checkout, and setuptools' ``build/lib`` keeps modules that
were since moved or deleted, which would then end up in the wheel). It is installed into a fresh
virtual environment that sees this interpreter's site-packages (numpy, torch, ...) through a
``.pth`` line but not the editable install of the checkout: a plain path in a ``.pth`` file adds
the folder without processing the ``.pth`` files in it, so the editable finder never runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

from deepdiff.models.kernels import native
from tests.conftest import ROOT

#: Files the package reads at run time; each must be in the wheel.
PACKAGE_DATA = (
    "deepdiff/py.typed",
    "deepdiff/data/remc_manifest.tsv",
    "deepdiff/grid/costs.json",
    "deepdiff/simulate/calibration.json",
    "deepdiff/simulate/learnability.json",
    "deepdiff/models/kernels/bilstm.c",
)

#: Run by the installed interpreter, in a folder outside the checkout, with a clean environment.
CHECK = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import torch

    import deepdiff
    from deepdiff.data.manifest import load_manifest
    from deepdiff.grid.costs import measured
    from deepdiff.models import build_model, init_uniform_, set_backend
    from deepdiff.models.kernels import native
    from deepdiff.simulate import simulate_pair

    env, expect_kernel = Path(sys.argv[1]).resolve(), sys.argv[2] == "1"
    assert Path(deepdiff.__file__).resolve().is_relative_to(env), deepdiff.__file__

    data = simulate_pair("E003-E004", n_genes=60, seed=0, progress=False)
    assert len(data.train) + len(data.valid) + len(data.test) == 60
    assert load_manifest(), "the packaged manifest is empty"
    assert measured()["paper"], "the packaged measured costs are empty"

    lib = native.kernel(32)
    assert (lib is not None) == expect_kernel, native.unavailable_reason(32)
    torch.manual_seed(0)
    model = build_model("raw_aux_siamese")
    init_uniform_(model)
    x_a, x_b = (torch.as_tensor(x[:4], dtype=torch.float32) for x in (data.test.x_a, data.test.x_b))
    with torch.no_grad():
        slow = set_backend(model, "torch")(x_a, x_b).diff
        if expect_kernel:
            fast = set_backend(model, "native")(x_a, x_b).diff
            torch.testing.assert_close(fast, slow, atol=1e-5, rtol=1e-4)
    assert slow.shape == (4,) and bool(torch.isfinite(slow).all())
    print("installed deepdiff works:", deepdiff.__file__, "kernel:", lib is not None)
    """
)


def _copy_sources(dest: Path) -> Path:
    """The files the wheel is built from, copied out of the checkout."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "*.egg-info")
    shutil.copytree(ROOT / "deepdiff", dest / "deepdiff", ignore=ignore)
    return dest


def _run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    try:
        import setuptools  # noqa: F401
    except ImportError:
        pytest.fail("setuptools is not installed; run `make setup` (it is part of the dev extra)")

    # Build the wheel and check its package data.
    dist = tmp_path / "dist"
    source = _copy_sources(tmp_path / "src")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, source]
    )
    (wheel,) = dist.glob("deepdiff_repro-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [name for name in PACKAGE_DATA if name not in names]
    assert not missing, f"not in the wheel: {missing}"

    # A fresh environment that borrows the dependencies, then the wheel installed into it.
    env = tmp_path / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", env])
    python = env / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "_deepdiff_test_dependencies.pth").write_text("".join(f"{p}\n" for p in ours), encoding="utf-8")
    # --ignore-installed: the checkout's editable install is visible to pip's metadata scan; never touch it.
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", "-q", wheel])

    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "DEEPDIFF_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONNOUSERSITE": "1",
        "OMP_NUM_THREADS": "1",
        **({"CC": os.environ["CC"]} if os.environ.get("CC") else {}),
    }
    expect_kernel = "1" if native.compiler() is not None else "0"
    out = _run([python, "-c", CHECK, env, expect_kernel], cwd=tmp_path, env=clean).stdout
    assert "installed deepdiff works" in out
    assert list((tmp_path / "cache" / "kernels").glob("bilstm_h32_*.so")) or expect_kernel == "0"

    # The console script.
    help_text = _run([env / "bin" / "deepdiff", "--help"], cwd=tmp_path, env=clean).stdout
    assert "usage: deepdiff" in help_text
