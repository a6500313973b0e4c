"""The kernel's C source is package data, compiles without warnings, and keys the build cache."""

from __future__ import annotations

import subprocess
from importlib import resources
from pathlib import Path

import pytest

from deepdiff.models import ModelConfig
from deepdiff.models.kernels import native
from tests.models.conftest import SMALL
from tests.needs import unavailable

#: Every hidden size the models are built with: the authors' sizes and the tests' small ones.
HIDDEN_SIZES = sorted(
    {ModelConfig().bin_hidden, ModelConfig().row_hidden, SMALL.bin_hidden, SMALL.row_hidden}
)
WARNINGS = ("-Wall", "-Wextra", "-Werror")


def test_source_is_package_data() -> None:
    path = resources.files("deepdiff.models.kernels").joinpath(native.SOURCE_FILE)
    assert path.is_file()
    assert native.source() == path.read_text(encoding="utf-8")
    assert "int bilstm_forward(" in native.source()


@pytest.mark.parametrize("hidden", HIDDEN_SIZES)
def test_compiles_without_warnings(hidden: int, tmp_path: Path) -> None:
    cc = native.compiler()
    if cc is None:
        unavailable("no C compiler found (cc, gcc or clang): the models use the PyTorch recurrence")
    source = tmp_path / native.SOURCE_FILE
    source.write_text(native.source(), encoding="utf-8")
    cmd = [*native.compile_command(cc, source, tmp_path / "bilstm.so", hidden), *WARNINGS]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(cmd)}\n{result.stderr}"
    assert "warning" not in result.stderr.lower(), result.stderr
    assert (tmp_path / "bilstm.so").is_file()


def test_cache_key_covers_source_flags_hidden_and_cpu(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEEPDIFF_CACHE_DIR", str(tmp_path))
    base = native.library_path(32)
    assert base.parent == tmp_path / "kernels"
    assert native.library_path(16) != base
    edited = native.source() + "\n/* edited */\n"
    with monkeypatch.context() as m:
        m.setattr(native, "source", lambda: edited)
        assert native.library_path(32) != base
    with monkeypatch.context() as m:
        m.setattr(native, "_FLAGS", (*native._FLAGS, "-g"))
        assert native.library_path(32) != base
    with monkeypatch.context() as m:
        m.setattr(native, "_cpu_signature", lambda: "another cpu")
        assert native.library_path(32) != base
    assert native.library_path(32) == base
