"""The real data sources: the authors' files (downloaded, verified, cached) and the user's own.

========== ====================================================================================
source     what
========== ====================================================================================
remc       the authors' full data (``data/ProcessedData/{cell}.*`` at the pinned commit),
           downloaded, verified by git blob SHA-1 and cached; only the pair's two cells
sample     the authors' small real pair (``data/Cell1.*`` = E123, ``data/Cell2.*`` = E003),
           fetched the same way; pairs ``E123-E003`` or ``E003-E123``
local      a directory with ``{cell}.{train,valid,test}.csv`` and ``{cell}.expr.csv``
simulated  not here: :mod:`deepdiff.simulate`; :func:`deepdiff.sources.loading.load_pair` dispatches
auto       ``remc`` when it is cached or reachable, else ``simulated`` (with a loud warning)
========== ====================================================================================

The data checksum of a real pair is the SHA-256 over the sorted lines ``<role> <git blob SHA-1>``,
one per file used, where the role is ``A.train.csv``, ..., ``B.expr.csv``: the same bytes in the
same roles give the same checksum whichever source delivered them (the sample fetched by
``sample`` and the same files read by ``local`` agree), and swapping the cells changes it. The
files are read, and the checksum computed, by :mod:`deepdiff.data.cell_reader`, as for the cells
to predict (:mod:`deepdiff.apply.cells`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from deepdiff._util.paths import display_path
from deepdiff.constants import REMC_COMMIT, SAMPLE_CELLS, SAMPLE_PAIR, SPLITS, SUBSET_MARK, check_data_source
from deepdiff.data.cache import default_cache_dir
from deepdiff.data.cell_reader import data_checksum, read_cell
from deepdiff.data.containers import PairData
from deepdiff.data.download import (
    DownloadPolicy,
    download_path,
    fetch_entries,
    file_url,
    probe,
    remc_base_url,
)
from deepdiff.data.layout import EXPRESSION_ROLE, FILE_ROLES, cell_file, cell_paths, cells_in
from deepdiff.data.manifest import PROBE_FILE, cell_entries, load_manifest
from deepdiff.data.pair import Pair
from deepdiff.data.remc_format import pair_split
from deepdiff.errors import ConfigError, DataError, check_choice

#: Real sources (files on disk or downloaded).
REAL_SOURCES: tuple[str, ...] = ("remc", "sample", "local")
#: Sources fetched from the authors' repository.
REMOTE_SOURCES: tuple[str, ...] = ("remc", "sample")
LABELS: Mapping[str, str] = {
    "remc": "real full REMC",
    "sample": "real sample (authors' E123/E003, 200 genes per split)",
}
#: Seconds the ``auto`` source waits for the REMC server before falling back.
PROBE_TIMEOUT = 3.0


class DataSourceWarning(UserWarning):
    """The data actually used differ from what was asked for (``auto`` fell back to simulated)."""


@dataclass(frozen=True)
class CellFiles:
    """The four files of one cell on local disk.

    Attributes
    ----------
    cell : str
    paths : mapping
        Role (``train``, ``valid``, ``test``, ``expr``) -> local path.
    urls : mapping
        Role -> URL it was downloaded from (empty for ``local``).
    """

    cell: str
    paths: Mapping[str, Path]
    urls: Mapping[str, str] = dataclasses.field(default_factory=dict)


# ----------------------------------------------------------------------------- locating files


def local_cell_files(data_dir: str | os.PathLike[str], cell: str) -> CellFiles:
    """The files of ``cell`` in ``data_dir``: ``{cell}.{train,valid,test,expr}.csv``.

    Raises
    ------
    DataError
        When the directory or some of the files are missing; names what is there.
    """
    data_dir = Path(data_dir).expanduser()
    if not data_dir.is_dir():
        raise DataError(f"data directory {data_dir} does not exist (source='local' reads CELL.*.csv from it)")
    paths = cell_paths(data_dir, cell)
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        found = cells_in(data_dir, EXPRESSION_ROLE)
        raise DataError(
            f"cell {cell!r} has no files in {data_dir}: missing {', '.join(missing)}. Each cell needs "
            f"CELL.train.csv, CELL.valid.csv, CELL.test.csv and CELL.expr.csv; cells found there: "
            f"{', '.join(found) or 'none'}."
        )
    return CellFiles(cell=cell, paths=paths)


def remote_cell_files(
    cells: tuple[str, ...],
    source: str,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    base_url: str | None = None,
    progress: bool = True,
    policy: DownloadPolicy | None = None,
) -> list[CellFiles]:
    """Verified local copies of the files of ``cells`` from ``remc`` or ``sample`` (downloaded if needed)."""
    manifest = load_manifest()
    root = default_cache_dir(cache_dir)
    per_cell = [
        cell_entries(cell, source, manifest) for cell in cells
    ]  # all lookups fail before any download
    local = fetch_entries(
        [e for entries in per_cell for e in entries.values()],
        cache_dir=root,
        base_url=base_url,
        policy=policy,
        progress=progress,
    )
    return [
        CellFiles(
            cell=cell,
            paths={role: local[e.path] for role, e in entries.items()},
            urls={role: file_url(e.path, base_url=base_url) for role, e in entries.items()},
        )
        for cell, entries in zip(cells, per_cell, strict=True)
    ]


def fetch_expression_files(
    cells: Sequence[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    base_url: str | None = None,
    progress: bool = True,
) -> dict[str, Path] | None:
    """Verified local copies of the REMC expression files of ``cells``; None when the server is unreachable."""
    if not probe(file_url(PROBE_FILE, base_url=base_url)):
        return None
    manifest = load_manifest()
    entries = {cell: cell_entries(cell, "remc", manifest)[EXPRESSION_ROLE] for cell in cells}
    local = fetch_entries(
        list(entries.values()), cache_dir=default_cache_dir(cache_dir), base_url=base_url, progress=progress
    )
    return {cell: local[entry.path] for cell, entry in entries.items()}


def is_cached(
    pair: str | Pair, source: str = "remc", *, cache_dir: str | os.PathLike[str] | None = None
) -> bool:
    """True when every file of ``pair`` from ``source`` (remc or sample) is in the download cache."""
    pair = Pair.parse(pair)
    root = default_cache_dir(cache_dir)
    try:
        entries = [e for cell in (pair.cell_a, pair.cell_b) for e in cell_entries(cell, source).values()]
    except DataError:
        return False
    return all(download_path(root, e.path).is_file() for e in entries)


# ----------------------------------------------------------------------------- choosing a source


def resolve_source(
    source: str,
    pair: str | Pair | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    base_url: str | None = None,
    timeout: float = PROBE_TIMEOUT,
) -> str:
    """The concrete source for ``source``: itself, or for ``"auto"`` either ``"remc"`` or ``"simulated"``.

    ``auto`` is ``remc`` when the pair's files are already cached or the REMC server answers
    within ``timeout`` seconds; otherwise ``simulated``, with a :class:`DataSourceWarning`.

    Raises
    ------
    ConfigError
        For an unknown source.
    """
    check_data_source(source)
    if source != "auto":
        return source
    if pair is not None and is_cached(pair, "remc", cache_dir=cache_dir):
        return "remc"
    probe_url = file_url(PROBE_FILE, base_url=base_url)
    if probe(probe_url, timeout=timeout):
        return "remc"
    warnings.warn(
        f"DATA SOURCE FALLBACK: the REMC data server {remc_base_url(base_url)} did not answer within "
        f"{timeout:g} s, so source='auto' uses SIMULATED data, not the real REMC data. Results are "
        "labelled 'simulated'. To use the real data, fetch it by hand (deepdiff data fetch --help) "
        "or pass source='remc' once online.",
        DataSourceWarning,
        stacklevel=2,
    )
    return "simulated"


# ----------------------------------------------------------------------------- loading


def assemble_pair(
    pair: Pair,
    files_a: CellFiles,
    files_b: CellFiles,
    *,
    source: str,
    label: str,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    meta: Mapping[str, Any] | None = None,
) -> PairData:
    """Read and validate the eight files of a pair and build its :class:`PairData`."""
    from tqdm.auto import tqdm

    root = default_cache_dir(cache_dir)
    sides = (("A", files_a), ("B", files_b))
    with tqdm(total=2 * len(FILE_ROLES), desc=f"reading {pair}", unit="file", disable=not progress) as bar:
        read_a, read_b = (
            read_cell(
                {role: files.paths[role] for role in FILE_ROLES}, side, cache_dir=root, on_file=bar.update
            )
            for side, files in sides
        )
    assert read_a.expression is not None and read_b.expression is not None  # FILE_ROLES holds it
    splits = {
        split: pair_split(
            read_a.marks[split],
            read_b.marks[split],
            read_a.expression,
            read_b.expression,
            paths=(
                files_a.paths[split],
                files_b.paths[split],
                files_a.paths[EXPRESSION_ROLE],
                files_b.paths[EXPRESSION_ROLE],
            ),
        )
        for split in SPLITS
    }
    checksums = {**read_a.checksums, **read_b.checksums}
    files_meta = {
        cell_file(side, role): str(files.paths[role]) for side, files in sides for role in FILE_ROLES
    }
    urls = {cell_file(side, role): files.urls[role] for side, files in sides for role in files.urls}
    return PairData(
        pair=pair,
        train=splits["train"],
        valid=splits["valid"],
        test=splits["test"],
        source=source,
        label=label,
        checksum=data_checksum(checksums),
        meta={"files": files_meta, "urls": urls, "file_sha1": checksums, **(meta or {})},
    )


def subset_genes(data: PairData, n_genes: int, seed: int = 0) -> PairData:
    """A random subset of about ``n_genes`` genes in all, split sizes kept in proportion.

    Genes keep their file order; the label and the checksum say that it is a subset.
    """
    total = sum(len(data.split(s)) for s in SPLITS)
    if n_genes <= 0:
        raise ConfigError(f"n_genes must be positive, got {n_genes}")
    if n_genes >= total:
        return data
    rng = np.random.default_rng(seed)
    parts = {}
    for name in SPLITS:
        split = data.split(name)
        keep = max(1, round(n_genes * len(split) / total))
        parts[name] = split.subset(np.sort(rng.choice(len(split), size=keep, replace=False)))
    kept = sum(len(p) for p in parts.values())
    return dataclasses.replace(
        data,
        **parts,
        label=f"{data.label}, {SUBSET_MARK} {kept} genes (seed {seed})",
        checksum=hashlib.sha256(f"{data.checksum} subset n={n_genes} seed={seed}".encode()).hexdigest(),
        meta={**data.meta, "subset": {"n_genes": n_genes, "seed": seed, "kept": kept}},
    )


def load_sample_folder(
    directory: str | os.PathLike[str],
    pair: str | Pair = SAMPLE_PAIR,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool = False,
) -> PairData:
    """The authors' sample from a folder in its own layout (``Cell1.*`` = E123, ``Cell2.*`` = E003).

    For a copy of the sample made on another machine (the files of ``data/`` in the authors'
    repository). The same bytes give the same data checksum as the downloaded sample, so runs of
    the two are the same runs.

    Raises
    ------
    DataError
        When the folder or one of its eight files is missing, or a file is malformed.
    """
    pair = check_sample_pair(Pair.parse(pair))
    folder = Path(directory).expanduser()
    files = []
    for cell in (pair.cell_a, pair.cell_b):
        paths = cell_paths(folder, SAMPLE_CELLS[cell])
        missing = [p.name for p in paths.values() if not p.is_file()]
        if missing:
            raise DataError(
                f"{folder} is not a copy of the authors' sample: missing {', '.join(missing)} (expected "
                "Cell1.* = E123 and Cell2.* = E003, each .train/.valid/.test/.expr.csv; see deepdiff data fetch --help)"
            )
        files.append(CellFiles(cell=cell, paths=paths))
    return assemble_pair(
        pair,
        files[0],
        files[1],
        source="sample",
        label=LABELS["sample"],
        cache_dir=cache_dir,
        progress=progress,
        meta={"commit": REMC_COMMIT, "data_dir": str(folder.resolve())},
    )


def check_sample_pair(pair: Pair) -> Pair:
    """``pair`` itself when the authors' sample holds both its cells; a DataError otherwise."""
    if {pair.cell_a, pair.cell_b} != set(SAMPLE_CELLS):
        raise DataError(
            f"pair {pair} is not in the authors' sample, which holds only E123 (K562, file Cell1) and "
            "E003 (H1, file Cell2): use E123-E003 or E003-E123 (the order sets the sign of the LFC), "
            "or source='remc' for the other pairs"
        )
    return pair


