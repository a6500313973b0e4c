"""A grid's settings: which pairs, variants, baselines and seeds, on which data, with which budget.

The paper's grid is the default: pairs x variants x seeds, plus the baselines; the variants are Table 1's
seven and Appendix Section 1.6's two (Figure 2, Table 3). The Snakemake workflow in ``workflow/`` turns
each job (:mod:`deepdiff.grid.jobs`) into one ``deepdiff`` command, so the grid is defined once, here, and
is testable without a workflow engine.

A grid is set by a :class:`GridConfig`, read from a mapping (``workflow/config.yaml`` and
Snakemake's ``--config KEY=VALUE``, or ``--config FILE --set KEY=VALUE`` on the command line,
:func:`load_grid`); :meth:`GridConfig.cli_options` writes it back as ``--set`` options, so that
every command of the workflow sees the same grid. The key ``shard: i/N`` keeps the i-th of
N shards of its jobs (:func:`deepdiff.grid.jobs.shard_jobs`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from deepdiff import methods
from deepdiff.constants import DEVICE_CHOICES, PAPER_PAIRS, check_data_source, check_profile
from deepdiff.data.pair import Pair
from deepdiff.errors import ConfigError, DataError
from deepdiff.grid.files import BOOK_MARKER, GRID_RUNS_FILE, REPORT_NOTEBOOK
from deepdiff.methods import ALL_VARIANTS, APPENDIX_VARIANTS, PAPER_BASELINES, PAPER_VARIANTS

#: The rule (and command) that runs a job: ``train`` for every method trained by the training loop
#: (the DeepDiff variants and AttentiveChrome-diff), ``baseline`` for the others.
JobKind = Literal["train", "baseline"]


def _positive(name: str, value: object, *, allow_zero: bool = False) -> None:
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        what = "a whole number >= 0" if allow_zero else "a positive whole number"
        raise ConfigError(f"grid setting {name} must be {what}, got {value!r}")


@dataclass(frozen=True)
class GridConfig:
    """What to run. Defaults: the paper's grid on the real data with the paper's budget.

    Attributes
    ----------
    pairs : tuple of str
        Pairs ``A-B`` (``all`` in a mapping: the paper's ten).
    variants : tuple of str
        DeepDiff variants (may be empty). Default: Table 1's seven, then Appendix Section 1.6's
        two (``aux_cls``, ``raw_aux_cls``) on every pair, since the paper does not name the six
        pairs it ran them on.
    baselines : tuple of str
        Baselines of :data:`deepdiff.methods.METHODS` (may be empty).
    seeds : tuple of int
        Run seeds; a method whose result does not depend on its seed (``seeded=False`` in the
        registry) runs once, with the first.
    data : str
        Data source (:data:`deepdiff.constants.DATA_SOURCES`).
    profile : str
        Budget (``paper`` or ``quick``).
    results_dir : str
        The result cache; the workflow's bookkeeping lives in its ``.grid/`` folder.
    device : str
        Torch device of the training jobs.
    data_dir : str, optional
        The folder of ``data: local``.
    genes : int, optional
        ``--genes``: genes to simulate, or a random subset of real data.
    data_seed : int
        ``--data-seed``: seed of the simulation or the subset.
    epochs : int, optional
        ``--epochs`` of the training jobs (default: the profile's).
    threads : int
        CPU threads of each job (``--threads`` / ``--n-jobs``, ``OMP_NUM_THREADS``).
    gpus : int
        GPUs each training job asks a cluster for (0: none).
    shard : str, optional
        ``i/N``: only the i-th of N shards of the jobs (:func:`shard_jobs`).
    extra_args : tuple of str
        More arguments for every ``train`` and ``baseline`` command.
    """

    pairs: tuple[str, ...] = PAPER_PAIRS
    # Table 1's seven and the appendix's two (Appendix Section 1.6 ran them on six pairs it does not name)
    variants: tuple[str, ...] = (*PAPER_VARIANTS, *APPENDIX_VARIANTS)
    baselines: tuple[str, ...] = PAPER_BASELINES
    seeds: tuple[int, ...] = (0, 1, 2)
    data: str = "remc"
    profile: str = "paper"
    results_dir: str = "results"
    device: str = "auto"
    data_dir: str | None = None
    genes: int | None = None
    data_seed: int = 0
    epochs: int | None = None
    threads: int = 2
    gpus: int = 0
    shard: str | None = None
    extra_args: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.pairs:
            raise ConfigError("the grid needs at least one pair")
        for pair in self.pairs:
            try:
                Pair.parse(pair)
            except DataError as err:
                raise ConfigError(f"grid setting pairs: {err}") from None
        unknown = sorted(set(self.variants) - set(ALL_VARIANTS))
        if unknown:
            raise ConfigError(f"unknown variants in the grid: {unknown}; choose from {list(ALL_VARIANTS)}")
        baselines = methods.names(kind="baseline")
        unknown = sorted(set(self.baselines) - set(baselines))
        if unknown:
            raise ConfigError(f"unknown baselines in the grid: {unknown}; choose from {list(baselines)}")
        if not self.variants and not self.baselines:
            raise ConfigError("the grid has no method: give at least one variant or baseline")
        if not self.seeds:
            raise ConfigError("the grid needs at least one seed")
        for seed in self.seeds:
            _positive("seeds", seed, allow_zero=True)
        check_profile(self.profile, setting="grid setting profile")
        if self.device not in DEVICE_CHOICES and not re.fullmatch(r"cuda:\d+", self.device):
            raise ConfigError(
                f"grid setting device={self.device!r}; choose one of {', '.join(DEVICE_CHOICES)}"
            )
        check_data_source(self.data, setting="grid setting data")
        if self.data == "local" and not self.data_dir:
            raise ConfigError("data: local needs data_dir, the folder with CELL.{train,valid,test,expr}.csv")
        if self.data != "local" and self.data_dir:
            raise ConfigError(f"data_dir is only used with data: local (got data: {self.data})")
        for name in ("genes", "epochs"):
            if getattr(self, name) is not None:
                _positive(name, getattr(self, name))
        _positive("data_seed", self.data_seed, allow_zero=True)
        _positive("threads", self.threads)
        _positive("gpus", self.gpus, allow_zero=True)
        if self.shard is not None:
            parse_shard(self.shard)
        if not str(self.results_dir).strip():
            raise ConfigError("grid setting results_dir is empty")

    def describe(self) -> str:
        """One line: the grid's size, data and budget."""
        text = (
            f"{len(self.pairs)} pair(s) ({', '.join(self.pairs)}) × {len(self.variants)} variants × "
            f"{len(self.seeds)} seed(s), plus {len(self.baselines)} baselines; data {self.data}"
        )
        text += f" ({self.data_dir})" if self.data_dir else ""
        text += f", {self.genes} genes" if self.genes else ""
        text += f", profile {self.profile}" + (f", {self.epochs} epochs" if self.epochs else "")
        return text + (f"; shard {self.shard}" if self.shard else "")

    @property
    def methods(self) -> tuple[str, ...]:
        """Variants, then baselines."""
        return (*self.variants, *self.baselines)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> GridConfig:
        """Build from a workflow config (YAML): lists become tuples; unknown keys are an error.

        ``pairs: [all]`` (or ``all``) is the paper's ten pairs; a single seed may be given as a
        number; ``null`` (or an empty value) for ``data_dir``, ``genes``, ``epochs`` or ``shard``
        means unset. Numbers given as text are read as numbers, since Snakemake's ``--config``
        passes the items of a list (``seeds=[0]``) and ``null`` as text.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ConfigError(f"unknown grid settings {unknown}; known: {sorted(known)}")
        values = {key: _setting(key, value) for key, value in config.items()}
        if values.get("pairs") == ("all",):
            values["pairs"] = PAPER_PAIRS
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """Every setting as plain YAML/JSON values (lists for tuples); :meth:`from_mapping` reads it back."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def cli_options(self) -> list[str]:
        """``--set KEY=VALUE`` for every setting: how the workflow passes its grid to a command."""
        out: list[str] = []
        for key, value in self.to_mapping().items():
            out += ["--set", f"{key}={json.dumps(value)}"]
        return out

    def data_options(self) -> list[str]:
        """The data arguments of every command (``--data``, ``--data-dir``, ``--genes``, ``--data-seed``)."""
        out = ["--data", self.data]
        if self.data_dir:
            out += ["--data-dir", self.data_dir]
        if self.genes is not None:
            out += ["--genes", str(self.genes)]
        if self.data_seed:
            out += ["--data-seed", str(self.data_seed)]
        return out

    def fetch_argv(self, pair: str) -> list[str]:
        """``deepdiff data fetch`` of one pair: downloads the real data, checks local files, or nothing."""
        return ["deepdiff", "data", "fetch", "--pair", pair, *self.data_options(), "--no-progress"]

    def bundle_file(self) -> str:
        """Where the workflow's ``pack`` rule writes the grid's bundle, relative to the results directory."""
        if self.shard is None:
            return ".grid/results.tar.gz"
        index, count = parse_shard(self.shard)
        return f".grid/results-shard-{index}-of-{count}.tar.gz"

    def targets(self) -> list[str]:
        """What the workflow makes by default, relative to the results directory.

        The whole grid: the grid's tables (``aggregate``), the results notebook and the book; a
        shard: its bundle (the book is built once, from the merged bundles).
        """
        if self.shard is not None:
            return [self.bundle_file()]
        return [GRID_RUNS_FILE, REPORT_NOTEBOOK, BOOK_MARKER]

    def book_env(self) -> dict[str, str]:
        """Environment of the book's build: the grid's results, and its data where the notebooks can take it.

        The notebooks read ``DEEPDIFF_DATA`` for ``data='auto'`` and run on the pair E003-E004: the
        grid's data are passed on for ``remc`` and ``simulated``; ``sample`` lacks that pair and
        ``local`` needs a folder the notebooks are not given, so they keep their default then (the
        real data when reachable, else simulated, as the book says on every page).
        """
        env = {"DEEPDIFF_RESULTS_DIR": str(Path(self.results_dir).expanduser().resolve())}
        if self.data in ("remc", "simulated"):
            env["DEEPDIFF_DATA"] = self.data
        return env


#: The book's reduced grid (chapter 5, ``notebooks/05_results``, and the workflow's
#: ``workflow/grids/quick.yaml``, tested against it): the pair E003-E004 (chapters 2 and 3 ran its
#: baselines and Raw:c) x Table 1's seven variants x one seed, plus the paper's four baselines, with the
#: ``book`` profile, whose runs reach a plateau. The notebook runs it on its ``data`` parameter; the
#: workflow's quick grid on simulated data of the notebooks' size
#: (:data:`deepdiff.report.notebook.SIMULATED_GENES` genes).
BOOK_GRID: GridConfig = GridConfig(
    pairs=("E003-E004",),
    variants=PAPER_VARIANTS,
    baselines=PAPER_BASELINES,
    seeds=(0,),
    data="simulated",
    profile="book",
)


def kind_methods(kind: JobKind) -> tuple[str, ...]:
    """The methods a rule runs: ``train``, those with a training loop; ``baseline``, the others."""
    return methods.names(training_loop=True) if kind == "train" else methods.names(training_loop=False)


_LISTS = ("pairs", "variants", "baselines", "seeds", "extra_args")
_OPTIONAL = ("data_dir", "genes", "epochs", "shard")
_NUMBERS = ("seeds", "genes", "epochs", "data_seed", "threads", "gpus")
_NULLS = ("", "null", "none", "~")


def _number(key: str, value: object) -> object:
    """A whole number written as text (``"3"``) as a number; anything else unchanged."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, str):
        raise ConfigError(f"grid setting {key}: {value!r} is not a whole number")
    return value


def _setting(key: str, value: object) -> object:
    """One setting of a mapping in :class:`GridConfig`'s types."""
    if key in _OPTIONAL and (value is None or (isinstance(value, str) and value.strip().lower() in _NULLS)):
        return None
    if key in _LISTS:
        if value is None:
            return ()
        items = tuple(value) if isinstance(value, (list, tuple)) else (value,)
        return tuple(_number(key, v) for v in items) if key in _NUMBERS else tuple(str(v) for v in items)
    if key in _NUMBERS:
        return _number(key, value)
    return value if value is None else str(value)


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/N"`` as ``(i, N)`` with ``1 <= i <= N``; a ConfigError otherwise."""
    try:
        index, count = (int(part) for part in str(text).split("/"))
    except ValueError:
        raise ConfigError(f"grid setting shard={text!r}: expected i/N, e.g. 3/20 (the 3rd of 20)") from None
    if not 1 <= index <= count:
        raise ConfigError(f"grid setting shard={text!r}: i must be between 1 and N")
    return index, count


def load_grid(config_file: str | os.PathLike[str] | None = None, overrides: Sequence[str] = ()) -> GridConfig:
    """A grid from a YAML file (default: the paper's grid) and ``KEY=VALUE`` overrides.

    Values are YAML, as in Snakemake's ``--config``: ``seeds=[0]``, ``baselines=[]``,
    ``genes=300``, ``data_dir=/path``.

    Raises
    ------
    ConfigError
        For an unreadable file, an override without ``=``, or a bad setting.
    """
    import yaml

    mapping: dict[str, Any] = {}
    if config_file is not None:
        path = Path(config_file)
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as err:
            raise ConfigError(f"cannot read the grid configuration {path}: {err.strerror}") from None
        except yaml.YAMLError as err:
            raise ConfigError(f"{path} is not valid YAML: {err}") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path} must hold a mapping of grid settings, e.g. 'profile: quick'")
        mapping.update(loaded)
    for item in overrides:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"override {item!r}: expected KEY=VALUE, e.g. seeds=[0]")
        try:
            mapping[key.strip()] = yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError as err:
            raise ConfigError(f"override {item!r}: the value is not valid YAML ({err})") from None
    return GridConfig.from_mapping(mapping)
