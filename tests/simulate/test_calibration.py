"""calibration.json: structure, lookups with fallback, and errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from deepdiff.constants import CELLS, MARKS, N_BINS, PAPER_PAIRS, SAMPLE_CELLS
from deepdiff.errors import DataError
from deepdiff.simulate.calibration import (
    DEFAULT,
    Calibration,
    calibration_path,
    default_calibration,
    pair_key,
    read_calibration,
)
from deepdiff.simulate.mechanism import EXPRESSION_LEVELS


def test_embedded_file_is_small_and_complete() -> None:
    path = calibration_path()
    assert path.is_file() and path.stat().st_size < 400_000  # summaries, not data
    cal = default_calibration()
    assert set(cal.expression) == {*CELLS, DEFAULT}
    assert all(
        q.shape == EXPRESSION_LEVELS.shape and (np.diff(q) >= 0).all() for q in cal.expression.values()
    )
    assert all(pair_key(p) in cal.changes for p in PAPER_PAIRS)
    assert len(cal.changes) == 36 + 1  # every unordered pair of the nine cells, and the default
    assert set(cal.marks) == {*SAMPLE_CELLS, DEFAULT}
    for model in cal.marks.values():
        assert model.log_baseline.shape == (len(MARKS), N_BINS)
        assert model.amplitude[MARKS.index("H3K9me3")] == 0.0
    assert cal.provenance["written_by"] == "scripts/calibrate_simulator.py"


def test_lookups_fall_back_to_the_default() -> None:
    cal = default_calibration()
    assert cal.change("E004-E003") is cal.change("E003-E004")
    assert cal.change("E003-CELLZ").source.startswith("default")
    assert cal.mark_model("E003").source.startswith("E003")
    assert cal.mark_model("E004").source.startswith("default")
    assert cal.expression_quantiles("CELLZ")[1] == DEFAULT


def test_json_round_trip() -> None:
    cal = default_calibration()
    again = Calibration.from_json(json.loads(json.dumps(cal.to_json())))
    assert again.changes.keys() == cal.changes.keys()
    np.testing.assert_allclose(again.marks["E003"].log_baseline, cal.marks["E003"].log_baseline, rtol=1e-4)


def test_bad_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        read_calibration(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(DataError, match="cannot read"):
        read_calibration(tmp_path / "broken.json")
    obj = default_calibration().to_json()
    del obj["changes"][DEFAULT]
    (tmp_path / "nodefault.json").write_text(json.dumps(obj))
    with pytest.raises(DataError, match="no 'default' entry"):
        read_calibration(tmp_path / "nodefault.json")
    obj = default_calibration().to_json()
    del obj["gene_effects"]
    (tmp_path / "partial.json").write_text(json.dumps(obj))
    with pytest.raises(DataError, match="malformed"):
        read_calibration(tmp_path / "partial.json")