def load_real_pair(
    pair: Pair,
    source: str,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    base_url: str | None = None,
    progress: bool = True,
) -> PairData:
    """Load one pair from a real source (``remc``, ``sample`` or ``local``).

    Raises
    ------
    DataError, DownloadError, ConfigError
        With messages that say what is wrong and what to do.
    """
    check_choice(source, REAL_SOURCES, "real data source")
    if data_dir is not None and source != "local":
        raise ConfigError(f"data_dir is only used with source='local' (got source={source!r})")
    if source == "local":
        if data_dir is None:
            raise ConfigError(
                "source='local' needs data_dir, the folder with CELL.{train,valid,test,expr}.csv"
            )
        files_a, files_b = (local_cell_files(data_dir, cell) for cell in (pair.cell_a, pair.cell_b))
        label = f"local: {display_path(data_dir)}"  # the full path is in meta
        meta: dict[str, Any] = {"data_dir": str(Path(data_dir).expanduser().resolve())}
    else:
        if source == "sample":
            check_sample_pair(pair)
        files_a, files_b = remote_cell_files(
            (pair.cell_a, pair.cell_b), source, cache_dir=cache_dir, base_url=base_url, progress=progress
        )
        label = LABELS[source]
        meta = {"commit": REMC_COMMIT, "base_url": remc_base_url(base_url)}
    return assemble_pair(
        pair, files_a, files_b, source=source, label=label, cache_dir=cache_dir, progress=progress, meta=meta
    )
