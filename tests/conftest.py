"""Shared fixtures: the sandbox every test runs in, the real reference data, and its synthetic stand-in."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from deepdiff._util.paths import SHARED_DATA_ENV, shared_data_dir
from tests.needs import unavailable

ROOT = Path(__file__).resolve().parents[1]
#: What the project keeps beside itself (never copied into it): real data and the paper's text.
SHARED = ROOT.parent / "shared"

#: Where the real data is looked for: as the package does (:func:`deepdiff._util.paths.shared_data_dir`).
_WHERE = f"expected ../shared/data beside the project, or set {SHARED_DATA_ENV}"

# ----------------------------------------------------------------------------- the sandbox

#: Variables that send what the code and its libraries cache or configure into the sandbox, so that
#: no test writes into the user's home: the data and kernel cache, matplotlib's font cache, and what
#: a notebook's kernel creates (IPython's profile, Jupyter's connection files).
SANDBOXED_ENV: dict[str, str] = {
    "DEEPDIFF_CACHE_DIR": "cache",
    "MPLCONFIGDIR": "matplotlib",
    "IPYTHONDIR": "ipython",
    "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
}
_SANDBOX = pytest.StashKey[tuple[Path, dict[str, str | None]]]()


def pytest_configure(config: pytest.Config) -> None:
    """Point the caches at a temporary folder before collection (collecting ``tests/models``
    compiles the recurrence kernel into the cache)."""
    sandbox = Path(tempfile.mkdtemp(prefix="deepdiff-tests-"))
    saved = {name: os.environ.get(name) for name in SANDBOXED_ENV}
    for name, folder in SANDBOXED_ENV.items():
        os.environ[name] = str(sandbox / folder)
    config.stash[_SANDBOX] = (sandbox, saved)


def pytest_unconfigure(config: pytest.Config) -> None:
    sandbox, saved = config.stash[_SANDBOX]
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(sandbox, ignore_errors=True)


# ----------------------------------------------------------------------------- real data beside the project


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder with ``remc-sample/``, ``remc-expression/`` and ``remc-manifest.tsv``."""
    path = shared_data_dir()
    if path is None:
        unavailable(f"real reference data not found ({_WHERE})")
    if not (path / "remc-sample").is_dir():
        unavailable(f"real reference data not found: {path} has no remc-sample/ ({_WHERE})")
    return path


@pytest.fixture(scope="session")
def sample_dir(shared_data: Path) -> Path:
    """The authors' small real pair: Cell1 = E123 (K562), Cell2 = E003 (H1)."""
    return shared_data / "remc-sample"


@pytest.fixture(scope="session")
def expression_dir(shared_data: Path) -> Path:
    """Real expression files of all nine cells (``E*.expr.csv``)."""
    path = shared_data / "remc-expression"
    if not path.is_dir():
        unavailable(f"real reference data not found: {shared_data} has no remc-expression/ ({_WHERE})")
    return path


@pytest.fixture(scope="session")
def paper_text() -> str:
    """The text of the paper (extracted from its PDF), kept beside the project."""
    data = shared_data_dir()
    # Beside the real data (``paper/`` next to ``data/``), wherever that is; else in ../shared.
    folders = ([data.parent] if data is not None else []) + [SHARED]
    for folder in folders:
        path = folder / "paper" / "deepdiff-paper.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    unavailable(
        f"the paper's text not found at {' or '.join(str(f / 'paper') for f in dict.fromkeys(folders))} "
        "(expected ../shared/paper beside the project)"
    )


# ----------------------------------------------------------------------------- the sample, real or synthetic


@dataclass(frozen=True)
class SampleFiles:
    """A folder in the layout of the authors' sample: ``Cell1.*`` (E123) and ``Cell2.*`` (E003).

    Attributes
    ----------
    kind : {"synthetic", "real"}
        Written by the simulator in this session, or the authors' real sample in ``../shared``.
    directory : Path
    genes : dict
        Genes per split (the same for both cells).
    """

    kind: str
    directory: Path
    genes: dict[str, int]


@pytest.fixture(scope="session")
def synthetic_sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic stand-in for the authors' sample, written by the simulator (any clone has it)."""
    from tests.synthetic import write_synthetic_sample

    return write_synthetic_sample(tmp_path_factory.mktemp("synthetic-sample"))


@pytest.fixture(scope="session", params=["synthetic", "real"])
def sample_files(request: pytest.FixtureRequest, synthetic_sample_dir: Path) -> SampleFiles:
    """Each test that uses it runs twice: on the synthetic sample, and on the real one beside the project."""
    from tests.synthetic import genes_per_split

    if request.param == "real":
        directory = request.getfixturevalue("sample_dir")
    else:
        directory = synthetic_sample_dir
    return SampleFiles(request.param, directory, genes_per_split(directory))
