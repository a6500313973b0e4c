"""Synthetic stand-ins for the authors' files, written during the test session, so any clone has them.

The simulator writes a small pair E123-E003 in the authors' REMC file format
(:func:`deepdiff.simulate.write_remc_directory`), and its files are renamed as the authors' sample
names them (``Cell1`` = E123, ``Cell2`` = E003). The folder then stands in wherever the real sample
(``../shared/data/remc-sample``) is used: read as a ``local`` folder, or served on 127.0.0.1 with a
manifest of its checksums (``tests/data/conftest.py``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from deepdiff.constants import N_BINS, SAMPLE_CELLS, SAMPLE_PAIR, SPLITS
from deepdiff.data.layout import FILE_ROLES, cell_file
from deepdiff.data.manifest import ManifestEntry

#: Genes of the synthetic sample in all (about 65 / 15 / 40 per split): enough to train and
#: score a method, small enough to simulate, download and parse in well under a second.
SYNTHETIC_GENES = 120


def write_synthetic_sample(folder: Path, n_genes: int = SYNTHETIC_GENES, seed: int = 0) -> Path:
    """Write ``Cell1.{train,valid,test,expr}.csv`` and ``Cell2.*`` (simulated E123 and E003) into ``folder``."""
    from deepdiff.simulate import simulate_pair, write_remc_directory

    data = simulate_pair(SAMPLE_PAIR, n_genes=n_genes, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as staging:
        write_remc_directory(data, staging)
        for cell, name in SAMPLE_CELLS.items():
            for role in FILE_ROLES:
                os.replace(Path(staging) / cell_file(cell, role), folder / cell_file(name, role))
    return folder


def genes_per_split(folder: Path, name: str = "Cell1") -> dict[str, int]:
    """Genes in each split file of one cell (200 lines per gene)."""
    counts = {}
    for split in SPLITS:
        with (folder / cell_file(name, split)).open("rb") as handle:
            counts[split] = sum(1 for _ in handle) // N_BINS
    return counts


def manifest_text(entries: Mapping[str, ManifestEntry]) -> str:
    """A manifest file's text (the format of ``deepdiff/data/remc_manifest.tsv``)."""
    lines = ["path\tgit_blob_sha1\tsize_bytes"]
    for path in sorted(entries):
        entry = entries[path]
        lines.append(f"{entry.path}\t{entry.sha1}\t{'BAD' if entry.size is None else entry.size}")
    return "\n".join(lines) + "\n"
