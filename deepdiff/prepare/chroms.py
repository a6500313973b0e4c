"""Chromosome names of the annotation matched to those of a signal file (``chr1`` vs ``1``).

A name is used as it is when the signal file has it; otherwise its other spelling: with or
without the ``chr`` prefix, and ``chrM`` for ``MT`` (UCSC vs Ensembl). Genes on a chromosome the
file lacks under either spelling are left out (and counted). When no chromosome of the annotation
is found in the file at all, the two come from different assemblies or naming schemes: an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from deepdiff.errors import DataError

_MITOCHONDRIAL = {"chrM": "MT", "MT": "chrM", "chrMT": "MT", "M": "chrM"}


def spellings(name: str) -> tuple[str, ...]:
    """``name`` and its other spellings, in order of preference."""
    other = name[3:] if name.startswith("chr") else f"chr{name}"
    extra = (_MITOCHONDRIAL[name],) if name in _MITOCHONDRIAL else ()
    return (name, other, *extra)


def chromosome_map(names: Iterable[str], available: Mapping[str, int], path: Path) -> dict[str, str]:
    """Annotation chromosome -> chromosome of the signal file at ``path``, for those it has.

    Raises
    ------
    DataError
        When none of ``names`` is in the file under any spelling.
    """
    names = sorted(set(names))
    found = {}
    for name in names:
        match = next((s for s in spellings(name) if s in available), None)
        if match is not None:
            found[name] = match
    if names and not found:
        ours = ", ".join(names[:5])
        theirs = ", ".join(sorted(available)[:5]) or "none"
        raise DataError(
            f"{path}: none of the annotation's chromosomes ({ours}, ...) is in this file, whose chromosomes "
            f"are {theirs}, ... (also tried with and without the 'chr' prefix). The annotation and the "
            "signal files must be of the same genome assembly."
        )
    return found
