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


PLANTED = r"""
#include <stdio.h>
__attribute__((constructor)) static void planted(void) {
    FILE *f = fopen(MARKER, "w");
    if (f) { fputs("ran", f); fclose(f); }
}
int bilstm_hidden_size(void) { return HIDDEN; }
"""


def _plant(cc: str, target: Path, marker: Path, hidden: int, tmp_path: Path) -> None:
    """A library at ``target`` whose constructor writes ``marker`` when it is loaded."""
    source = tmp_path / "planted.c"
    source.write_text(PLANTED)
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = [f'-DMARKER="{marker}"', f"-DHIDDEN={hidden}", "-shared", "-fPIC"]
    subprocess.run([cc, *flags, str(source), "-o", str(target)], check=True, timeout=120)


@pytest.mark.parametrize("shared", [False, True])
def test_a_library_planted_in_the_cache_is_never_loaded(
    shared: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Only a kernel this installation compiled (its digest recorded beside it) is loaded; a cache
    that others may write is ignored with a warning."""
    cc = native.compiler()
    if cc is None:
        unavailable("no C compiler found (cc, gcc or clang): the models use the PyTorch recurrence")
    hidden = 8
    monkeypatch.setenv("DEEPDIFF_CACHE_DIR", str(tmp_path / "cache"))
    marker = tmp_path / "constructor-ran"
    target = native.library_path(hidden)
    _plant(cc, target, marker, hidden, tmp_path)
    if shared:
        target.parent.chmod(0o777)
    native._build.cache_clear()
    try:
        if shared:
            with pytest.warns(UserWarning, match=r"writable by other users.*ignored"):
                lib = native.kernel(hidden)
        else:
            lib = native.kernel(hidden)
    finally:
        native._build.cache_clear()
    assert not marker.exists(), "the planted library was loaded"
    assert lib is not None and lib.bilstm_hidden_size() == hidden  # the genuine kernel, built here
    if not shared:  # rebuilt in place, with its digest: found again without compiling
        native._build.cache_clear()
        with monkeypatch.context() as m:
            m.setattr(native.subprocess, "run", None)  # compiling again would fail
            assert native.kernel(hidden) is not None
        native._build.cache_clear()
