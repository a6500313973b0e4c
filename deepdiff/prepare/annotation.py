"""Genes and their transcription start sites, from a GTF (streamed, gzip or not) or a BED of TSSs.

GTF (GENCODE, Ensembl)
    One gene per ``gene`` record: its id (``gene_id``, version suffix removed), its symbol
    (``gene_name``), its type (``gene_type``, or Ensembl's ``gene_biotype``) and its TSS, the
    gene's 5' end: ``start`` on the ``+`` strand, ``end`` on the ``-`` strand. That is the most
    upstream TSS of any of the gene's transcripts, the one position per gene that the Ensembl gene
    tables (and the REMC gene coordinates) give. A GTF without ``gene`` records (some UCSC exports)
    gives the same position from its ``transcript`` records. The file is read line by line; only
    gene (and, while no gene was seen, transcript) records are parsed further, so a full GENCODE
    file (3.4 million lines) takes seconds. GENCODE's copies of the X-Y pseudoautosomal genes on
    chrY (ids ending in ``_PAR_Y``) are left out: their ids repeat the chrX genes'.
BED (``chrom start end name score strand [symbol]``)
    One gene per line: ``name`` is the gene id, the optional seventh column its symbol; the TSS is
    ``start`` on ``+`` and ``end - 1`` on ``-`` (a one-base TSS interval, or a whole gene). The
    strand is required: the window is oriented by it.

Gene ids of Ensembl form lose their version (``ENSG00000141510.18`` -> ``ENSG00000141510``), as in
the REMC files; the expression table and deepTools matrices are read the same way. A gene id listed
twice is an error naming both lines, and so is an id the REMC format cannot hold (with ``_`` or
``,``).
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from deepdiff.errors import DataError
from deepdiff.prepare.rules import DEFAULT_GENE_TYPES

_ENSEMBL = re.compile(r"^(ENS[A-Z]*\d+)(?:\.\d+)?(_PAR_Y)?$")
_ATTRIBUTE = re.compile(r'(\S+)\s+"([^"]*)"')
_TYPE_KEYS = ("gene_type", "gene_biotype")
_GTF_FIX = (
    "A GTF line has 9 tab-separated fields: seqname source feature start end score strand frame attributes."
)
_BED_FIX = (
    "A BED line reads chrom<TAB>start<TAB>end<TAB>gene_id<TAB>score<TAB>strand[<TAB>symbol] (0-based start)."
)


@dataclass(frozen=True)
class Genes:
    """Genes with their TSS.

    Attributes
    ----------
    ids, symbols, chroms : ndarray of str, shape (n,)
    tss : ndarray of int64
        0-based position of the TSS base.
    strands : ndarray of int8
        +1 or -1.
    lines : ndarray of int64
        Line of each gene in the annotation (for messages).
    """

    ids: np.ndarray
    symbols: np.ndarray
    chroms: np.ndarray
    tss: np.ndarray
    strands: np.ndarray
    lines: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, keep: np.ndarray) -> Genes:
        """The genes where ``keep`` (a boolean mask or an index) selects."""
        return Genes(
            *(getattr(self, f)[keep] for f in ("ids", "symbols", "chroms", "tss", "strands", "lines"))
        )


@dataclass(frozen=True)
class Annotation:
    """What an annotation file gave: the genes, and how many records were left out and why."""

    path: Path
    genes: Genes
    left_out: dict[str, int]
    typed: bool


def gene_id(text: str) -> tuple[str, bool]:
    """The id without an Ensembl version suffix, and whether it is a GENCODE ``_PAR_Y`` copy."""
    text = text.strip()
    match = _ENSEMBL.match(text)
    if match is None:
        return text, False
    return match.group(1), match.group(2) is not None


def _open_text(path: Path) -> TextIO:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open("r", encoding="utf-8", errors="replace")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with _open_text(path) as handle:
            yield from enumerate(handle, start=1)
    except FileNotFoundError:
        raise DataError(f"annotation {path} not found") from None
    except (OSError, EOFError) as err:
        raise DataError(f"cannot read the annotation {path} ({err}); is the file complete?") from None


def _check_id(path: Path, line: int, gid: str, symbol: str) -> None:
    if not gid or "_" in gid or "," in gid or "," in symbol:
        raise DataError(
            f"{path}, line {line}: gene id {gid!r} (symbol {symbol!r}) cannot be written in the REMC format, "
            "whose row ids read GENEID_SYMBOL_BIN: gene ids must be non-empty without '_' or ',', symbols "
            "without ','. Use Ensembl gene ids (e.g. ENSG00000141510)."
        )


class _Collector:
    """Gene records in file order, refusing duplicate ids."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[tuple[str, str, str, int, int, int]] = []
        self.first_line: dict[str, int] = {}

    def add(self, line: int, gid: str, symbol: str, chrom: str, tss: int, strand: int) -> None:
        _check_id(self.path, line, gid, symbol)
        if gid in self.first_line:
            raise DataError(
                f"{self.path}, line {line}: gene {gid} is listed twice (also on line {self.first_line[gid]}); "
                "give one TSS per gene (one record per gene id)"
            )
        self.first_line[gid] = line
        self.rows.append((gid, symbol, chrom, tss, strand, line))

    def genes(self) -> Genes:
        if not self.rows:
            raise DataError(f"{self.path}: no gene found; is this a GTF with gene records or a BED of TSSs?")
        ids, symbols, chroms, tss, strands, lines = zip(*self.rows, strict=True)
        return Genes(
            ids=np.asarray(ids, dtype=str),
            symbols=np.asarray(symbols, dtype=str),
            chroms=np.asarray(chroms, dtype=str),
            tss=np.asarray(tss, dtype=np.int64),
            strands=np.asarray(strands, dtype=np.int8),
            lines=np.asarray(lines, dtype=np.int64),
        )


