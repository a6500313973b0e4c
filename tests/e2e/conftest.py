"""Shared state of the end-to-end tests: one results directory for the whole session.

The files run in name order: ``test_1_notebooks.py`` executes the notebooks, which train on the
quick profile and write their runs into :func:`e2e_results_dir`; ``test_2_book.py`` then builds
the book with ``DEEPDIFF_RESULTS_DIR`` pointing at the same directory, so the book finds every run
(the result cache is keyed by configuration and data) instead of training again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: Set this to keep the end-to-end results between sessions (e.g. to rerun only the book test fast).
KEEP_RESULTS_ENV = "DEEPDIFF_TEST_RESULTS_DIR"
#: The data the end-to-end runs use. Simulated data need no network and no download, so the tests
#: behave the same offline and online; set ``DEEPDIFF_TEST_DATA`` (e.g. ``sample``) to change it.
E2E_DATA = os.environ.get("DEEPDIFF_TEST_DATA", "").strip() or "simulated"


@pytest.fixture(scope="session")
def e2e_results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The results directory shared by the notebook and book tests of this session.

    A fresh temporary folder, or ``$DEEPDIFF_TEST_RESULTS_DIR`` when set. The user's own
    ``DEEPDIFF_RESULTS_DIR`` is deliberately not used: tests never write into real results.
    """
    kept = os.environ.get(KEEP_RESULTS_ENV, "").strip()
    if kept:
        path = Path(kept).expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("e2e-results")


@pytest.fixture(scope="session")
def longer_training_run(
    e2e_results_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """The plateau check's longer run (:mod:`tests.e2e.plateau`), started in a process of its own as the first
    notebook starts: most notebooks keep one core busy, so it trains on the other. Yields the process and its log."""
    log = tmp_path_factory.mktemp("plateau") / "longer_run.log"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.plateau", str(e2e_results_dir)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    yield proc, log
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture
def e2e_env(
    e2e_results_dir: Path, longer_training_run: tuple[subprocess.Popen[bytes], Path]
) -> dict[str, str]:
    """Environment for a subprocess of an end-to-end test (a notebook run, a book build).

    The current environment (with the test's isolated ``DEEPDIFF_CACHE_DIR``) plus the shared
    results directory, the data of the end-to-end runs (``DEEPDIFF_DATA``, read by the notebooks
    when no ``data`` parameter is given) and a non-interactive matplotlib backend. The notebook
    runs and the book build must use the same data, or the book would not find the runs. The first test
    that asks for it starts :func:`longer_training_run` beside it.
    """
    env = dict(os.environ)
    env["DEEPDIFF_RESULTS_DIR"] = str(e2e_results_dir)
    env["DEEPDIFF_DATA"] = E2E_DATA
    env["MPLBACKEND"] = "Agg"
    return env
