"""The learnability record: fitted settings, what they achieve, and that it reproduces on the real sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from deepdiff import methods
from deepdiff.data.manifest import git_blob_sha1
from deepdiff.errors import DataError
from deepdiff.report.learnability import method_pccs, sample_twin
from deepdiff.simulate import SimulationConfig
from deepdiff.simulate.learnability import (
    FITTED_SETTINGS,
    LEARNABILITY_METHODS,
    TOLERANCE,
    LearnabilityRecord,
    default_learnability,
    read_learnability,
)
from deepdiff.sources.real import load_sample_folder


def test_the_simulator_defaults_are_the_fitted_settings() -> None:
    record = default_learnability()
    config = SimulationConfig()
    assert set(record.settings) == set(FITTED_SETTINGS)
    for name, value in record.settings.items():
        assert getattr(config, name) == value, name


def test_the_record_chose_its_best_candidate_and_it_holds() -> None:
    record = default_learnability()
    real = {m: np.mean(v) for m, v in record.real.items()}

    def worst(sim: dict[str, list[float]]) -> float:
        return max(abs(np.mean(sim[m]) - real[m]) for m in LEARNABILITY_METHODS)

    assert record.candidates, "the record lists the candidates it chose from"
    best = min(record.candidates, key=lambda c: worst(c["simulated"]))
    assert {k: best["settings"][k] for k in FITTED_SETTINGS} == dict(record.settings)
    assert {m: list(v) for m, v in record.simulated.items()} == {
        m: list(v) for m, v in best["simulated"].items()
    }
    assert all(len(record.simulated[m]) == len(record.data_seeds) for m in LEARNABILITY_METHODS)
    assert record.holds(), record.gaps()
    assert all(abs(g) <= TOLERANCE for g in record.gaps().values())


def test_a_malformed_record_is_named(tmp_path: Path) -> None:
    path = tmp_path / "learnability.json"
    path.write_text(json.dumps({"settings": {}}))
    with pytest.raises(DataError, match=rf"{path}: malformed learnability record.*calibrate_learnability"):
        read_learnability(path)
    with pytest.raises(DataError, match="not found"):
        read_learnability(tmp_path / "missing.json")


def test_the_record_round_trips() -> None:
    record = default_learnability()
    again = LearnabilityRecord.from_json(json.loads(json.dumps(record.to_json())))
    assert again.settings == record.settings and again.gaps() == pytest.approx(record.gaps(), abs=1e-4)


@pytest.mark.slow
def test_the_record_reproduces_on_the_real_sample(sample_dir: Path, tmp_path: Path) -> None:
    """The first runs behind each recorded figure, run again: the same real sample, the same twin."""
    record = default_learnability()
    inputs = record.provenance["inputs"]
    for name, sha1 in inputs.items():
        assert git_blob_sha1((sample_dir / Path(name).name).read_bytes()) == sha1, (
            f"{name} is not the file the record used"
        )
    options = methods.RunOptions(results_dir=tmp_path, device="cpu", threads=1, progress=False)
    seed = record.real_seeds[0]
    real = method_pccs(load_sample_folder(sample_dir), seeds=(seed,), options=options)
    twin = method_pccs(sample_twin(record.data_seeds[0]), seeds=(record.run_seed,), options=options)
    for name in LEARNABILITY_METHODS:
        assert real[name][0] == pytest.approx(record.real[name][0], abs=0.01), name
        assert twin[name][0] == pytest.approx(record.simulated[name][0], abs=0.01), name