def _strand(path: Path, line: int, text: str, fix: str) -> int:
    if text not in ("+", "-"):
        raise DataError(
            f"{path}, line {line}: strand {text!r}; expected + or - (the window around the TSS is oriented by "
            f"the gene's strand). {fix}"
        )
    return 1 if text == "+" else -1


def _int(path: Path, line: int, text: str, what: str, fix: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise DataError(f"{path}, line {line}: {what} {text!r} is not a whole number. {fix}") from None


def read_gtf(path: Path, gene_types: frozenset[str] | None) -> Annotation:
    """Genes of a GTF file (see the module docstring); ``gene_types`` None keeps every type."""
    genes = _Collector(path)
    transcripts: dict[str, list[tuple[int, str, str, int, int, int]]] = {}
    left_out = {"other gene types": 0, "PAR_Y copies": 0}
    typed = False
    for number, line in _lines(path):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\n").split("\t", 8)
        if len(fields) != 9:
            raise DataError(f"{path}, line {number}: found {len(fields)} tab-separated fields. {_GTF_FIX}")
        feature = fields[2]
        if feature != "gene" and (feature != "transcript" or genes.rows):
            continue
        attributes = dict(reversed(_ATTRIBUTE.findall(fields[8])))  # the first value of a key wins
        gid, par_y = gene_id(attributes.get("gene_id", ""))
        if par_y:
            left_out["PAR_Y copies"] += feature == "gene"
            continue
        kind = next((attributes[k] for k in _TYPE_KEYS if k in attributes), None)
        typed = typed or kind is not None
        if gene_types is not None and kind is not None and kind not in gene_types:
            left_out["other gene types"] += feature == "gene"
            continue
        strand = _strand(path, number, fields[6], _GTF_FIX)
        start = _int(path, number, fields[3], "start", _GTF_FIX)
        end = _int(path, number, fields[4], "end", _GTF_FIX)
        if not 1 <= start <= end:  # GTF: 1-based, both ends included
            raise DataError(
                f"{path}, line {number}: start {start} and end {end}; need 1 <= start <= end (1-based). {_GTF_FIX}"
            )
        record = (number, attributes.get("gene_name", ""), fields[0], start, end, strand)
        if feature == "gene":
            genes.add(number, gid, record[1], fields[0], start - 1 if strand > 0 else end - 1, strand)
        else:
            transcripts.setdefault(gid, []).append(record)
    if not genes.rows:
        for gid, records in transcripts.items():
            number, symbol, chrom, _, _, strand = records[0]
            tss = min(r[3] for r in records) - 1 if strand > 0 else max(r[4] for r in records) - 1
            genes.add(number, gid, symbol, chrom, tss, strand)
    return Annotation(path=path, genes=genes.genes(), left_out=left_out, typed=typed)


def read_bed(path: Path) -> Annotation:
    """Genes of a BED file of TSSs (see the module docstring)."""
    genes = _Collector(path)
    for number, line in _lines(path):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 6:
            raise DataError(
                f"{path}, line {number}: found {len(fields)} tab-separated fields, need at least 6 (the strand "
                f"is the sixth). {_BED_FIX}"
            )
        start = _int(path, number, fields[1], "start", _BED_FIX)
        end = _int(path, number, fields[2], "end", _BED_FIX)
        if not 0 <= start < end:
            raise DataError(
                f"{path}, line {number}: start {start} and end {end}; need 0 <= start < end. {_BED_FIX}"
            )
        strand = _strand(path, number, fields[5].strip(), _BED_FIX)
        gid, _ = gene_id(fields[3])
        symbol = fields[6].strip() if len(fields) > 6 else ""
        genes.add(number, gid, symbol, fields[0].strip(), start if strand > 0 else end - 1, strand)
    return Annotation(path=path, genes=genes.genes(), left_out={}, typed=False)


def is_gtf(path: Path) -> bool:
    """True for ``.gtf``/``.gff``/``.gtf.gz`` names, False for ``.bed``/``.bed.gz``."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".gtf", ".gff", ".gff2")):
        return True
    if name.endswith(".bed"):
        return False
    raise DataError(f"{path}: cannot tell a GTF from a BED by the name; name it .gtf(.gz) or .bed(.gz)")


def read_annotation(
    path: str | os.PathLike[str], gene_types: tuple[str, ...] | None = DEFAULT_GENE_TYPES
) -> Annotation:
    """The genes of a GTF or a BED of TSSs, told apart by the file name.

    Parameters
    ----------
    path : path-like
    gene_types : tuple of str, optional
        GTF gene types to keep (default: protein-coding genes); None keeps every gene. A GTF whose
        records carry no type keeps every gene; a BED has no types.

    Raises
    ------
    DataError
        A malformed line, a missing strand, a duplicate gene id, an id the REMC format cannot hold,
        or no gene at all; naming the file and line.
    """
    path = Path(path).expanduser()
    if is_gtf(path):
        return read_gtf(path, None if gene_types is None else frozenset(gene_types))
    return read_bed(path)
