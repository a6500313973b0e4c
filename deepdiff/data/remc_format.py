"""The authors' REMC file format: a fast, vectorised reader with precise validation.

Split files (``{cell}.{train,valid,test}.csv``) have no header and one row per gene and bin::

    ENSG00000130749_ZC3H4_1,1,1,0,1,0        # ENSGID_SYMBOL_BIN, then 5 counts in MARKS order

with exactly 200 consecutive rows per gene, bins 1..200 in order. Expression files
(``{cell}.expr.csv``) have rows ``ENSGID,count``.

Reading has two paths. The fast path turns the ``_`` of each row id into ``,`` (so the pandas C
parser also splits the id into gene, symbol and bin; a symbol may itself contain ``_``), parses
gene ids as categoricals (no Python object per row) and checks the structure with array
operations. Whenever anything about a file is not exactly as expected, the careful path re-reads
it line by line: it is the reference definition of a valid file, and it either raises a
:class:`~deepdiff.errors.DataError` naming file, line, gene, what was expected and what to do, or
returns the parsed arrays (for files the fast path does not handle, e.g. with spaces in bins).

Counts must be whole, non-negative numbers (``3`` or ``3.0``); they are stored as uint16 when the
largest fits, else uint32. Expression values are parsed as float64.
"""

from __future__ import annotations

import csv
import io
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from deepdiff.constants import MARKS, N_BINS, N_MARKS
from deepdiff.data.containers import CellSplit, SplitData
from deepdiff.errors import DataError

#: Bump when parsing changes: it is part of the binary cache key.
READER_VERSION = 1
#: Comma-separated fields of a split row: the row id and one count per mark.
SPLIT_FIELDS = 1 + N_MARKS
_FAST_COLUMNS = 3 + N_MARKS  # gene, symbol, bin, counts — after "_" became ","
_FAST_DTYPES = {0: "category", 1: "category", 2: np.int64} | {3 + j: np.int64 for j in range(N_MARKS)}
_UNDERSCORE, _COMMA, _NEWLINE = ord("_"), ord(","), ord("\n")
_SEPARATOR_PATTERN = np.array([_UNDERSCORE, _UNDERSCORE] + [_COMMA] * N_MARKS, dtype=np.uint8)
_UINT16_MAX = int(np.iinfo(np.uint16).max)
_UINT32_MAX = int(np.iinfo(np.uint32).max)
_MISSING_WORDS = frozenset({"", "na", "nan", "null", "none"})
_ROW_FORMAT = "ENSGID_SYMBOL_BIN," + ",".join(MARKS)
_SPLIT_FIX = (
    f"Each row must read {_ROW_FORMAT} (no header), with 200 consecutive rows per gene, bins 1..200 in "
    "order; fix or regenerate the file (see the authors' data/ folder for examples)."
)


@dataclass(frozen=True)
class Expression:
    """One parsed ``{cell}.expr.csv``.

    Attributes
    ----------
    genes : ndarray of str, shape (n,)
        Gene ids, unique.
    values : ndarray of float64, shape (n,)
        Expression counts (non-negative).
    """

    genes: np.ndarray
    values: np.ndarray

    def lookup(
        self, genes: np.ndarray, *, expr_path: str | os.PathLike[str], split_path: str | os.PathLike[str]
    ) -> np.ndarray:
        """Expression values of ``genes`` (float64), in their order.

        Raises
        ------
        DataError
            When a gene of the split has no expression value; names the first such gene and its
            first line in the split file.
        """
        index = pd.Index(self.genes).get_indexer(genes)
        missing = np.flatnonzero(index < 0)
        if missing.size:
            first = int(missing[0])
            examples = ", ".join(str(g) for g in genes[missing[:5]])
            raise DataError(
                f"{split_path}, line {first * N_BINS + 1}, gene {genes[first]}: {missing.size} of "
                f"{len(genes)} genes of this split have no value in the expression file {expr_path} "
                f"(e.g. {examples}). Every gene of a split needs an expression value: use the "
                "expression file of the same cell and the same gene annotation."
            )
        return self.values[index]


# ----------------------------------------------------------------------------- helpers


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The content of ``path``; a missing or unreadable file is a :class:`DataError`."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except OSError as err:
        raise DataError(f"{path}: cannot read the file ({err.strerror or err})") from err


def _error(path: object, line: int | None, gene: str | None, problem: str, fix: str) -> DataError:
    where = str(path)
    if line is not None:
        where += f", line {line}"
    if gene:
        where += f", gene {gene}"
    return DataError(f"{where}: {problem}. {fix}")


