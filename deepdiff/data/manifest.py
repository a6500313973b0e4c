"""The manifest of the authors' data files: paths and git blob SHA-1s at the pinned commit.

``remc_manifest.tsv`` (shipped with the package) lists every file under ``data/`` of
``QData/DeepDiffChrome`` at :data:`deepdiff.constants.REMC_COMMIT`, as ``git ls-tree -l`` printed it.
Sizes read ``BAD`` where the listing was made from a clone without those blobs; they are stored as
``None`` (unknown), and downloads are verified by checksum alone.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from deepdiff.constants import SAMPLE_CELLS
from deepdiff.data.layout import EXPRESSION_ROLE, FILE_ROLES, cell_file, cell_of
from deepdiff.errors import DataError

#: Where the per-cell files of the full data live inside the authors' repository.
REMC_DATA_DIR = "data/ProcessedData"
#: Where the sample files (``Cell1.*``, ``Cell2.*``) live.
SAMPLE_DATA_DIR = "data"
#: The file whose answer tells that the server of the authors' files is reachable.
PROBE_FILE = f"{SAMPLE_DATA_DIR}/{cell_file(SAMPLE_CELLS['E123'], EXPRESSION_ROLE)}"

_SHA1_RE = re.compile(r"^[0-9a-f]{40}$")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ManifestEntry:
    """One file of the authors' repository.

    Attributes
    ----------
    path : str
        Path inside the repository, e.g. ``data/ProcessedData/E003.train.csv``.
    sha1 : str
        Git blob SHA-1 of the file (40 hex digits).
    size : int or None
        Size in bytes, or None where the manifest does not know it.
    """

    path: str
    sha1: str
    size: int | None


def git_blob_sha1(data: bytes | bytearray | memoryview) -> str:
    """Git's blob id of ``data``: ``sha1(b"blob <len>\\0" + data)``, hex."""
    view = memoryview(data)
    digest = hashlib.sha1(b"blob %d\0" % view.nbytes)
    digest.update(view)
    return digest.hexdigest()


def file_git_sha1(path: str | os.PathLike[str]) -> str:
    """Git blob SHA-1 of a file on disk, read in chunks."""
    path = Path(path)
    digest = hashlib.sha1(b"blob %d\0" % path.stat().st_size)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def packaged_manifest_path() -> Path:
    """The manifest shipped inside the package."""
    return Path(str(resources.files("deepdiff.data").joinpath("remc_manifest.tsv")))


def parse_manifest(text: str, source: str = "remc_manifest.tsv") -> dict[str, ManifestEntry]:
    """Parse the TSV text ``path, git_blob_sha1, size_bytes`` (with that header line).

    Raises
    ------
    DataError
        On a wrong header, a malformed line or a duplicated path (names ``source`` and the line).
    """
    lines = text.splitlines()
    expected = ["path", "git_blob_sha1", "size_bytes"]
    if not lines or lines[0].split("\t") != expected:
        raise DataError(f"{source}, line 1: expected the tab-separated header {' '.join(expected)!r}")
    entries: dict[str, ManifestEntry] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not _SHA1_RE.match(fields[1]):
            raise DataError(f"{source}, line {number}: expected 'path<TAB>sha1<TAB>size', got {line!r}")
        path, sha1, size = fields
        if path in entries:
            raise DataError(f"{source}, line {number}: path {path!r} is listed twice")
        entries[path] = ManifestEntry(path, sha1, int(size) if size.isdigit() else None)
    return entries


def load_manifest(path: str | os.PathLike[str] | None = None) -> dict[str, ManifestEntry]:
    """Read a manifest file (default: the packaged one) into ``{path: entry}``."""
    path = packaged_manifest_path() if path is None else Path(path)
    return parse_manifest(path.read_text(encoding="utf-8"), source=str(path))


def remc_cells(manifest: Mapping[str, ManifestEntry]) -> list[str]:
    """Cells with all four files (three splits and expression) in the full data."""
    cells = {cell_of(Path(p).name) for p in manifest if p.startswith(REMC_DATA_DIR + "/")}
    return sorted(
        c for c in cells if all(f"{REMC_DATA_DIR}/{cell_file(c, r)}" in manifest for r in FILE_ROLES)
    )


def cell_entries(
    cell: str, source: str, manifest: Mapping[str, ManifestEntry] | None = None
) -> dict[str, ManifestEntry]:
    """The manifest entries of one cell's four files, keyed by role (``train``, ..., ``expr``).

    Parameters
    ----------
    cell : str
        REMC epigenome id, e.g. ``"E003"``.
    source : {"remc", "sample"}
        ``remc``: ``data/ProcessedData/{cell}.*``; ``sample``: the authors' ``data/Cell1.*`` (E123)
        or ``data/Cell2.*`` (E003).
    manifest : mapping, optional
        Defaults to the packaged manifest.

    Raises
    ------
    DataError
        When the cell has no files in that source; the message lists the cells it has.
    """
    manifest = load_manifest() if manifest is None else manifest
    if source == "remc":
        available = remc_cells(manifest)
        if cell not in available:
            raise DataError(
                f"cell {cell!r} has no files in the REMC data ({REMC_DATA_DIR}/ at the pinned commit); "
                f"available cells: {', '.join(available)}. For other cells use source='local'."
            )
        folder, name = REMC_DATA_DIR, cell
    elif source == "sample":
        if cell not in SAMPLE_CELLS:
            names = ", ".join(f"{c} ({n})" for c, n in SAMPLE_CELLS.items())
            raise DataError(
                f"cell {cell!r} is not in the authors' sample, which holds only {names}; "
                "use one of those, or source='remc' for the full data"
            )
        folder, name = SAMPLE_DATA_DIR, SAMPLE_CELLS[cell]
    else:
        raise ValueError(f"manifest sources are 'remc' and 'sample', not {source!r}")
    return {role: manifest[f"{folder}/{cell_file(name, role)}"] for role in FILE_ROLES}
