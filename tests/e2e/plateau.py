"""The training chapter's default run, and the same run with three times its epochs: the plateau check's pair.

``python -m tests.e2e.plateau RESULTS_DIR`` trains the longer run; the end-to-end session starts it beside the
notebooks (:func:`tests.e2e.conftest.longer_training_run`), on the core they leave idle.
"""

from __future__ import annotations

import sys
from pathlib import Path

from deepdiff import methods
from deepdiff.report.notebook import DATA_SEED, SIMULATED_GENES
from deepdiff.results.store import RunResult
from deepdiff.simulate import simulate_pair
from deepdiff.training.config import PROFILES

#: The longer run has this many times the book profile's epochs.
LONGER = 3


def chapter_run(results_dir: Path, epochs_factor: int = 1) -> RunResult:
    """Raw:c on the chapter's simulated pair with the book profile (times ``epochs_factor`` its epochs)."""
    data = simulate_pair("E003-E004", n_genes=SIMULATED_GENES, seed=DATA_SEED)
    options = methods.RunOptions(results_dir=results_dir, device="cpu", progress=False)
    overrides = None if epochs_factor == 1 else {"max_epochs": epochs_factor * PROFILES["book"].max_epochs}
    return methods.run_method(data, "raw_c", profile="book", seed=0, options=options, overrides=overrides)


if __name__ == "__main__":
    chapter_run(Path(sys.argv[1]), LONGER)
