"""``deepdiff doctor``: is this installation able to run, and if not, how to fix it.

Each check returns a :class:`Check` with a status (``ok``, ``warn`` or ``fail``), what was found,
and for problems what to do. Checks take their environment as arguments (with the real one as
default), so every failure can be tested without breaking the installation.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


#: Distribution name of this project; the import name is ``deepdiff``.
DISTRIBUTION = "deepdiff-repro"
#: The unrelated PyPI package that uses the same import name.
CLASHING_DISTRIBUTION = "deepdiff"
KEY_PACKAGES: tuple[str, ...] = (
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "torch",
    "tqdm",
    "requests",
    "platformdirs",
    "matplotlib",
    "seaborn",
)
STATUSES: tuple[str, ...] = ("ok", "warn", "fail")
_REINSTALL = "pip install -e <this project's folder>  (or: pip install --force-reinstall deepdiff-repro)"


@dataclass(frozen=True)
class Check:
    """The outcome of one check.

    Attributes
    ----------
    name : str
    status : {"ok", "warn", "fail"}
    detail : str
        What was found.
    fix : str
        What to do (empty when nothing is needed).
    """

    name: str
    status: str
    detail: str
    fix: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")


def _our_package_dir() -> Path:
    import deepdiff

    return Path(deepdiff.__file__).resolve().parent


def check_torch(import_module: Callable[[str], object] = importlib.import_module) -> Check:
    """torch imports, and which build it is."""
    try:
        torch = import_module("torch")
    except Exception as err:  # any import failure (missing, broken binary) is reported the same way
        return Check(
            "torch",
            "fail",
            f"cannot import torch: {type(err).__name__}: {err}",
            "install PyTorch: pip install torch (see https://pytorch.org for CUDA builds), then reinstall "
            "this project",
        )
    cuda = getattr(getattr(torch, "version", None), "cuda", None)
    build = f"CUDA {cuda} build" if cuda else "CPU-only build"
    return Check("torch", "ok", f"{torch.__version__} ({build})")


def _sum_on(device: torch.device) -> float:
    """0 + 1 + 2 + 3 computed on ``device``."""
    import torch

    return float(torch.arange(4.0, device=device).sum().item())


def _describe(device: torch.device) -> str:
    """What the device is, in words."""
    import torch

    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)} ({torch.cuda.device_count()} device(s))"
    if device.type == "mps":
        return "mps (Apple GPU)"
    return f"cpu ({torch.get_num_threads()} threads); no CUDA or MPS device found, training runs on the CPU"


def check_device(
    import_module: Callable[[str], object] = importlib.import_module,
    compute: Callable[[torch.device], float] = _sum_on,
    describe: Callable[[torch.device], str] = _describe,
) -> Check:
    """The device training would use with ``--device auto``, and a tiny computation on it."""
    try:
        resolve_device = import_module("deepdiff.training.device").resolve_device  # type: ignore[attr-defined]
    except Exception as err:
        return Check(
            "device", "fail", f"cannot check devices: {type(err).__name__}: {err}", "fix torch first"
        )
    device = resolve_device("auto")
    try:
        value = compute(device)
    except Exception as err:
        return Check(
            "device",
            "fail",
            f"{device} is detected but a computation on it failed: {type(err).__name__}: {err}",
            "check the GPU driver and the CUDA version of the torch build, or use --device cpu",
        )
    if value != 6.0:
        return Check("device", "fail", f"{device} computed 0+1+2+3 = {value}", "use --device cpu")
    return Check("device", "ok", describe(device))


def check_packages(
    names: Sequence[str] = KEY_PACKAGES, version: Callable[[str], str] = importlib.metadata.version
) -> Check:
    """Versions of the key dependencies; a missing one fails."""
    found, missing = [], []
    for name in names:
        try:
            found.append(f"{name} {version(name)}")
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    found.insert(0, f"python {'.'.join(map(str, sys.version_info[:3]))} ({sys.executable})")
    if missing:
        return Check(
            "packages",
            "fail",
            f"missing: {', '.join(missing)}; found: {', '.join(found)}",
            f"reinstall this project with its dependencies: {_REINSTALL}",
        )
    return Check("packages", "ok", ", ".join(found))


def _fresh_import() -> tuple[str | None, str]:
    """Where a fresh interpreter, started outside any source tree, imports ``deepdiff`` from.

    Returns ``(path of deepdiff/__init__.py or None, error text)``; the path is None when the
    import fails or the imported ``deepdiff`` is not this project (it has no ``deepdiff.constants``).
    """
    code = "import deepdiff, deepdiff.constants; print(deepdiff.__file__)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    with tempfile.TemporaryDirectory() as neutral:
        try:
            result = subprocess.run(
                [sys.executable, "-c", code], cwd=neutral, env=env, capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            return None, str(err)
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        return None, lines[-1] if lines else f"exit status {result.returncode}"
    return result.stdout.strip(), ""


def check_name_clash(
    *,
    distribution: Callable[[str], importlib.metadata.Distribution] = importlib.metadata.distribution,
    fresh_import: Callable[[], tuple[str | None, str]] = _fresh_import,
    package_dir: Path | None = None,
) -> Check:
    """The unrelated PyPI ``deepdiff`` package, which shares our import name.

    Fails when that distribution is installed in this environment, or when a fresh interpreter
    imports some other ``deepdiff`` than this project; warns when this project is not installed
    (it then works only from its source folder).
    """
    package_dir = package_dir or _our_package_dir()
    fix = f"pip uninstall {CLASHING_DISTRIBUTION}, then reinstall this project: {_REINSTALL}"
    try:
        other = distribution(CLASHING_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        other = None
    if other is not None:
        where = other.locate_file("")
        return Check(
            "name clash",
            "fail",
            f"the unrelated PyPI package '{CLASHING_DISTRIBUTION}' {other.version} is installed ({where}); it "
            "uses the same import name 'deepdiff' and overwrites or shadows this project's files",
            fix,
        )
    imported, error = fresh_import()
    if imported is None:
        if "No module named 'deepdiff'" in error:
            return Check(
                "name clash",
                "warn",
                f"no clash, but this project is not installed: outside {package_dir.parent} "
                "'import deepdiff' fails",
                f"install it: {_REINSTALL}",
            )
        return Check(
            "name clash",
            "fail",
            f"a fresh 'import deepdiff' does not load this project ({error})",
            fix,
        )
    if Path(imported).resolve().parent != package_dir:
        return Check(
            "name clash",
            "fail",
            f"a fresh 'import deepdiff' loads {Path(imported).parent}, not this project ({package_dir})",
            f"remove the other copy (pip uninstall {CLASHING_DISTRIBUTION}; pip uninstall {DISTRIBUTION}), "
            f"then {_REINSTALL}",
        )
    try:
        version = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        version = "unknown version"
    return Check(
        "name clash", "ok", f"'import deepdiff' is this project ({DISTRIBUTION} {version}, {package_dir})"
    )


def check_cache(cache_dir: str | os.PathLike[str] | None = None) -> Check:
    """Where the data cache is, whether it is writable, and what it holds."""
    from deepdiff.constants import REMC_COMMIT
    from deepdiff.data.cache import describe_cache
    from deepdiff.data.manifest import REMC_DATA_DIR, SAMPLE_DATA_DIR, cell_entries, load_manifest, remc_cells

    summary = describe_cache(cache_dir)
    root = summary.root
    existing = next(p for p in (root, *root.parents) if p.exists())  # nothing is created here
    if not (existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)):
        return Check(
            "data cache",
            "fail",
            f"{root} is not writable ({existing} is {'read-only' if existing.is_dir() else 'not a folder'})",
            "set DEEPDIFF_CACHE_DIR (or --cache-dir) to a writable folder",
        )
    present = {path for path, _ in summary.downloads}
    manifest = load_manifest()

    def complete(cell: str, source: str) -> bool:
        return all(
            f"{REMC_COMMIT}/{e.path}" in present for e in cell_entries(cell, source, manifest).values()
        )

    cells = [c for c in remc_cells(manifest) if complete(c, "remc")]
    sample = all(complete(c, "sample") for c in ("E123", "E003"))
    size_mb = sum(size for _, size in summary.downloads) / 1e6
    state = "" if root.is_dir() else " (not created yet)"
    detail = (
        f"{root}{state}: {len(summary.downloads)} downloaded files ({size_mb:.1f} MB); REMC cells complete "
        f"({REMC_DATA_DIR}): {', '.join(cells) or 'none'}; sample ({SAMPLE_DATA_DIR}/Cell1, Cell2): "
        f"{'yes' if sample else 'no'}; {summary.parsed_entries} parsed files "
        f"({summary.parsed_bytes / 1e6:.1f} MB)"
    )
    return Check("data cache", "ok", detail)


def check_network(base_url: str | None = None, timeout: float = 3.0) -> Check:
    """Whether the server of the authors' files answers (needed once per cell for remc/sample)."""
    from deepdiff.data.download import file_url, probe, remc_base_url
    from deepdiff.data.manifest import PROBE_FILE

    if probe(file_url(PROBE_FILE, base_url=base_url), timeout=timeout):
        return Check("data server", "ok", f"{remc_base_url(base_url)} answers")
    return Check(
        "data server",
        "warn",
        f"{remc_base_url(base_url)} did not answer within {timeout:g} s; --data remc and sample work only "
        "with files already in the cache, local and simulated data work offline",
        "fetch the files by hand: deepdiff data fetch --pair E003-E004 --data remc --print-urls",
    )


def run_checks(
    *, cache_dir: str | os.PathLike[str] | None = None, network: bool = True, base_url: str | None = None
) -> list[Check]:
    """All checks, in the order they are printed."""
    checks = [check_torch()]
    checks.append(
        check_device() if checks[-1].status != "fail" else Check("device", "fail", "skipped: torch is broken")
    )
    checks += [check_packages(), check_name_clash(), check_cache(cache_dir)]
    if network:
        checks.append(check_network(base_url))
    return checks


def format_report(checks: Sequence[Check]) -> str:
    """One line per check, with the fix indented under it, and a verdict."""
    width = max(len(c.name) for c in checks)
    lines = []
    for check in checks:
        mark = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}[check.status]
        lines.append(f"[{mark}] {check.name:<{width}}  {check.detail}")
        if check.fix:
            lines.append(f"       {'':<{width}}  fix: {check.fix}")
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    lines.append(
        f"{failed} problem(s) to fix, {warned} warning(s)." if failed or warned else "Everything looks fine."
    )
    return "\n".join(lines)


def exit_status(checks: Sequence[Check]) -> int:
    """1 when any check failed, else 0 (warnings do not fail)."""
    return int(any(c.status == "fail" for c in checks))
