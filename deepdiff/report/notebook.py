"""Support for the notebooks: parameter checks and loud provenance banners.

Every notebook validates its papermill parameters in its first code cell with
:func:`validate_params`, so a bad pair, variant, profile, data source or device stops the run at
once with a message that says what is allowed. :func:`data_banner` states, in a coloured box,
whether a notebook runs on real or simulated data. Everything a notebook shows beyond that comes
from :mod:`deepdiff.report`.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from deepdiff._util.paths import display_path, resolve_results_dir
from deepdiff.constants import CELLS, PAPER_PAIRS, check_data_source, check_profile
from deepdiff.data.containers import PairData
from deepdiff.data.pair import Pair
from deepdiff.errors import ConfigError, DataError
from deepdiff.sources.real import check_sample_pair, resolve_source

if TYPE_CHECKING:
    from deepdiff.apply.cells import CellsToPredict
    from deepdiff.grid.settings import GridConfig
    from deepdiff.prepare.synthetic import SyntheticFiles


# Progress bars are off in the notebooks; tqdm.auto's advice to install ipywidgets is noise there.
warnings.filterwarnings("ignore", message="IProgress not found")

#: Environment variable that says what ``data="auto"`` means when the book is built.
DATA_ENV = "DEEPDIFF_DATA"


@dataclass(frozen=True)
class NotebookParams:
    """Validated notebook parameters.

    Attributes
    ----------
    pair : str
    data : str
        The requested source (``auto``, ``remc``, ``sample``, ``local``, ``simulated``).
    profile : str
    seed : int
    device : str
        The resolved torch device, e.g. ``"cpu"``.
    results_dir : Path
        Absolute; :func:`deepdiff._util.paths.default_results_dir` when none was given.
    variant : str or None
    """

    pair: str
    data: str
    profile: str
    seed: int
    device: str
    results_dir: Path
    variant: str | None = None

    def describe(self) -> str:
        """One line for the notebook's log."""
        parts = [f"pair {self.pair}", f"data {self.data!r}", f"profile {self.profile}", f"seed {self.seed}"]
        if self.variant is not None:
            parts.insert(1, f"variant {self.variant}")
        return ", ".join(parts) + f", device {self.device}, results in {display_path(self.results_dir)}"


def check_pair(pair: str, data: str = "auto") -> Pair:
    """Parse a pair parameter and check that ``data`` can provide it.

    Raises
    ------
    ConfigError
        For a malformed pair, an unknown REMC cell, or a pair the real sample does not hold.
    """
    try:
        parsed = Pair.parse(pair)
    except DataError as err:
        raise ConfigError(f"parameter pair: {err}") from None
    if data != "local":
        unknown = [c for c in (parsed.cell_a, parsed.cell_b) if c not in CELLS]
        if unknown:
            raise ConfigError(
                f"parameter pair={pair!r}: unknown cell {', '.join(unknown)}; the REMC cells are "
                f"{', '.join(CELLS)} and the paper's pairs {', '.join(PAPER_PAIRS)} "
                "(use data='local' with data_dir for your own cells)"
            )
    if data == "sample":
        try:
            check_sample_pair(parsed)
        except DataError as err:
            raise ConfigError(f"parameter pair: {err}") from None
    return parsed


def check_pairs(pairs: Sequence[str], data: str = "auto") -> list[str]:
    """:func:`check_pair` for each; returns the canonical names without duplicates, in order."""
    if isinstance(pairs, str):
        pairs = [pairs]
    return list(dict.fromkeys(str(check_pair(p, data)) for p in pairs))


