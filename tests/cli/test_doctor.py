"""``deepdiff doctor``: every check can fail, and says how to fix it."""

from __future__ import annotations

import importlib.metadata
import socket
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import torch

from deepdiff.cli import doctor, main
from deepdiff.cli.doctor import (
    Check,
    check_cache,
    check_device,
    check_name_clash,
    check_network,
    check_packages,
    check_torch,
    exit_status,
    format_report,
)
from deepdiff.constants import REMC_COMMIT
from deepdiff.data.layout import FILE_ROLES, cell_file

OURS = Path(doctor.__file__).resolve().parents[1]  # deepdiff/cli/doctor.py -> deepdiff/


class _FakeDistribution:
    version = "8.0.1"

    def locate_file(self, path: str) -> str:
        return "/site-packages/" + path


def _no_distribution(name: str) -> importlib.metadata.Distribution:
    raise importlib.metadata.PackageNotFoundError(name)


def test_no_clash_in_this_environment() -> None:
    check = check_name_clash()
    assert check.status == "ok", check
    assert str(OURS) in check.detail


def test_pypi_deepdiff_installed_fails_with_the_fix() -> None:
    check = check_name_clash(distribution=lambda name: _FakeDistribution(), fresh_import=lambda: (None, "x"))
    assert check.status == "fail"
    assert "unrelated PyPI package 'deepdiff' 8.0.1" in check.detail
    assert check.fix.startswith("pip uninstall deepdiff, then reinstall this project")


def test_other_deepdiff_on_the_path_fails() -> None:
    other = "/elsewhere/site-packages/deepdiff/__init__.py"
    check = check_name_clash(
        distribution=_no_distribution, fresh_import=lambda: (other, ""), package_dir=OURS
    )
    assert check.status == "fail"
    assert "/elsewhere/site-packages/deepdiff" in check.detail
    shadowed = check_name_clash(
        distribution=_no_distribution,
        fresh_import=lambda: (None, "ModuleNotFoundError: No module named 'deepdiff.constants'"),
    )
    assert shadowed.status == "fail" and "pip uninstall deepdiff" in shadowed.fix


def test_not_installed_warns() -> None:
    check = check_name_clash(
        distribution=_no_distribution,
        fresh_import=lambda: (None, "ModuleNotFoundError: No module named 'deepdiff'"),
    )
    assert check.status == "warn"
    assert "pip install -e" in check.fix


def test_torch_and_device() -> None:
    assert check_torch().status == "ok"
    device = check_device()
    assert device.status == "ok" and device.fix == ""
    if not (torch.cuda.is_available() or torch.backends.mps.is_available()):
        assert device.detail == (
            f"cpu ({torch.get_num_threads()} threads); no CUDA or MPS device found, training runs on the CPU"
        )

    def broken(name: str) -> object:
        raise ImportError("libtorch_cpu.so: cannot open shared object file")

    check = check_torch(import_module=broken)
    assert check.status == "fail" and "libtorch_cpu.so" in check.detail and "pytorch.org" in check.fix


def test_device_that_cannot_be_checked_fails() -> None:
    def broken(name: str) -> object:
        raise OSError("libcudart.so.12: cannot open shared object file")

    check = check_device(import_module=broken)
    assert check == Check(
        "device",
        "fail",
        "cannot check devices: OSError: libcudart.so.12: cannot open shared object file",
        "fix torch first",
    )


def test_device_whose_computation_fails_says_what_to_do() -> None:
    def no_kernel(device: torch.device) -> float:
        raise RuntimeError("CUDA error: no kernel image is available for execution on the device")

    check = check_device(compute=no_kernel)
    assert check.status == "fail"
    assert check.detail.endswith(
        "is detected but a computation on it failed: RuntimeError: CUDA error: no kernel image is "
        "available for execution on the device"
    )
    assert "GPU driver" in check.fix and "--device cpu" in check.fix


def test_device_that_computes_wrong_fails() -> None:
    check = check_device(compute=lambda device: 5.0)
    assert (check.status, check.fix) == ("fail", "use --device cpu")
    assert check.detail.endswith("computed 0+1+2+3 = 5.0")


def test_device_described_by_its_kind() -> None:
    check = check_device(describe=lambda device: f"described {device.type}")
    assert check.status == "ok" and check.detail.startswith("described ")
    assert doctor._describe(torch.device("mps")) == "mps (Apple GPU)"


def test_packages() -> None:
    assert check_packages().status == "ok"
    check = check_packages(("numpy", "no-such-package-xyz"))
    assert check.status == "fail"
    assert "missing: no-such-package-xyz" in check.detail and "numpy" in check.detail


def test_cache_contents_and_unwritable_cache(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    check = check_cache(root)
    assert check.status == "ok" and "not created yet" in check.detail and not root.exists()
    data = root / "downloads" / REMC_COMMIT / "data"
    data.mkdir(parents=True)
    for name in ("Cell1", "Cell2"):
        for role in FILE_ROLES:
            (data / cell_file(name, role)).write_bytes(b"x")
    check = check_cache(root)
    assert "8 downloaded files" in check.detail and "sample (data/Cell1, Cell2): yes" in check.detail
    assert "REMC cells complete (data/ProcessedData): none" in check.detail
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    check = check_cache(blocker / "cache")
    assert check.status == "fail" and "DEEPDIFF_CACHE_DIR" in check.fix


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / REMC_COMMIT / "data"
    folder.mkdir(parents=True)
    (folder / "Cell1.expr.csv").write_text("ENSG1,1\n")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_network(file_server: str) -> None:
    assert check_network(file_server).status == "ok"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    check = check_network(closed, timeout=1)
    assert check.status == "warn" and "--print-urls" in check.fix


def test_report_and_exit_status() -> None:
    checks = [Check("a", "ok", "fine"), Check("bb", "warn", "hm", "do x")]
    assert exit_status(checks) == 0
    checks.append(Check("c", "fail", "broken", "do y"))
    assert exit_status(checks) == 1
    report = format_report(checks)
    assert (
        "[FAIL] c   broken" in report
        and "fix: do y" in report
        and "1 problem(s) to fix, 1 warning(s)." in report
    )
    with pytest.raises(ValueError):
        Check("x", "bad", "")


def test_command_exit_status(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--no-network"]) == 0
    assert "Everything looks fine." in capsys.readouterr().out
    monkeypatch.setattr(
        doctor, "check_name_clash", lambda: Check("name clash", "fail", "clash", "pip uninstall deepdiff")
    )
    assert main(["doctor", "--no-network"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] name clash" in out and "fix: pip uninstall deepdiff" in out
