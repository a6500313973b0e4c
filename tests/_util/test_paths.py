"""Default locations: environment first, then the source checkout, then the per-user directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff._util import paths
from tests.conftest import ROOT


def test_results_dir_env_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.RESULTS_ENV, str(tmp_path / "res"))
    assert paths.default_results_dir() == (tmp_path / "res").resolve()
    assert paths.resolve_results_dir(None) == (tmp_path / "res").resolve()
    assert paths.resolve_results_dir("") == (tmp_path / "res").resolve()


def test_results_dir_in_a_checkout_is_absolute_and_cwd_independent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(paths.RESULTS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert paths.source_root() == ROOT
    assert paths.default_results_dir() == ROOT / "results"
    assert paths.resolve_results_dir("rel").is_absolute()


def test_installed_package_uses_the_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.RESULTS_ENV, raising=False)
    monkeypatch.setattr(paths, "source_root", lambda: None)
    got = paths.default_results_dir()
    assert got.name == "results" and paths.APP_NAME in str(got)


def test_shared_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "remc-expression").mkdir()
    monkeypatch.setenv(paths.SHARED_DATA_ENV, str(tmp_path))
    assert paths.shared_data_dir() == tmp_path.resolve()
    assert paths.default_expression_dir() == (tmp_path / "remc-expression").resolve()
    monkeypatch.setenv(paths.SHARED_DATA_ENV, str(tmp_path / "missing"))
    monkeypatch.setattr(paths, "source_root", lambda: None)
    assert paths.shared_data_dir() is None and paths.default_expression_dir() is None


def test_display_path_shows_no_folder_of_the_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.RESULTS_ENV, raising=False)
    assert paths.display_path(ROOT / "results") == "results"
    assert paths.display_path(ROOT / "results" / "E003-E004") == "results/E003-E004"
    assert paths.display_path(tmp_path / "elsewhere") == "elsewhere"
    monkeypatch.setenv(paths.RESULTS_ENV, str(tmp_path / "res"))
    assert paths.display_path(tmp_path / "res") == "$DEEPDIFF_RESULTS_DIR"
    assert paths.display_path(tmp_path / "res" / "E003-E004" / "raw") == "$DEEPDIFF_RESULTS_DIR/E003-E004/raw"
    for shown in (paths.display_path(tmp_path / "res"), paths.display_path(tmp_path / "x")):
        assert str(tmp_path) not in shown
