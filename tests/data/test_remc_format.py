"""The REMC reader: parsed arrays, and one clear error per kind of bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepdiff.constants import N_BINS, N_MARKS
from deepdiff.data.remc_format import (
    _parse_expression_fast,
    _parse_split_fast,
    pair_split,
    parse_expression,
    parse_expression_careful,
    parse_split,
    parse_split_careful,
    read_expression,
    read_split,
)
from deepdiff.errors import DataError
from tests.conftest import SampleFiles

GENES = (("ENSG00000000001", "AAA"), ("ENSG00000000002", "BBB"), ("ENSG00000000003", "CCC"))


def split_lines(genes=GENES, scale: int = 1) -> list[str]:
    """A valid split file: count of gene g, mark m, bin b is ``scale * (g * 1000 + m * 200 + b)``."""
    return [
        f"{gene}_{symbol}_{b}," + ",".join(str(scale * (g * 1000 + m * 200 + b)) for m in range(N_MARKS))
        for g, (gene, symbol) in enumerate(genes)
        for b in range(1, N_BINS + 1)
    ]


def encode(lines: list[str], newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode()


def expected_counts(n_genes: int = len(GENES), scale: int = 1) -> np.ndarray:
    g, m, b = np.meshgrid(np.arange(n_genes), np.arange(N_MARKS), np.arange(1, N_BINS + 1), indexing="ij")
    return scale * (g * 1000 + m * 200 + b)


def line_of(gene_index: int, bin_number: int) -> int:
    return gene_index * N_BINS + bin_number


def test_parses_genes_symbols_and_counts() -> None:
    split = parse_split(encode(split_lines()), "x.csv")
    assert split.genes.tolist() == [g for g, _ in GENES]
    assert split.symbols.tolist() == [s for _, s in GENES]
    assert split.counts.dtype == np.uint16
    assert split.counts.shape == (3, N_MARKS, N_BINS)
    assert split.counts.flags.c_contiguous
    np.testing.assert_array_equal(split.counts, expected_counts())


def test_large_counts_use_uint32() -> None:
    split = parse_split(encode(split_lines(scale=100)), "x.csv")
    assert split.counts.dtype == np.uint32
    np.testing.assert_array_equal(split.counts, expected_counts(scale=100))


def test_windows_line_endings_and_integral_floats() -> None:
    lines = split_lines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",806.0"
    for data in (encode(lines, "\r\n"), encode(lines)):
        np.testing.assert_array_equal(parse_split(data, "x.csv").counts, expected_counts())


def test_symbols_with_underscores_or_empty() -> None:
    genes = (("ENSG00000000001", "Y_RNA"), ("ENSG00000000002", ""), ("ENSG00000000003", "5_8S_rRNA"))
    data = encode(split_lines(genes))
    fast = _parse_split_fast(data)
    assert fast is not None  # handled by the vectorised reader
    careful = parse_split_careful(data)
    for split in (fast, careful):
        assert split.genes.tolist() == [g for g, _ in genes]
        assert split.symbols.tolist() == ["Y_RNA", "", "5_8S_rRNA"]
        np.testing.assert_array_equal(split.counts, expected_counts(3))


def test_fast_and_careful_readers_agree_on_the_sample(sample_files: SampleFiles) -> None:
    for path in sorted(sample_files.directory.glob("Cell*.*.csv")):
        if path.name.endswith(".expr.csv"):
            continue
        data = path.read_bytes()
        fast = _parse_split_fast(data)
        assert fast is not None, f"the fast path rejected the {sample_files.kind} file {path.name}"
        careful = parse_split_careful(data, path)
        assert fast.counts.dtype == careful.counts.dtype
        np.testing.assert_array_equal(fast.genes, careful.genes)
        np.testing.assert_array_equal(fast.symbols, careful.symbols)
        np.testing.assert_array_equal(fast.counts, careful.counts)
        assert fast.counts.shape == (sample_files.genes[path.name.split(".")[1]], N_MARKS, N_BINS)


def _replace(lines: list[str], index: int, text: str) -> list[str]:
    lines = list(lines)
    lines[index] = text
    return lines


def _set_field(lines: list[str], index: int, field: int, value: str) -> list[str]:
    fields = lines[index].split(",")
    fields[field] = value
    return _replace(lines, index, ",".join(fields))


G2 = "ENSG00000000002"
BAD_SPLITS = {
    "wrong column count": (
        lambda ls: _replace(ls, 204, ls[204] + ",7"),
        [r"line 205", G2, "found 7 comma-separated fields, expected 6"],
    ),
    "too few columns": (
        lambda ls: _replace(ls, 204, ls[204].rsplit(",", 1)[0]),
        [r"line 205", G2, "found 5 comma-separated fields, expected 6"],
    ),
    "non-numeric": (
        lambda ls: _set_field(ls, 204, 3, "abc"),
        [r"line 205", G2, "non-numeric count 'abc' for H3K9me3"],
    ),
    "negative": (lambda ls: _set_field(ls, 204, 1, "-4"), [r"line 205", G2, "negative count -4 for H3K4me1"]),
    "missing": (lambda ls: _set_field(ls, 204, 5, ""), [r"line 205", G2, "missing count '' for H3K36me3"]),
    "missing NA": (lambda ls: _set_field(ls, 204, 2, "NA"), [r"line 205", "missing count 'NA' for H3K4me3"]),
    "not whole": (lambda ls: _set_field(ls, 204, 2, "1.5"), [r"line 205", "1.5 for H3K4me3 is not a whole"]),
    "header line": (
        lambda ls: ["gene,H3K4me1,H3K4me3,H3K9me3,H3K27me3,H3K36me3", *ls],
        ["line 1", "no header"],
    ),
    "missing bin": (
        lambda ls: ls[:256] + ls[257:],
        [r"line 257", G2, "found bin 58, expected bin 57"],
    ),
    "bins out of order": (
        lambda ls: [*ls[:210], ls[211], ls[210], *ls[212:]],
        [r"line 211", G2, "found bin 12, expected bin 11"],
    ),
    "gene ends early": (
        lambda ls: ls[:399] + ls[400:],
        [r"line 399", G2, "ends after 199 bins", "rows start at line 201"],
    ),
    "truncated file": (
        lambda ls: ls[:550],
        [r"line 550", "ENSG00000000003", "the file ends after 150 bins", "truncated"],
    ),
    "gene does not start at bin 1": (
        lambda ls: ls[:200] + ls[201:],
        [r"line 201", G2, "found bin 2, expected bin 1"],
    ),
    "gene with 201 rows": (
        lambda ls: [*ls[:400], ls[399].replace("_200,", "_201,"), *ls[400:]],
        [r"line 401", G2, "found bin 201", "already has 200 bins"],
    ),
    "duplicate gene": (
        lambda ls: ls + ls[:200],
        [r"line 601", "ENSG00000000001", "appears a second time", "start at line 1"],
    ),
    "symbol changes inside a gene": (
        lambda ls: _replace(ls, 205, ls[205].replace("_BBB_", "_XXX_")),
        [r"line 206", G2, "symbol 'XXX' differs"],
    ),
    "malformed row id": (
        lambda ls: _replace(ls, 0, ls[0].replace("ENSG00000000001_AAA_1", "ENSG00000000001-1")),
        [r"line 1", "is not ENSGID_SYMBOL_BIN"],
    ),
    "empty line inside": (lambda ls: [*ls[:10], "", *ls[10:]], [r"line 11", "empty line"]),
    "count too large": (
        lambda ls: _set_field(ls, 3, 1, str(2**33)),
        ["exceeds the largest supported value"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SPLITS))
def test_bad_split_files_raise_clear_errors(case: str) -> None:
    mutate, patterns = BAD_SPLITS[case]
    with pytest.raises(DataError) as info:
        parse_split(encode(mutate(split_lines())), "cells/E003.train.csv")
    message = str(info.value)
    assert message.startswith("cells/E003.train.csv")
    for pattern in patterns:
        assert pattern in message, f"{pattern!r} not in {message!r}"
    if case != "count too large":
        assert "fix or regenerate" in message or "Remove" in message


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"])
def test_empty_split_file(data: bytes) -> None:
    with pytest.raises(DataError, match=r"x\.csv: the file is empty.*fetch or write it again"):
        parse_split(data, "x.csv")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        read_split(tmp_path / "none.csv")


def test_trailing_blank_lines_are_ignored() -> None:
    split = parse_split(encode(split_lines()) + b"\n\n", "x.csv")
    np.testing.assert_array_equal(split.counts, expected_counts())


# ----------------------------------------------------------------------------- expression


def test_expression_file(tmp_path: Path) -> None:
    path = tmp_path / "E003.expr.csv"
    path.write_text("ENSG1,3\nENSG2,0\nENSG3,12.5\n")
    expr = read_expression(path)
    assert expr.genes.tolist() == ["ENSG1", "ENSG2", "ENSG3"]
    assert expr.values.dtype == np.float64
    np.testing.assert_array_equal(expr.values, [3.0, 0.0, 12.5])
    careful = parse_expression_careful(path.read_bytes(), path)
    np.testing.assert_array_equal(careful.genes, expr.genes)
    np.testing.assert_array_equal(careful.values, expr.values)


def test_real_expression_file(sample_dir: Path) -> None:
    expr = read_expression(sample_dir / "Cell1.expr.csv")
    assert len(expr.genes) == 19_795
    assert expr.values.min() >= 0


BAD_EXPRESSION = {
    "three columns": (
        "ENSG1,3\nENSG2,4,5\n",
        ["line 2", "ENSG2", "found 3 comma-separated fields, expected 2"],
    ),
    "non-numeric": ("ENSG1,3\nENSG2,lots\n", ["line 2", "ENSG2", "non-numeric expression value 'lots'"]),
    "negative": ("ENSG1,3\nENSG2,-1\n", ["line 2", "negative expression value '-1'"]),
    "missing": ("ENSG1,3\nENSG2,\n", ["line 2", "missing expression value"]),
    "duplicate": ("ENSG1,3\nENSG2,4\nENSG1,5\n", ["line 3", "ENSG1", "listed twice (first at line 1)"]),
    "header": ("gene,count\nENSG1,3\n", ["line 1", "no header"]),
    "empty gene": ("ENSG1,3\n,4\n", ["line 2", "gene id is empty"]),
}


@pytest.mark.parametrize("case", sorted(BAD_EXPRESSION))
def test_bad_expression_files(case: str) -> None:
    text, patterns = BAD_EXPRESSION[case]
    with pytest.raises(DataError) as info:
        parse_expression(text.encode(), "E003.expr.csv")
    message = str(info.value)
    assert message.startswith("E003.expr.csv")
    for pattern in patterns:
        assert pattern in message, f"{pattern!r} not in {message!r}"


def test_empty_expression_file() -> None:
    with pytest.raises(DataError, match="the file is empty"):
        parse_expression(b"", "E003.expr.csv")


# ----------------------------------------------------------------------------- pairing


def _expression(genes, values=None) -> object:
    values = np.arange(len(genes), dtype=float) if values is None else values
    return parse_expression("".join(f"{g},{v}\n" for g, v in zip(genes, values, strict=True)).encode())


PATHS = ("A.train.csv", "B.train.csv", "A.expr.csv", "B.expr.csv")


def test_pair_split_builds_targets() -> None:
    a = parse_split(encode(split_lines()))
    b = parse_split(encode(split_lines(scale=2)))
    genes = [g for g, _ in GENES]
    split = pair_split(a, b, _expression(genes, [0, 1, 3]), _expression(genes[::-1], [7, 3, 1]), paths=PATHS)
    np.testing.assert_array_equal(split.expr_a, [0, 1, 3])
    np.testing.assert_array_equal(split.expr_b, [1, 3, 7])  # looked up by gene id
    np.testing.assert_allclose(split.lfc, np.log2(np.array([2, 4, 8]) / np.array([1, 2, 4])))
    np.testing.assert_array_equal(split.x_b, expected_counts(scale=2))


def test_pair_split_genes_differ_between_cells() -> None:
    a = parse_split(encode(split_lines()))
    other = (*GENES[:2], ("ENSG00000000009", "ZZZ"))
    b = parse_split(encode(split_lines(other)))
    expr = _expression([g for g, _ in (*GENES, other[2])])
    with pytest.raises(DataError) as info:
        pair_split(a, b, expr, expr, paths=PATHS)
    message = str(info.value)
    for text in (
        "B.train.csv, line 401",
        "ENSG00000000009",
        "A.train.csv has gene ENSG00000000003",
        "1 genes",
    ):
        assert text in message
    assert "same genes in the same order" in message


def test_pair_split_same_genes_other_order() -> None:
    a = parse_split(encode(split_lines()))
    b = parse_split(encode(split_lines(GENES[::-1])))
    expr = _expression([g for g, _ in GENES])
    with pytest.raises(DataError, match="same genes in a different order"):
        pair_split(a, b, expr, expr, paths=PATHS)


def test_pair_split_gene_missing_from_expression() -> None:
    a = parse_split(encode(split_lines()))
    expr = _expression(["ENSG00000000001", "ENSG00000000003"])
    with pytest.raises(DataError) as info:
        pair_split(a, a, expr, expr, paths=PATHS)
    message = str(info.value)
    for text in ("A.train.csv, line 201, gene ENSG00000000002", "1 of 3 genes", "A.expr.csv"):
        assert text in message


def _mutations(data: bytes, n: int, seed: int) -> list[bytes]:
    """Random one- or two-character replacements, insertions and deletions."""
    rng = np.random.default_rng(seed)
    alphabet = b',_-+0123456789.aEn "\t\r\n'
    out = []
    for _ in range(n):
        mutated = bytearray(data)
        for _ in range(rng.integers(1, 3)):
            position, char, operation = (
                rng.integers(len(mutated)),
                alphabet[rng.integers(len(alphabet))],
                rng.integers(3),
            )
            if operation == 0:
                mutated[position] = char
            elif operation == 1:
                mutated.insert(position, char)
            else:
                del mutated[position]
        out.append(bytes(mutated))
    return out


def test_fast_split_reader_never_accepts_what_the_careful_reader_rejects() -> None:
    """Whenever the fast path accepts an edited file, the reference reader returns the same arrays."""
    accepted = 0
    underscored = (("ENSG00000000001", "A_B"), ("ENSG00000000002", "C"))
    originals = [encode(split_lines(GENES[:2])), encode(split_lines(underscored))]
    for data in [m for i, original in enumerate(originals) for m in _mutations(original, 300, seed=i)]:
        fast = _parse_split_fast(data)
        if fast is None:
            continue
        accepted += 1
        careful = parse_split_careful(data)
        assert fast.counts.dtype == careful.counts.dtype
        np.testing.assert_array_equal(fast.genes, careful.genes)
        np.testing.assert_array_equal(fast.symbols, careful.symbols)
        np.testing.assert_array_equal(fast.counts, careful.counts)
    assert accepted > 40  # many edits only change a digit: still a valid file


def test_fast_expression_reader_agrees_with_the_careful_reader() -> None:
    data = b"".join(b"ENSG%05d,%s\n" % (i, v) for i, v in enumerate([b"0", b"3", b"12.5", b"1e3", b"7"]))
    accepted = 0
    for mutated in _mutations(data, 500, seed=1):
        fast = _parse_expression_fast(mutated)
        if fast is None:
            continue
        accepted += 1
        careful = parse_expression_careful(mutated)
        np.testing.assert_array_equal(fast.genes, careful.genes)
        np.testing.assert_array_equal(fast.values, careful.values)
    assert accepted > 50