def validate_params(
    *,
    pair: str,
    data: str,
    profile: str,
    seed: int,
    device: str,
    results_dir: str | os.PathLike[str] | None,
    variant: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> NotebookParams:
    """Check every notebook parameter before any work is done.

    ``data="auto"`` means ``$DEEPDIFF_DATA`` when that is set (the book's build sets it), else
    the real REMC data when reachable, else simulated data (stated loudly by :func:`data_banner`).

    Raises
    ------
    ConfigError
        Naming the bad parameter and the allowed values.
    """
    from deepdiff.training.device import resolve_device

    if data == "auto" and os.environ.get(DATA_ENV, "").strip():
        # The book is built with DEEPDIFF_DATA set (e.g. remc for the published book).
        data = os.environ[DATA_ENV].strip()
    check_data_source(data, setting="parameter data")
    if data == "local" and data_dir is None:
        raise ConfigError(
            "parameter data='local' needs data_dir, the folder with CELL.{train,valid,test,expr}.csv"
        )
    parsed = check_pair(pair, data)
    check_profile(profile, setting="parameter profile")
    if variant is not None:
        from deepdiff.methods import ALL_VARIANTS

        if variant not in ALL_VARIANTS:
            raise ConfigError(
                f"parameter variant={variant!r} is unknown; choose one of {', '.join(ALL_VARIANTS)}"
            )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"parameter seed={seed!r} must be a non-negative integer")
    resolved = resolve_device(device)
    return NotebookParams(
        pair=str(parsed),
        data=data,
        profile=profile,
        seed=int(seed),
        device=str(resolved),
        results_dir=resolve_results_dir(results_dir),
        variant=variant,
    )


#: Genes of a simulated pair in the notebooks (train/valid/test in the paper's proportions): small
#: enough that the five notebooks run on a laptop CPU, large enough for a test PCC within about ±0.1.
SIMULATED_GENES = 1500
#: Seed of the simulated data in the notebooks: fixed, so that the ``seed`` parameter (training)
#: never changes the data, and every notebook and seed sees the same simulated pair.
DATA_SEED = 0


def load_data(
    params: NotebookParams,
    *,
    n_genes: int | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    progress: bool = False,
) -> PairData:
    """Load the notebook's pair; ``auto`` falls back to simulated data with a warning, recorded in ``meta``.

    Parameters
    ----------
    params : NotebookParams
    n_genes : int, optional
        Simulated data: genes to simulate (default :data:`SIMULATED_GENES`). Real data: a random
        subset of about this many genes (default: all).
    data_dir : path-like, optional
        For ``data='local'``.
    """
    from deepdiff.sources.loading import load_pair

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = resolve_source(params.data, params.pair)
    if source == "simulated" and n_genes is None:
        n_genes = SIMULATED_GENES
    data = load_pair(
        params.pair, source, data_dir=data_dir, n_genes=n_genes, seed=DATA_SEED, progress=progress
    )
    notes = [str(w.message) for w in caught if "FALLBACK" in str(w.message)]
    if notes:
        data.meta.setdefault("fallback", notes[0])
    return data


def notebook_grid(
    params: NotebookParams,
    extra_pairs: Sequence[str],
    variants: Sequence[str] | None,
    baselines: Sequence[str] | None,
    seeds: int | Sequence[int] | None,
    data_dir: str | os.PathLike[str] | None = None,
) -> GridConfig:
    """The grid a notebook runs: its pair and ``extra_pairs`` × variants × seeds, plus the baselines.

    ``variants``, ``baselines`` and ``seeds`` default (None) to those of the book's reduced grid
    (:data:`deepdiff.grid.settings.BOOK_GRID`: Table 1's seven variants, the paper's four baselines,
    seed 0); the methods may be empty (the appendix's variants and baselines beyond the paper's are
    accepted); every parameter is checked. ``data_dir`` is the folder of ``data='local'``.
    """
    from deepdiff.grid.settings import BOOK_GRID
    from deepdiff.methods import ALL_VARIANTS, names

    return dataclasses.replace(
        BOOK_GRID,
        pairs=tuple(check_pairs([params.pair, *extra_pairs], params.data)),
        variants=tuple(
            BOOK_GRID.variants if variants is None else validate_methods(variants, ALL_VARIANTS, "variants")
        ),
        baselines=tuple(
            BOOK_GRID.baselines
            if baselines is None
            else validate_methods(baselines, names(kind="baseline"), "baselines")
        ),
        seeds=BOOK_GRID.seeds
        if seeds is None
        else tuple(int(s) for s in ([seeds] if isinstance(seeds, int) else seeds)),
        data=params.data,
        profile=params.profile,
        results_dir=str(params.results_dir),
        device=params.device,
        data_dir=str(data_dir) if data_dir is not None and params.data == "local" else None,
    )


