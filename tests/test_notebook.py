"""Notebook support: parameter checks that stop at once, split checks, real expression changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepdiff import notebook
from deepdiff.constants import PAPER_PAIRS
from deepdiff.errors import ConfigError, DataError

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
        ({"pair": "E003-E004", "data": "sample"}, "real sample"),
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


def test_real_pair_lfcs_from_the_expression_files(expression_dir: Path) -> None:
    real = notebook.real_pair_lfcs(expression_dir, PAPER_PAIRS, allow_download=False)
    assert real.source == "files" and set(real.lfc) == set(PAPER_PAIRS)
    assert (real.summary["genes"] > 15_000).all()
    # Cross-lineage pairs change more genes than closely related ones.
    assert real.summary.loc["E123-E003", "de_fraction"] > real.summary.loc["E037-E038", "de_fraction"]
    # The sign follows the pair's order.
    flipped = notebook.real_pair_lfcs(expression_dir, ["E003-E123"], allow_download=False)
    assert np.allclose(np.sort(-flipped.lfc["E003-E123"]), np.sort(real.lfc["E123-E003"]))


def test_real_pair_lfcs_reports_a_folder_without_the_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="lacks"):
        notebook.real_pair_lfcs(tmp_path, ["E003-E004"], allow_download=False)