def _decode_lines(data: bytes, path: object) -> list[str]:
    """Lines of ``data`` (UTF-8) without trailing blank lines; a blank line inside is an error."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise _error(path, line, None, "the bytes are not UTF-8 text", "Is this really a CSV file?") from None
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise _error(path, number, None, "empty line inside the file", "Remove the empty line.")
    return lines


def _check_not_empty(data: bytes, path: object, what: str) -> None:
    if not data.strip():
        raise DataError(
            f"{path}: the file is empty; expected {what}. The download or export was probably "
            "interrupted: fetch or write it again."
        )


def _parse_number(text: str) -> float | str:
    """A finite float, or a word saying what is wrong (``missing``, ``non-numeric``)."""
    stripped = text.strip()
    if stripped.lower() in _MISSING_WORDS:
        return "missing"
    if "_" in stripped:  # float() would accept "1_000"; the format does not
        return "non-numeric"
    try:
        value = float(stripped)
    except ValueError:
        return "non-numeric"
    return value if math.isfinite(value) else "non-numeric"


def _count_dtype(maximum: int, path: object) -> type[np.unsignedinteger]:
    if maximum <= _UINT16_MAX:
        return np.uint16
    if maximum <= _UINT32_MAX:
        return np.uint32
    raise _error(
        path,
        None,
        None,
        f"a count of {maximum} exceeds the largest supported value {_UINT32_MAX}",
        _SPLIT_FIX,
    )


# ----------------------------------------------------------------------------- split files


def parse_split(data: bytes, path: str | os.PathLike[str] = "<bytes>") -> CellSplit:
    """Parse the bytes of one split file (``path`` is only used in error messages).

    Returns
    -------
    CellSplit
        Genes in file order, counts of shape (genes, 5, 200), uint16 or uint32.

    Raises
    ------
    DataError
        Empty file, wrong column count, non-numeric, negative or missing counts, a gene
        without exactly 200 consecutive bins 1..200, a gene id appearing in two blocks.
    """
    _check_not_empty(data, path, f"rows {_ROW_FORMAT}")
    fast = _parse_split_fast(data)
    return fast if fast is not None else parse_split_careful(data, path)


def read_split(path: str | os.PathLike[str]) -> CellSplit:
    """Read and validate one split file (no caching; see :func:`deepdiff.data.cache.load_split`)."""
    return parse_split(read_bytes(path), path)


def _mark_id_separators(buffer: np.ndarray) -> int | None:
    """Turn the two ``_`` that cut each row id into gene, symbol and bin into ``,`` (in place).

    Returns the number of rows, or None when a row has not exactly five commas and at least two
    underscores before its first comma. In the common case every ``_`` is such a separator; when
    a symbol contains ``_`` (e.g. ``Y_RNA``) only the first and the last one of each id are.
    """
    underscores = buffer == _UNDERSCORE
    separators = buffer[underscores | (buffer == _COMMA)]
    width = _SEPARATOR_PATTERN.size
    if separators.size % width == 0 and (separators.reshape(-1, width) == _SEPARATOR_PATTERN).all():
        buffer[underscores] = _COMMA
        return separators.size // width
    positions = np.flatnonzero(underscores | (buffer == _COMMA) | (buffer == _NEWLINE))
    kinds = buffer[positions]
    newline = kinds == _NEWLINE
    line = np.cumsum(newline) - newline  # a newline belongs to the line it ends
    n_lines = int(newline.sum()) + int(buffer.size > 0 and buffer[-1] != _NEWLINE)
    comma = kinds == _COMMA
    if (np.bincount(line[comma], minlength=n_lines) != N_MARKS).any():
        return None
    commas_before = np.cumsum(comma) - comma - N_MARKS * line  # earlier commas in the same line
    in_id = (kinds == _UNDERSCORE) & (commas_before == 0)
    id_line = line[in_id]
    if (np.bincount(id_line, minlength=n_lines) < 2).any():
        return None
    first = np.r_[True, id_line[1:] != id_line[:-1]]
    last = np.r_[id_line[1:] != id_line[:-1], True]
    buffer[positions[in_id][first | last]] = _COMMA
    return n_lines


def _parse_split_fast(data: bytes) -> CellSplit | None:
    """Vectorised reader; None whenever the file is not exactly well-formed."""
    buffer = np.frombuffer(data, dtype=np.uint8).copy()
    expected_rows = _mark_id_separators(buffer)
    if expected_rows is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas warns about casts of values we then reject
            frame = pd.read_csv(
                io.BytesIO(buffer),
                header=None,
                dtype=_FAST_DTYPES,
                engine="c",
                na_filter=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_NONE,
            )
    except (ValueError, OverflowError, TypeError):  # pandas' ParserError is a ValueError
        return None
    n_rows = len(frame)
    if frame.shape[1] != _FAST_COLUMNS or n_rows != expected_rows or n_rows == 0 or n_rows % N_BINS:
        return None
    n_genes = n_rows // N_BINS
    gene_codes = frame[0].cat.codes.to_numpy().reshape(n_genes, N_BINS)
    symbol_codes = frame[1].cat.codes.to_numpy().reshape(n_genes, N_BINS)
    bins = frame[2].to_numpy().reshape(n_genes, N_BINS)
    if (
        (gene_codes != gene_codes[:, :1]).any()
        or (symbol_codes != symbol_codes[:, :1]).any()
        or (bins != np.arange(1, N_BINS + 1)).any()
        or np.unique(gene_codes[:, 0]).size != n_genes
    ):
        return None
    genes = np.asarray(frame[0].cat.categories, dtype=str)[gene_codes[:, 0]]
    if (np.char.strip(genes) == "").any():
        return None
    columns = [frame[3 + j].to_numpy() for j in range(N_MARKS)]
    if min(int(c.min()) for c in columns) < 0:
        return None
    maximum = max(int(c.max()) for c in columns)
    if maximum > _UINT32_MAX:
        return None
    counts = np.empty((n_genes, N_MARKS, N_BINS), dtype=_count_dtype(maximum, ""))
    for j, column in enumerate(columns):
        counts[:, j, :] = column.reshape(n_genes, N_BINS)
    symbols = np.asarray(frame[1].cat.categories, dtype=str)[symbol_codes[:, 0]]
    return CellSplit(genes=genes, symbols=symbols, counts=counts)


def _split_row_id(field: str, path: object, number: int) -> tuple[str, str, int]:
    gene, sep, rest = field.partition("_")
    symbol, sep2, bin_text = rest.rpartition("_")
    bin_value = _parse_number(bin_text)
    if not (sep and sep2 and gene.strip() and isinstance(bin_value, float) and bin_value.is_integer()):
        raise _error(
            path,
            number,
            gene or None,
            f"the first field {field!r} is not ENSGID_SYMBOL_BIN (e.g. ENSG00000130749_ZC3H4_1)",
            _SPLIT_FIX,
        )
    return gene, symbol, int(bin_value)


def _parse_counts(fields: Sequence[str], path: object, number: int, gene: str) -> list[int]:
    try:  # the common case, fast: plain non-negative integers
        counts = [int(text) for text in fields]
        if min(counts) >= 0:
            return counts
    except ValueError:
        pass
    counts = []
    for mark, text in zip(MARKS, fields, strict=True):
        value = _parse_number(text)
        problem = None
        if isinstance(value, str):
            problem = f"{value} count {text!r} for {mark}"
        elif value < 0:
            problem = f"negative count {text.strip()} for {mark}"
        elif not value.is_integer():
            problem = f"count {text.strip()} for {mark} is not a whole number"
        if problem is not None:
            hint = " (split files have no header line)" if number == 1 else ""
            raise _error(
                path, number, gene, f"{problem}; expected a non-negative whole read count{hint}", _SPLIT_FIX
            )
        counts.append(int(value))
    return counts


def _row_fields(line: str, path: object, number: int) -> list[str]:
    """The comma-separated fields of a row: its id and one count per mark."""
    fields = line.split(",")
    if len(fields) != SPLIT_FIELDS:
        raise _error(
            path,
            number,
            fields[0].partition("_")[0] or None,
            f"found {len(fields)} comma-separated fields, expected {SPLIT_FIELDS}",
            _SPLIT_FIX,
        )
    return fields


def _check_new_gene(
    path: object, number: int, gene: str, previous: str | None, next_bin: int, first_line: dict[str, int]
) -> None:
    """A gene may start at row ``number`` once the ``previous`` gene has all its bins, and only once per file."""
    if previous is not None and next_bin != N_BINS + 1:
        raise _error(
            path,
            number - 1,
            previous,
            f"the gene ends after {next_bin - 1} bins (its rows start at line {first_line[previous]}), "
            f"expected exactly {N_BINS} consecutive rows with bins 1..{N_BINS}",
            _SPLIT_FIX,
        )
    if gene in first_line:
        raise _error(
            path,
            number,
            gene,
            f"the gene appears a second time (its first rows start at line {first_line[gene]}); "
            "each gene must appear once per file",
            "Remove the duplicate rows.",
        )


def _check_bin(path: object, number: int, gene: str, bin_number: int, next_bin: int) -> None:
    """Row ``number`` must hold the gene's ``next_bin``-th bin, and a gene has no more than ``N_BINS``."""
    if bin_number != next_bin or next_bin > N_BINS:
        expected = (
            f"bin {next_bin}"
            if next_bin <= N_BINS
            else f"a new gene, because this gene already has {N_BINS} bins"
        )
        raise _error(
            path,
            number,
            gene,
            f"found bin {bin_number}, expected {expected} (bins 1..{N_BINS}, consecutive, once each)",
            _SPLIT_FIX,
        )


