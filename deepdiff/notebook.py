"""Support for the notebooks: parameter checks, loud provenance banners, real expression changes.

Every notebook validates its papermill parameters in its first code cell with
:func:`validate_params`, so a bad pair, variant, profile, data source or device stops the run at
once with a message that says what is allowed. :func:`data_banner` states, in a coloured box,
whether a notebook runs on real or simulated data.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from deepdiff.constants import CELLS, DE_THRESHOLD, PAPER_PAIRS, SAMPLE_CELLS
from deepdiff.data.containers import PairData
from deepdiff.data.pair import Pair
from deepdiff.errors import ConfigError, DataError, DeepDiffError
from deepdiff.paths import default_expression_dir, resolve_results_dir

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
        Absolute; :func:`deepdiff.paths.default_results_dir` when none was given.
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
        return ", ".join(parts) + f", device {self.device}, results in {self.results_dir}"


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
    if data == "sample" and {parsed.cell_a, parsed.cell_b} != set(SAMPLE_CELLS):
        raise ConfigError(
            f"parameter pair={pair!r} is not in the authors' real sample, which holds only E123 and E003: "
            "use pair='E123-E003' with data='sample'"
        )
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
    from deepdiff.data.sources import SOURCES
    from deepdiff.training.config import PROFILES
    from deepdiff.training.device import resolve_device

    if data == "auto" and os.environ.get(DATA_ENV, "").strip():
        # The book is built with DEEPDIFF_DATA set (e.g. remc for the published book).
        data = os.environ[DATA_ENV].strip()
    if data not in SOURCES:
        raise ConfigError(f"parameter data={data!r} is unknown; choose one of {', '.join(SOURCES)}")
    if data == "local" and data_dir is None:
        raise ConfigError(
            "parameter data='local' needs data_dir, the folder with CELL.{train,valid,test,expr}.csv"
        )
    parsed = check_pair(pair, data)
    if profile not in PROFILES:
        raise ConfigError(f"parameter profile={profile!r} is unknown; choose one of {', '.join(PROFILES)}")
    if variant is not None:
        from deepdiff.models import VARIANTS

        if variant not in VARIANTS:
            raise ConfigError(
                f"parameter variant={variant!r} is unknown; choose one of {', '.join(VARIANTS)}"
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
    from deepdiff.data.sources import load_pair, resolve_source

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


# --------------------------------------------------------------------------------------------
# Real expression changes of the ten pairs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairLFCs:
    """The real LFCs of several pairs, or only their stored summaries.

    Attributes
    ----------
    lfc : dict
        Pair -> LFC of every gene with expression in both cells (empty when only summaries exist).
    summary : DataFrame
        One row per pair: ``genes``, ``std``, ``de_fraction`` (``|LFC| >= 2``), ``n_de``,
        ``n_beyond_8`` (``|LFC| > 8``), quantiles where known.
    label : str
        Where they come from, for titles.
    source : str
        ``"files"``, ``"download"`` or ``"calibration"``.
    """

    lfc: Mapping[str, np.ndarray]
    summary: pd.DataFrame
    label: str
    source: str


def _summarise(lfc: Mapping[str, np.ndarray]) -> pd.DataFrame:
    rows = []
    for pair, values in lfc.items():
        rows.append(
            {
                "pair": pair,
                "genes": int(values.size),
                "std": float(values.std()),
                "de_fraction": float(np.mean(np.abs(values) >= DE_THRESHOLD)),
                "n_de": int(np.sum(np.abs(values) >= DE_THRESHOLD)),
                "n_up_8": int(np.sum(values > 8)),
                "n_down_8": int(np.sum(values < -8)),
                "q0.01": float(np.quantile(values, 0.01)),
                "q0.5": float(np.median(values)),
                "q0.99": float(np.quantile(values, 0.99)),
            }
        )
    return pd.DataFrame(rows).set_index("pair")


def lfc_from_expression_files(
    files: Mapping[str, str | os.PathLike[str]], pairs: Sequence[str]
) -> dict[str, np.ndarray]:
    """LFC ``log2((b + 1) / (a + 1))`` of every pair from ``{cell: path to CELL.expr.csv}``.

    Only genes present in both cells' files are used.
    """
    from deepdiff.data.cache import load_expression

    expr = {cell: load_expression(path).value for cell, path in files.items()}
    out = {}
    for pair in pairs:
        p = Pair.parse(pair)
        a, b = expr[p.cell_a], expr[p.cell_b]
        sa = pd.Series(a.values, index=a.genes)
        sb = pd.Series(b.values, index=b.genes)
        common = sa.index.intersection(sb.index)
        out[str(p)] = (
            np.log2(sb.loc[common].to_numpy() + 1.0) - np.log2(sa.loc[common].to_numpy() + 1.0)
        ).astype(np.float64)
    return out


def real_pair_lfcs(
    expression_dir: str | os.PathLike[str] | None = None,
    pairs: Sequence[str] = PAPER_PAIRS,
    *,
    allow_download: bool = True,
    progress: bool = False,
) -> PairLFCs:
    """The real LFC distribution of each pair, from the best source available.

    1. ``expression_dir`` (default: ``../shared/data/remc-expression`` beside a source checkout)
       holding ``CELL.expr.csv`` for every cell;
    2. else the expression files downloaded from the authors' repository (verified, cached) when
       it is reachable;
    3. else the summaries stored in the simulator's calibration (computed from the same real
       files when the calibration was made) — no per-gene values.
    """
    cells = sorted({c for p in pairs for c in (Pair.parse(p).cell_a, Pair.parse(p).cell_b)})
    folder = Path(expression_dir) if expression_dir is not None else default_expression_dir()
    if folder is not None:
        files = {c: folder / f"{c}.expr.csv" for c in cells}
        lacking = [str(p) for p in files.values() if not p.is_file()]
        if lacking:
            raise DataError(
                f"expression_dir {folder} lacks {', '.join(lacking)}; it must hold CELL.expr.csv for {', '.join(cells)}"
            )
        lfc = lfc_from_expression_files(files, pairs)
        return PairLFCs(lfc, _summarise(lfc), f"real REMC expression files ({folder.name}/)", "files")
    if allow_download:
        try:
            files = _download_expression(cells, progress=progress)
        except DeepDiffError:
            files = None
        if files is not None:
            lfc = lfc_from_expression_files(files, pairs)
            return PairLFCs(
                lfc, _summarise(lfc), "real REMC expression files (downloaded, verified)", "download"
            )
    return PairLFCs({}, _calibration_summary(pairs), _CALIBRATION_LABEL, "calibration")


_CALIBRATION_LABEL = (
    "SUMMARIES ONLY: the simulator's embedded calibration (computed from the real REMC expression files); "
    "the expression files themselves were not found and could not be downloaded"
)


def _download_expression(cells: Sequence[str], progress: bool) -> dict[str, Path] | None:
    from deepdiff.data.cache import default_cache_dir
    from deepdiff.data.download import fetch_entries, file_url, probe
    from deepdiff.data.manifest import cell_entries, load_manifest

    if not probe(file_url("data/Cell1.expr.csv")):
        return None
    manifest = load_manifest()
    entries = {c: cell_entries(c, "remc", manifest)["expr"] for c in cells}
    local = fetch_entries(list(entries.values()), cache_dir=default_cache_dir(None), progress=progress)
    return {c: local[e.path] for c, e in entries.items()}


def _calibration_summary(pairs: Sequence[str]) -> pd.DataFrame:
    from deepdiff.simulate.calibration import default_calibration

    cal = default_calibration()
    rows = []
    for pair in pairs:
        change = cal.change(pair)
        real = dict(change.real)
        # The calibration is keyed by the unordered pair; flip the quantiles when our order differs.
        p = Pair.parse(pair)
        flip = "-".join(sorted((p.cell_a, p.cell_b))) != str(p)
        row: dict[str, Any] = {"pair": pair, "calibrated_from": change.source}
        row["std"] = real.get("std", np.nan)
        row["de_fraction"] = real.get("frac_de", np.nan)
        for q in ("q0.01", "q0.5", "q0.99"):
            other = {"q0.01": "q0.99", "q0.5": "q0.5", "q0.99": "q0.01"}[q]
            value = real.get(other if flip else q, np.nan)
            row[q] = -value if flip and np.isfinite(value) else value
        rows.append(row)
    return pd.DataFrame(rows).set_index("pair")


# --------------------------------------------------------------------------------------------
# Runs in tables
# --------------------------------------------------------------------------------------------


def validate_methods(
    methods: Sequence[str] | None, allowed: Sequence[str], what: str = "methods"
) -> list[str]:
    """``methods`` (all of ``allowed`` when None), checked against ``allowed``.

    Raises
    ------
    ConfigError
        Naming the unknown entries and the allowed ones.
    """
    if methods is None:
        return list(allowed)
    if isinstance(methods, str):
        methods = [methods]
    unknown = [m for m in methods if m not in allowed]
    if unknown:
        raise ConfigError(
            f"parameter {what}: unknown {', '.join(map(repr, unknown))}; choose from {', '.join(allowed)}"
        )
    return list(methods)


def run_summary(runs: Sequence[Any], n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """One row per run (:class:`deepdiff.results.RunResult`): test PCC with a bootstrap interval and more.

    Returns
    -------
    DataFrame
        ``method``, ``label``, ``kind``, ``test PCC``, ``95% CI``, ``valid PCC``, ``test genes``,
        ``selected`` (hyper-parameters or epoch), ``seconds`` (wall time of the run),
        ``cached`` (found in the result cache), ``data``, ``profile``, ``seed``.
    """
    from deepdiff.evaluation import bootstrap_pearson_ci
    from deepdiff.paper import method_label

    rows = []
    for run in runs:
        m = run.metrics
        pred = run.predictions
        low, high = bootstrap_pearson_ci(pred["lfc_true"], pred["lfc_pred"], n_boot=n_boot, seed=seed)
        selected = m.get("selected") or {}
        rows.append(
            {
                "method": m["method"],
                "label": method_label(m["method"]),
                "kind": m["kind"],
                "test PCC": run.test_pearson,
                "95% CI": f"[{low:.3f}, {high:.3f}]",
                "low": low,
                "high": high,
                "valid PCC": (m.get("valid") or {}).get("pearson"),
                "test genes": len(pred),
                "selected": ", ".join(
                    f"{k}={_short(v)}" for k, v in selected.items() if not isinstance(v, dict)
                )[:90],
                "seconds": m.get("wall_time_s"),
                "cached": bool(getattr(run, "reused", False)),
                "data": m["data"]["label"],
                "profile": m["profile"],
                "seed": m["seed"],
            }
        )
    return pd.DataFrame(rows)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)) and len(value) > 3:
        return f"[{len(value)} values]"
    return str(value)


def runs_of_pair(results_dir: str | os.PathLike[str], data: PairData) -> pd.DataFrame:
    """Every complete run of this pair on the same data (source and label), any profile."""
    from deepdiff.results import collect_results

    runs = collect_results(results_dir)
    if runs.empty:
        return runs
    mask = (
        (runs["pair"] == str(data.pair))
        & (runs["source"] == data.source)
        & (runs["data_label"] == data.label)
    )
    return runs[mask].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Checks of the data, for chapter 1
# --------------------------------------------------------------------------------------------


def split_table(data: PairData) -> pd.DataFrame:
    """Per split: genes, genes shared with another split, count range, LFC spread and DE share.

    Raises
    ------
    DataError
        When a gene appears in two splits or counts are negative (the data would be unusable).
    """
    from deepdiff.constants import SPLITS

    seen: dict[str, str] = {}
    rows = []
    for name in SPLITS:
        split = data.split(name)
        shared = 0
        for gene in np.asarray(split.genes).astype(str):
            if gene in seen:
                shared += 1
            seen.setdefault(gene, name)
        low = int(min(split.x_a.min(initial=0), split.x_b.min(initial=0)))
        if low < 0:
            raise DataError(f"{data.label}: negative read counts in the {name} split")
        lfc = split.lfc
        rows.append(
            {
                "split": name,
                "genes": len(split),
                "genes also in an earlier split": shared,
                "array shape (per cell)": "×".join(map(str, split.x_a.shape)),
                "count dtype": str(split.x_a.dtype),
                "max count": int(max(split.x_a.max(initial=0), split.x_b.max(initial=0))),
                "LFC SD": float(lfc.std()) if len(lfc) else np.nan,
                f"|LFC| ≥ {DE_THRESHOLD:g}": float(np.mean(np.abs(lfc) >= DE_THRESHOLD))
                if len(lfc)
                else np.nan,
            }
        )
    table = pd.DataFrame(rows).set_index("split")
    if table["genes also in an earlier split"].sum():
        raise DataError(f"{data.label}: genes appear in more than one split; the splits leak into each other")
    return table


def mark_calibration_table(data: PairData) -> pd.DataFrame:
    """Per cell and mark: simulated count summaries beside the real sample's (where that cell has real marks).

    The real summaries are those stored in the simulator's calibration, computed from the
    authors' real sample (E123 and E003); other cells are simulated from the mean of those two.
    """
    from deepdiff.constants import MARKS, SPLITS
    from deepdiff.simulate.calibration import default_calibration
    from deepdiff.simulate.stats import mark_summary

    cal = default_calibration()
    rows = []
    for side, cell in (("A", data.pair.cell_a), ("B", data.pair.cell_b)):
        x = np.concatenate([getattr(data.split(s), f"x_{side.lower()}") for s in SPLITS])
        sim = mark_summary(x)
        real = cal.real_marks.get(cell)
        for j, mark in enumerate(MARKS):
            row: dict[str, Any] = {
                "cell": f"{cell} ({side})",
                "mark": mark,
                "mean count: simulated": float(sim["mean"][j]),
                "mean count: real sample": float(real["mean"][j]) if real else np.nan,
                "zeros: simulated": float(sim["zero_fraction"][j]),
                "zeros: real sample": float(real["zero_fraction"][j]) if real else np.nan,
                "99% quantile: simulated": float(sim["q0.99"][j]),
                "99% quantile: real sample": float(real["q0.99"][j]) if real else np.nan,
                "real marks of this cell": "yes" if real else "no (mean model of E123 and E003)",
            }
            rows.append(row)
    return pd.DataFrame(rows).set_index(["cell", "mark"])
