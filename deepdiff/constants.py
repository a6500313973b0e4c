"""Fixed facts of the REMC data and of the paper (Sekhon, Singh & Qi, 2018).

Everything here is read off the paper or the authors' repository; see
``book/method.md`` for the sources. The checks of a profile and of a data source live beside their
lists, so that every caller refuses a bad one with the same message.
"""

from __future__ import annotations

from typing import Final

from deepdiff.errors import check_choice

#: The five core histone marks, in the column order of the authors' files.
MARKS: Final[tuple[str, ...]] = ("H3K4me1", "H3K4me3", "H3K9me3", "H3K27me3", "H3K36me3")
N_MARKS: Final[int] = len(MARKS)
#: Bins of 100 bp around the transcription start site (+/- 10 kb).
N_BINS: Final[int] = 200
BIN_SIZE_BP: Final[int] = 100

SPLITS: Final[tuple[str, ...]] = ("train", "valid", "test")
#: Genes per split in the authors' full data (18,460 genes per pair).
FULL_SPLIT_SIZES: Final[dict[str, int]] = {"train": 10_000, "valid": 2_360, "test": 6_100}
#: The named budgets: every method has one configuration per name (``paper`` = the authors', ``quick`` = laptops
#: and CI, ``book`` = the offline book: steps enough for its runs to reach a plateau).
PROFILE_NAMES: Final[tuple[str, ...]] = ("paper", "quick", "book")


def check_profile(profile: str, *, setting: str | None = None, where: str | None = None) -> str:
    """``profile`` when it is one of :data:`PROFILE_NAMES`; otherwise a ConfigError listing them (see
    :func:`deepdiff.errors.check_choice` for ``setting`` and ``where``)."""
    return check_choice(profile, PROFILE_NAMES, "profile", setting=setting, where=where)


#: Torch devices a run may name (``cuda:N``: the N-th GPU).
DEVICE_CHOICES: Final[tuple[str, ...]] = ("auto", "cpu", "cuda", "cuda:N", "mps")
#: What the data label of a random subset of genes says (no report takes a subset for the full data).
SUBSET_MARK: Final[str] = "random subset of"
#: Genes per split of the authors' real sample pair (their repository's ``data/`` folder).
SAMPLE_SPLIT_SIZE: Final[int] = 200

#: REMC epigenome ids used by the paper and what they are.
CELLS: Final[dict[str, str]] = {
    "E003": "H1 embryonic stem cells",
    "E004": "H1 BMP4-derived mesendoderm",
    "E005": "H1 BMP4-derived trophoblast",
    "E006": "H1-derived mesenchymal stem cells",
    "E007": "H1-derived neuronal progenitor cells",
    "E037": "CD4 memory primary cells",
    "E038": "CD4 naive primary cells",
    "E116": "GM12878 lymphoblastoid cells",
    "E123": "K562 leukaemia cells",
}

#: The ten pairs of the paper (x-axis of Figure 4), written ``A-B``.
PAPER_PAIRS: Final[tuple[str, ...]] = (
    "E123-E003",
    "E116-E003",
    "E123-E116",
    "E003-E005",
    "E003-E006",
    "E006-E007",
    "E005-E006",
    "E003-E004",
    "E004-E006",
    "E037-E038",
)

#: A gene is "differentially expressed" (Siamese label S = 1) when ``abs(LFC) >= DE_THRESHOLD``.
DE_THRESHOLD: Final[float] = 2.0

#: What a result is (``kind`` in ``metrics.json``): a DeepDiff variant or a baseline.
RESULT_KINDS: Final[tuple[str, ...]] = ("deepdiff", "baseline")

#: Every data source (see :mod:`deepdiff.sources.real`); ``auto`` is ``remc`` when reachable,
#: else ``simulated``.
DATA_SOURCES: Final[tuple[str, ...]] = ("remc", "sample", "local", "simulated", "auto")


def check_data_source(source: str, *, setting: str | None = None, where: str | None = None) -> str:
    """``source`` when it is one of :data:`DATA_SOURCES`; otherwise a ConfigError listing them (see
    :func:`deepdiff.errors.check_choice` for ``setting`` and ``where``)."""
    return check_choice(source, DATA_SOURCES, "data source", setting=setting, where=where)


#: The authors' repository and the commit whose data we use.
REMC_REPO: Final[str] = "QData/DeepDiffChrome"
REMC_COMMIT: Final[str] = "2aef9c5520595b14da265578c2c04c3d65a4ad01"
#: The authors' small real sample: Cell1 is E123 (K562), Cell2 is E003 (H1).
SAMPLE_CELLS: Final[dict[str, str]] = {"E123": "Cell1", "E003": "Cell2"}
SAMPLE_PAIR: Final[str] = "E123-E003"