def parse_split_careful(data: bytes, path: str | os.PathLike[str] = "<bytes>") -> CellSplit:
    """Line-by-line reference reader: the definition of a valid split file.

    Slow (a Python loop over rows); :func:`parse_split` uses it only when the fast path rejects a
    file, to find and explain the problem.
    """
    _check_not_empty(data, path, f"rows {_ROW_FORMAT}")
    genes: list[str] = []
    symbols: list[str] = []
    flat: list[int] = []
    first_line: dict[str, int] = {}
    next_bin = 1
    for number, line in enumerate(_decode_lines(data, path), start=1):
        fields = _row_fields(line, path, number)
        gene, symbol, bin_number = _split_row_id(fields[0], path, number)
        if not genes or gene != genes[-1]:
            _check_new_gene(path, number, gene, genes[-1] if genes else None, next_bin, first_line)
            first_line[gene] = number
            genes.append(gene)
            symbols.append(symbol)
            next_bin = 1
        elif symbol != symbols[-1]:
            raise _error(
                path,
                number,
                gene,
                f"symbol {symbol!r} differs from {symbols[-1]!r} on the gene's first row (line {first_line[gene]})",
                _SPLIT_FIX,
            )
        _check_bin(path, number, gene, bin_number, next_bin)
        flat.extend(_parse_counts(fields[1:], path, number, gene))
        next_bin += 1
    if next_bin != N_BINS + 1:
        raise _error(
            path,
            len(flat) // N_MARKS,
            genes[-1],
            f"the file ends after {next_bin - 1} bins of the last gene (its rows start at line "
            f"{first_line[genes[-1]]}), expected {N_BINS}; the file may be truncated",
            _SPLIT_FIX,
        )
    array = np.asarray(flat, dtype=np.int64)
    dtype = _count_dtype(int(array.max()), path)
    counts = array.reshape(len(genes), N_BINS, N_MARKS).transpose(0, 2, 1).astype(dtype, order="C")
    return CellSplit(
        genes=np.asarray(genes, dtype=str), symbols=np.asarray(symbols, dtype=str), counts=counts
    )


