"""Synthetic signal files with known counts, shared by the tests of ``deepdiff.prepare``."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest

from deepdiff.constants import MARKS
from deepdiff.prepare.annotation import Genes
from deepdiff.prepare.synthetic import (
    SyntheticFiles,
    SyntheticGenome,
    synthetic_genome,
    write_synthetic_files,
)
from deepdiff.prepare.windows import Windows, window_starts
from deepdiff.simulate import simulate_pair
from tests.needs import unavailable


def _missing_extras() -> list[str]:
    missing = []
    for module in ("pysam", "pyBigWig"):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    return missing


# The test modules here import pysam and pyBigWig at the top, so the check is made once, for the
# whole folder: skipped without them, a collection error in CI.
if _missing := _missing_extras():
    unavailable(
        f"{' and '.join(_missing)} not installed: the tests of deepdiff.prepare need the prepare extra "
        '(pip install "deepdiff-repro[prepare]")'
    )

#: Genes of the shared synthetic cells: enough for three non-empty splits.
N_GENES = 60


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> SyntheticFiles:
    """Four simulated cells: CELLA and CELLC as BAM files, CELLB and CELLD as bigWig files."""
    pairs = [
        simulate_pair("CELLA-CELLB", n_genes=N_GENES, seed=0),
        simulate_pair("CELLC-CELLD", n_genes=N_GENES, seed=1),
    ]
    return write_synthetic_files(pairs, tmp_path_factory.mktemp("synthetic"))


def windows_of(genes: Genes) -> Windows:
    """The windows of ``genes`` with the annotation's chromosome names."""
    return Windows(ids=genes.ids, chroms=genes.chroms, starts=window_starts(genes), strands=genes.strands)


def small_genome(n: int = 6, seed: int = 3) -> SyntheticGenome:
    """A few genes on one chromosome, both strands."""
    return synthetic_genome([f"ENSG{i:011d}" for i in range(n)], [f"G{i}" for i in range(n)], seed=seed)


def write_sheet(
    path: Path, files: dict[str, dict[str, Path]], label: dict[tuple[str, str], str] | None = None
) -> Path:
    """A sample sheet for ``files`` (cell -> mark -> path), with a sample_label column when given."""
    header = "cell\tmark\tpath" + ("\tsample_label" if label else "")
    rows = [
        f"{cell}\t{mark}\t{p}" + (f"\t{label[(cell, mark)]}" if label else "")
        for cell, marks in files.items()
        for mark, p in marks.items()
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def same_file_for_every_mark(cells: list[str], path: Path) -> dict[str, dict[str, Path]]:
    return {cell: dict.fromkeys(MARKS, path) for cell in cells}


def random_counts(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).poisson(2.0, size=(n, 200))