def load_pairs(
    params: NotebookParams,
    pairs: Sequence[str],
    *,
    n_genes: int | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> dict[str, PairData]:
    """:func:`load_data` for each of ``pairs`` (same source and settings), by pair."""
    return {
        pair: load_data(dataclasses.replace(params, pair=pair), n_genes=n_genes, data_dir=data_dir)
        for pair in pairs
    }


def data_banner(data: PairData, requested: str | None = None) -> str:
    """An HTML box stating where the data come from: green for real data, red for simulated.

    Parameters
    ----------
    data : PairData
    requested : str, optional
        The ``data`` parameter, to say when ``auto`` fell back.
    """
    from html import escape

    if data.is_real:
        colour, head = "#e8f5e9", "REAL DATA"
        body = f"{escape(data.label)} — pair {escape(str(data.pair))}."
    else:
        colour, head = "#fdecea", "SIMULATED DATA — NOT THE PAPER'S DATA"
        body = (
            f"{escape(data.label)} — pair {escape(str(data.pair))}. Every number and figure below comes from "
            "data generated by this project's simulator (calibrated to real REMC summaries, with a planted, "
            "known mechanism). Nothing here reproduces the paper's numbers."
        )
        if requested == "auto":
            body += " The real REMC data could not be reached, so data='auto' fell back to simulated data."
    sizes = " / ".join(f"{len(data.split(s)):,}" for s in ("train", "valid", "test"))
    return (
        f'<div style="background:{colour};border:2px solid #555;padding:10px;margin:6px 0;">'
        f"<b style='font-size:1.15em'>{head}</b><br>{body}<br>"
        f"train / valid / test: {sizes} genes; {escape(data.pair.direction)}; "
        f"data checksum {data.checksum[:12]}</div>"
    )


def show_html(html: str) -> None:
    """Display HTML in a notebook, or print its text elsewhere."""
    try:
        from IPython.display import HTML, display

        display(HTML(html))
    except ImportError:  # pragma: no cover - outside Jupyter
        import re

        print(re.sub(r"<[^>]+>", " ", html))


def validate_methods(
    methods: Sequence[str] | str | None, allowed: Sequence[str], what: str = "methods"
) -> list[str]:
    """The parameter ``what`` (all of ``allowed`` when None, none for an empty list), checked against ``allowed``.

    Raises
    ------
    ConfigError
        Naming the parameter, the unknown entries and the allowed ones.
    """
    from deepdiff.methods import select

    if methods is not None and not isinstance(methods, str) and len(methods) == 0:
        return []
    try:
        return select(methods, allowed, what=what)
    except ConfigError as err:
        raise ConfigError(f"parameter {what}: {err}") from None


_Labelled = TypeVar("_Labelled", "PairData", "CellsToPredict")
#: Sources the notebook ``06_your_data`` reads its signal files from.
OWN_DATA_SOURCES: tuple[str, ...] = ("simulated", "local")


@dataclass(frozen=True)
class OwnData:
    """The checked file parameters of the notebook ``06_your_data`` (see :func:`own_data_inputs`).

    Attributes
    ----------
    data : {"simulated", "local"}
        ``simulated``: synthetic BAM and bigWig files made from simulated cells; ``local``: yours.
    pairs : tuple of str
        The training pair, then the pair to predict.
    samples, annotation, expression : Path or None
        Your files (``local``); None for synthetic ones.
    folder : Path
        Where the signal files (synthetic only), the prepared files and the predictions go.
    n_genes : int
        Genes of the simulated cells.
    seed : int
        Seed of the simulated cells and synthetic files.
    """

    data: str
    pairs: tuple[str, str]
    samples: Path | None
    annotation: Path | None
    expression: Path | None
    folder: Path
    n_genes: int
    seed: int

    @property
    def synthetic(self) -> bool:
        return self.data == "simulated"

    @property
    def prepared_dir(self) -> Path:
        return self.folder / "prepared"

    @property
    def predictions_dir(self) -> Path:
        return self.folder / "predictions"

    def describe(self) -> str:
        """One line for the notebook's log."""
        if self.synthetic:
            source = (
                f"synthetic BAM and bigWig files of simulated cells ({self.n_genes} genes, seed {self.seed})"
            )
        else:
            source = f"your files: {self.samples}, {self.annotation}, expression {self.expression}"
        return f"train on {self.pairs[0]}, predict {self.pairs[1]}; {source}; files in {display_path(self.folder)}"

    def signal_files(self) -> tuple[Path, Path, Path | None, SyntheticFiles | None]:
        """Sample sheet, annotation and expression table (synthetic ones are written first), and the synthetic files."""
        if not self.synthetic:
            assert self.samples is not None and self.annotation is not None  # checked by own_data_inputs
            return self.samples, self.annotation, self.expression, None
        from deepdiff.prepare.synthetic import example_files

        files = example_files(self.pairs, self.folder / "signal", n_genes=self.n_genes, seed=self.seed)
        return files.sheet, files.gtf, files.expression, files

    def label(self, label: str, pair: str) -> str:
        """A data label that says, for synthetic files, that the cells of ``pair`` are simulated, and with which seed."""
        if not self.synthetic:
            return label
        seed = self.seed + (
            self.pairs.index(pair) if pair in self.pairs else 0
        )  # as example_files seeds them
        return f"simulated (seed {seed}), as synthetic BAM/bigWig files, prepared ({label})"

    def relabel(self, data: _Labelled) -> _Labelled:
        """Data read from the prepared files, labelled simulated when the files are synthetic."""
        if not self.synthetic:
            return data
        label = self.label(data.label, str(data.pair))
        if isinstance(data, PairData):
            return dataclasses.replace(data, source="simulated", label=label)
        return dataclasses.replace(data, label=label)


def own_data_inputs(
    params: NotebookParams,
    *,
    predict_pair: str,
    samples: str | os.PathLike[str] | None,
    annotation: str | os.PathLike[str] | None,
    expression: str | os.PathLike[str] | None,
    data_dir: str | os.PathLike[str] | None,
    n_genes: int,
) -> OwnData:
    """Check the file parameters of the notebook ``06_your_data`` before any work.

    Raises
    ------
    ConfigError
        A source other than ``simulated`` or ``local``, your files missing with ``local`` or given
        without it, a bad pair, or a folder that holds something other than a previous run's files.
    """
    if params.data not in OWN_DATA_SOURCES:
        raise ConfigError(
            f"parameter data={params.data!r}: this notebook prepares its own files; use data='simulated' "
            "(synthetic BAM and bigWig files of simulated cells) or data='local' (your samples and annotation)"
        )
    predict = str(check_pair(predict_pair, params.data))
    if predict == params.pair:
        raise ConfigError(
            f"parameter predict_pair={predict_pair!r} is the training pair; predict another pair"
        )
    shared = set(params.pair.split("-")) & set(predict.split("-"))
    if params.data == "simulated" and shared:
        raise ConfigError(
            f"parameters pair={params.pair!r} and predict_pair={predict_pair!r} share {', '.join(sorted(shared))}: "
            "the synthetic files simulate each pair on its own, so the two pairs need four different cells"
        )
    given = {"samples": samples, "annotation": annotation, "expression": expression}
    if params.data == "local":
        for name in ("samples", "annotation", "expression"):
            value = given[name]
            if value is None or not Path(value).expanduser().is_file():
                raise ConfigError(
                    f"parameter {name}={value!r}: data='local' needs your {name} file (it must exist)"
                )
    elif any(v is not None for v in given.values()):
        raise ConfigError(
            "parameters samples, annotation and expression are your files: set data='local' to use them"
        )
    if isinstance(n_genes, bool) or not isinstance(n_genes, int) or n_genes < 30:
        raise ConfigError(f"parameter n_genes={n_genes!r} must be a whole number of at least 30")
    folder = (
        Path(data_dir).expanduser().resolve() if data_dir is not None else params.results_dir / "own-data"
    )
    prepared = folder / "prepared"
    if prepared.is_dir() and any(prepared.iterdir()) and not (prepared / "prepare.json").is_file():
        raise ConfigError(f"{prepared} holds files that prepare did not write; choose another data_dir")
    paths = {k: None if v is None else Path(v).expanduser().resolve() for k, v in given.items()}
    return OwnData(
        data=params.data,
        pairs=(params.pair, predict),
        samples=paths["samples"],
        annotation=paths["annotation"],
        expression=paths["expression"],
        folder=folder,
        n_genes=int(n_genes),
        seed=params.seed,
    )