# ----------------------------------------------------------------------------- expression files


def parse_expression(data: bytes, path: str | os.PathLike[str] = "<bytes>") -> Expression:
    """Parse the bytes of one ``{cell}.expr.csv`` (rows ``ENSGID,count``, no header).

    Raises
    ------
    DataError
        Empty file, wrong column count, a missing, non-numeric or negative value, a duplicated gene.
    """
    _check_not_empty(data, path, "rows ENSGID,count")
    fast = _parse_expression_fast(data)
    return fast if fast is not None else parse_expression_careful(data, path)


def _parse_expression_fast(data: bytes) -> Expression | None:
    """Vectorised reader; None whenever the file is not exactly well-formed."""
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            header=None,
            dtype={0: str, 1: np.float64},
            engine="c",
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_NONE,
        )
    except (ValueError, OverflowError, TypeError):
        return None
    if frame.shape[1] != 2 or len(frame) == 0:
        return None
    genes = frame[0].to_numpy(dtype=str)
    values = frame[1].to_numpy(dtype=np.float64)
    if (
        not np.isfinite(values).all()
        or (values < 0).any()
        or (np.char.strip(genes) == "").any()
        or pd.Index(genes).has_duplicates
    ):
        return None
    return Expression(genes=genes, values=values)


def read_expression(path: str | os.PathLike[str]) -> Expression:
    """Read and validate one expression file."""
    return parse_expression(read_bytes(path), path)


