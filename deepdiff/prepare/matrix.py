"""The matrix that deepTools ``computeMatrix reference-point`` writes, as an alternative input.

Many users already have one: ``computeMatrix reference-point --referencePoint TSS -b 10000 -a 10000
--binSize 100 -R genes.bed -S signal.bw -o matrix.mat.gz``. Its first line is ``@`` and a JSON
header; every further line is one region (chrom, start, end, name, score, strand), then the bins
of each sample, upstream first on either strand (deepTools turns ``-`` regions around). Rows are
matched to the annotation's genes by ``name`` (versions removed, as for the annotation): run
computeMatrix on a BED whose name column is the gene id (``deepdiff prepare`` writes the
``tss.bed`` of the genes it kept). The header must say reference point TSS, 10,000 bp up- and
downstream, bins of 100 bp. A bin's value is deepTools' per-bin value times the bin size when the
bins were averaged (``--averageTypeBins mean``, the default: the mean per base times 100 bases is
the signal summed over the bin, as for a bigWig), or the value itself with ``sum``; missing values
(``nan``) count as zero; the result is rounded to a whole number.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from deepdiff.constants import BIN_SIZE_BP, N_BINS
from deepdiff.errors import DataError
from deepdiff.prepare.annotation import gene_id
from deepdiff.prepare.windows import HALF_WINDOW_BP, Windows

_REGION_COLUMNS = 6
_FIX = (
    f"Make it with computeMatrix reference-point --referencePoint TSS -b {HALF_WINDOW_BP} -a {HALF_WINDOW_BP} "
    f"--binSize {BIN_SIZE_BP}."
)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return data.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: cannot read the deepTools matrix ({err}); is the file complete?") from None


def _per_sample(header: dict[str, Any], key: str, sample: int) -> Any:
    value = header.get(key)
    return value[sample] if isinstance(value, list) else value


def _check_header(path: Path, header: dict[str, Any], sample: int) -> float:
    """The factor that turns the matrix's values into sums over a bin; DataError on another layout."""
    wanted = {
        "ref point": "TSS",
        "upstream": HALF_WINDOW_BP,
        "downstream": HALF_WINDOW_BP,
        "bin size": BIN_SIZE_BP,
        "body": 0,
    }
    for key, expected in wanted.items():
        got = _per_sample(header, key, sample)
        if key == "body" and got is None:
            continue
        if got != expected:
            raise DataError(f"{path}: the matrix has {key} = {got!r}, expected {expected!r}. {_FIX}")
    average = header.get("bin avg type", "mean")
    if average == "mean":
        return float(BIN_SIZE_BP)
    if average == "sum":
        return 1.0
    raise DataError(f"{path}: bins averaged by {average!r}; use --averageTypeBins mean (the default) or sum")


def _sample_index(path: Path, labels: Sequence[str], label: str | None) -> int:
    if label is None:
        if len(labels) != 1:
            raise DataError(
                f"{path} holds {len(labels)} samples ({', '.join(labels)}); add a column sample_label to the "
                "sample sheet naming the sample of each row"
            )
        return 0
    if label not in labels:
        raise DataError(f"{path} has no sample {label!r}; its samples are {', '.join(labels)}")
    return list(labels).index(label)


def read_matrix(path: Path, windows: Windows, label: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The bins of every window's gene from a deepTools matrix, and which genes it holds.

    Returns
    -------
    (counts, found)
        ``counts`` (windows, 200) uint32, bin 1 = 10 kb upstream; ``found`` (windows,) bool, False
        for genes the matrix does not hold (their counts are zero).

    Raises
    ------
    DataError
        A header that is not the expected layout, a sample that cannot be chosen, a duplicate
        region name, a negative value, or a malformed row (naming the line).
    """
    text = _read_text(path)
    first, _, body = text.partition("\n")
    if not first.startswith("@"):
        raise DataError(
            f"{path} does not start with deepTools' '@{{...}}' header line; is it a computeMatrix output?"
        )
    try:
        header = json.loads(first[1:])
    except json.JSONDecodeError as err:
        raise DataError(f"{path}: the header line is not JSON ({err})") from None
    labels = header.get("sample_labels") or []
    sample = _sample_index(path, labels, label)
    factor = _check_header(path, header, sample)
    bounds = header.get("sample_boundaries") or [0, N_BINS * max(len(labels), 1)]
    low, high = int(bounds[sample]), int(bounds[sample + 1])
    if high - low != N_BINS:
        raise DataError(
            f"{path}: sample {labels[sample] if labels else 0} has {high - low} bins, expected {N_BINS}. {_FIX}"
        )
    if not body.strip():
        raise DataError(f"{path} holds a header but no regions: the matrix is empty; make it again")
    try:
        frame = pd.read_csv(
            io.StringIO(body), sep="\t", header=None, na_values=["nan", "NaN"], keep_default_na=False
        )
    except (ValueError, pd.errors.ParserError) as err:
        raise DataError(f"{path}: the rows are not tab-separated values ({err})") from None
    if frame.shape[1] < _REGION_COLUMNS + high:
        raise DataError(
            f"{path}: rows have {frame.shape[1]} columns, expected at least {_REGION_COLUMNS + high}"
        )
    names = [gene_id(str(n))[0] for n in frame[3]]
    index = pd.Index(names)
    if index.has_duplicates:
        name = index[index.duplicated()][0]
        lines = [i + 2 for i, n in enumerate(names) if n == name][:2]
        raise DataError(
            f"{path}, lines {lines[0]} and {lines[1]}: region {name} appears twice; one row per gene"
        )
    try:
        values = frame.iloc[:, _REGION_COLUMNS + low : _REGION_COLUMNS + high].to_numpy(dtype=np.float64)
    except ValueError as err:
        raise DataError(f"{path}: a value is not a number ({err})") from None
    values = np.nan_to_num(values, nan=0.0) * factor
    if (values < 0).any():
        row = int(np.flatnonzero((values < 0).any(axis=1))[0])
        raise DataError(
            f"{path}, line {row + 2}: negative value; DeepDiff reads counts or coverage, not log ratios"
        )
    position = index.get_indexer(windows.ids)
    found = position >= 0
    counts = np.zeros((len(windows), N_BINS), dtype=np.uint32)
    counts[found] = np.rint(values[position[found]])
    return counts, found
