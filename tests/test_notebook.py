"""Notebook support: parameter checks that stop at once, and split checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff import notebook
from deepdiff.errors import ConfigError

GOOD = {
    "pair": "E003-E004",
    "data": "simulated",
    "profile": "quick",
    "seed": 0,
    "device": "cpu",
    "results_dir": None,
}


def test_validate_params_accepts_defaults(tmp_path: Path) -> None:
    params = notebook.validate_params(**{**GOOD, "results_dir": str(tmp_path)}, variant="raw_c")
    assert params.pair == "E003-E004" and params.device == "cpu" and params.results_dir == tmp_path.resolve()
    assert "variant raw_c" in params.describe()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pair": "E999-E004"}, "unknown cell E999"),
        ({"pair": "E003"}, "malformed pair"),
        ({"pair": "E003-E004", "data": "sample"}, "authors' sample"),
        ({"data": "internet"}, "data='internet' is unknown"),
        ({"profile": "huge"}, "profile='huge' is unknown"),
        ({"variant": "raw_x"}, "variant='raw_x' is unknown"),
        ({"seed": -1}, "seed=-1"),
        ({"device": "tpu"}, "device"),
        ({"data": "local"}, "needs data_dir"),
    ],
)
def test_validate_params_rejects_bad_values(change: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        notebook.validate_params(**{**GOOD, **change})


def test_auto_follows_the_book_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(notebook.DATA_ENV, "simulated")
    assert notebook.validate_params(**{**GOOD, "data": "auto"}).data == "simulated"
    monkeypatch.setenv(notebook.DATA_ENV, "bogus")
    with pytest.raises(ConfigError, match="bogus"):
        notebook.validate_params(**{**GOOD, "data": "auto"})


def test_check_pairs_and_methods() -> None:
    assert notebook.check_pairs(["E003-E004", "E003-E004", "E123-E116"]) == ["E003-E004", "E123-E116"]
    assert notebook.validate_methods(None, ["a", "b"]) == ["a", "b"]
    assert notebook.validate_methods("a", ["a", "b"]) == ["a"]
    with pytest.raises(ConfigError, match="'c'"):
        notebook.validate_methods(["c"], ["a", "b"])