def parse_expression_careful(data: bytes, path: str | os.PathLike[str] = "<bytes>") -> Expression:
    """Line-by-line reference reader of expression files (see :func:`parse_split_careful`)."""
    _check_not_empty(data, path, "rows ENSGID,count")
    fix = "Each row must read ENSGID,count (no header), one row per gene."
    first_line: dict[str, int] = {}
    values: list[float] = []
    for number, line in enumerate(_decode_lines(data, path), start=1):
        fields = line.split(",")
        gene = fields[0]  # not stripped: ids must match the split files byte for byte
        if len(fields) != 2:
            raise _error(
                path, number, gene or None, f"found {len(fields)} comma-separated fields, expected 2", fix
            )
        if not gene.strip():
            raise _error(path, number, None, "the gene id is empty", fix)
        value = _parse_number(fields[1])
        if isinstance(value, str) or value < 0:
            kind = value if isinstance(value, str) else "negative"
            hint = " (expression files have no header line)" if number == 1 else ""
            raise _error(
                path,
                number,
                gene,
                f"{kind} expression value {fields[1].strip()!r}; expected a non-negative number{hint}",
                fix,
            )
        if gene in first_line:
            raise _error(
                path, number, gene, f"the gene is listed twice (first at line {first_line[gene]})", fix
            )
        first_line[gene] = number
        values.append(value)
    return Expression(
        genes=np.asarray(list(first_line), dtype=str), values=np.asarray(values, dtype=np.float64)
    )


# ----------------------------------------------------------------------------- pairing


def pair_split(
    a: CellSplit,
    b: CellSplit,
    expr_a: Expression,
    expr_b: Expression,
    *,
    paths: tuple[
        str | os.PathLike[str], str | os.PathLike[str], str | os.PathLike[str], str | os.PathLike[str]
    ],
) -> SplitData:
    """Put one split of cell A and cell B side by side, with both cells' expression.

    The two cells must list the same genes in the same order (the authors' files do, and their
    code asserts it row by row); genes are not silently re-aligned, because a different order
    usually means the files come from different gene annotations or splits.

    Parameters
    ----------
    a, b : CellSplit
        The same split of cell A and of cell B.
    expr_a, expr_b : Expression
    paths : tuple of 4 paths
        Split file of A, split file of B, expression file of A, expression file of B (for messages).

    Raises
    ------
    DataError
        Genes differ between the two cells, or a gene has no expression value.
    """
    path_a, path_b, expr_path_a, expr_path_b = paths
    if len(a.genes) != len(b.genes) or (a.genes != b.genes).any():
        raise _gene_mismatch(a.genes, b.genes, path_a, path_b)
    return SplitData(
        genes=a.genes,
        x_a=a.counts,
        x_b=b.counts,
        expr_a=expr_a.lookup(a.genes, expr_path=expr_path_a, split_path=path_a),
        expr_b=expr_b.lookup(b.genes, expr_path=expr_path_b, split_path=path_b),
    )


def _gene_mismatch(genes_a: np.ndarray, genes_b: np.ndarray, path_a: object, path_b: object) -> DataError:
    n = min(len(genes_a), len(genes_b))
    differ = np.flatnonzero(genes_a[:n] != genes_b[:n])
    i = int(differ[0]) if differ.size else n  # n: one file is a prefix of the other
    line = i * N_BINS + 1
    gene_a = str(genes_a[i]) if i < len(genes_a) else "(end of file)"
    gene_b = str(genes_b[i]) if i < len(genes_b) else "(end of file)"
    if set(genes_a.tolist()) == set(genes_b.tolist()):
        detail = "the two files hold the same genes in a different order"
        fix = "Write both cells' files with the genes in the same order."
    else:
        only_a = len(set(genes_a.tolist()) - set(genes_b.tolist()))
        only_b = len(set(genes_b.tolist()) - set(genes_a.tolist()))
        detail = f"{only_a} genes are only in cell A's file and {only_b} only in cell B's"
        fix = "Both cells of a pair must come from the same split of the same gene list; regenerate them together."
    return DataError(
        f"{path_b}, line {line}: gene {gene_b}, but {path_a} has gene {gene_a} at line {line}; "
        f"{detail} ({len(genes_a)} vs {len(genes_b)} genes). The two cells of a pair must list the "
        f"same genes in the same order in each split. {fix}"
    )
