"""Shared fixtures: where the real reference data lives, and how tests skip without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Real data from the authors' repository, kept beside the project (never copied into it).
SHARED_DATA = Path(os.environ.get("DEEPDIFF_SHARED_DATA", ROOT.parent / "shared" / "data"))

_MISSING = (
    f"real reference data not found at {SHARED_DATA} (expected ../shared/data beside the "
    "project, or set DEEPDIFF_SHARED_DATA); tests on real files are skipped"
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder with ``remc-sample/``, ``remc-expression/`` and ``remc-manifest.tsv``."""
    if not (SHARED_DATA / "remc-sample").is_dir():
        pytest.skip(_MISSING)
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_dir(shared_data: Path) -> Path:
    """The authors' small real pair: Cell1 = E123 (K562), Cell2 = E003 (H1)."""
    return shared_data / "remc-sample"


@pytest.fixture(scope="session")
def expression_dir(shared_data: Path) -> Path:
    """Real expression files of all nine cells (``E*.expr.csv``)."""
    path = shared_data / "remc-expression"
    if not path.is_dir():
        pytest.skip(_MISSING)
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real cache directory from a test."""
    monkeypatch.setenv("DEEPDIFF_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
