"""The learnability record: the simulator's link settings fitted to the real sample, and what they achieve.

A simulator can match every marginal statistic of the real data and still make the LFC much
harder to predict than it is in the real data, which is what every result of the paper is about.
So the settings of :class:`~deepdiff.simulate.SimulationConfig` that say how much of the LFC the
marks explain are fitted to a second target: a simulated *twin* of the authors' real sample
(E123-E003 with the sample's 200 / 200 / 200 genes) must be as learnable as the sample, i.e. give
the same test PCC to ridge regression, gradient boosting and DeepDiff Raw:c (profile ``quick``),
each within :data:`TOLERANCE`, averaged over data seeds.

``learnability.json`` (next to this module) is written by ``scripts/calibrate_learnability.py``:
the chosen settings, every test PCC behind the figures (real: one per run seed; simulated: one
per data seed), every candidate tried and where the inputs came from. This module only reads it;
the measurement itself lives in :mod:`deepdiff.report.learnability`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from deepdiff.errors import DataError
from deepdiff.simulate.calibration import packaged_file, read_json_file

LEARNABILITY_FILE = "learnability.json"
#: The settings of SimulationConfig fitted here, in a fixed order.
FITTED_SETTINGS: tuple[str, ...] = (
    "explained_fraction",
    "change_signal_fraction",
    "kernel_sd_scale",
    "mark_loading_scale",
)
#: The methods whose test PCC the twin must match, and by how much at most (mean over seeds).
LEARNABILITY_METHODS: tuple[str, ...] = ("ridge", "hgb", "raw_c")
TOLERANCE = 0.05
#: The budget of every run behind the record.
LEARNABILITY_PROFILE = "quick"


@dataclass(frozen=True)
class LearnabilityRecord:
    """What ``learnability.json`` holds.

    Attributes
    ----------
    settings : mapping
        The fitted SimulationConfig settings (:data:`FITTED_SETTINGS`).
    real, simulated : mapping
        Method -> test PCC of each run: on the real sample one per run seed (``real_seeds``), on
        the twins one per data seed (``data_seeds``, run seed ``run_seed``).
    candidates : list of dict
        Every setting tried: ``{"settings": ..., "simulated": {method: [PCC per data seed]}}``.
    provenance : mapping
        Script, date, inputs (git blob SHA-1 of the real files), profile, versions.
    """

    settings: Mapping[str, float]
    real: Mapping[str, list[float]]
    simulated: Mapping[str, list[float]]
    real_seeds: tuple[int, ...]
    data_seeds: tuple[int, ...]
    run_seed: int
    candidates: list[dict[str, Any]] = field(default_factory=list)
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def gaps(self) -> dict[str, float]:
        """Method -> mean simulated PCC minus mean real PCC."""
        return {m: float(np.mean(self.simulated[m]) - np.mean(self.real[m])) for m in self.real}

    def holds(self) -> bool:
        """Whether every method's gap is within :data:`TOLERANCE`."""
        return all(abs(g) <= TOLERANCE for g in self.gaps().values())

    def to_json(self) -> dict[str, Any]:
        return {
            "settings": dict(self.settings),
            "profile": LEARNABILITY_PROFILE,
            "real": {m: [round(v, 5) for v in vs] for m, vs in self.real.items()},
            "simulated": {m: [round(v, 5) for v in vs] for m, vs in self.simulated.items()},
            "real_seeds": list(self.real_seeds),
            "data_seeds": list(self.data_seeds),
            "run_seed": self.run_seed,
            "tolerance": TOLERANCE,
            "gaps": {m: round(g, 5) for m, g in self.gaps().items()},
            "candidates": self.candidates,
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any], where: str = "learnability record") -> LearnabilityRecord:
        try:
            settings = {k: float(obj["settings"][k]) for k in FITTED_SETTINGS}
            record = cls(
                settings=settings,
                real={m: [float(v) for v in obj["real"][m]] for m in LEARNABILITY_METHODS},
                simulated={m: [float(v) for v in obj["simulated"][m]] for m in LEARNABILITY_METHODS},
                real_seeds=tuple(int(s) for s in obj["real_seeds"]),
                data_seeds=tuple(int(s) for s in obj["data_seeds"]),
                run_seed=int(obj["run_seed"]),
                candidates=list(obj.get("candidates", [])),
                provenance=dict(obj.get("provenance", {})),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise DataError(
                f"{where}: malformed learnability record ({type(err).__name__}: {err}); "
                "regenerate it with scripts/calibrate_learnability.py"
            ) from err
        return record


def learnability_path() -> Path:
    """The embedded ``learnability.json``."""
    return packaged_file(LEARNABILITY_FILE)


def read_learnability(path: str | Path) -> LearnabilityRecord:
    """Read a learnability record; errors name the file and say how to regenerate it."""
    obj = read_json_file(path, "learnability record", "scripts/calibrate_learnability.py")
    return LearnabilityRecord.from_json(obj, where=str(path))


@cache
def default_learnability() -> LearnabilityRecord:
    """The embedded record (read once)."""
    return read_learnability(learnability_path())


def fitted_setting(name: str) -> float:
    """The fitted value of one of :data:`FITTED_SETTINGS` (the default of SimulationConfig)."""
    return default_learnability().settings[name]
