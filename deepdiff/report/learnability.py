"""How learnable the simulated data are beside the real data they imitate.

The simulated *twin* of the authors' real sample is the simulator's E123-E003 with the sample's
split sizes (200 / 200 / 200 genes); the settings that make it as learnable as the sample are
recorded in :mod:`deepdiff.simulate.learnability`. This module runs the comparison: the same
methods, with the same profile, on the real sample and on twins of several data seeds.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from deepdiff import methods
from deepdiff._util.paths import shared_data_dir
from deepdiff.constants import SAMPLE_PAIR, SAMPLE_SPLIT_SIZE, SPLITS
from deepdiff.data.containers import PairData
from deepdiff.data.pair import Pair
from deepdiff.errors import DataError, DownloadError
from deepdiff.methods.parallel import MethodCall, run_methods
from deepdiff.simulate import SimulationConfig, simulate_pair
from deepdiff.simulate.learnability import LEARNABILITY_METHODS, LEARNABILITY_PROFILE, TOLERANCE
from deepdiff.sources.real import is_cached, load_real_pair, load_sample_folder

#: The twin's split sizes: those of the real sample.
TWIN_SIZES: Mapping[str, int] = {split: SAMPLE_SPLIT_SIZE for split in SPLITS}


def sample_twin(seed: int, config: SimulationConfig | None = None) -> PairData:
    """The simulator's twin of the real sample: E123-E003 with 200 genes per split."""
    return simulate_pair(SAMPLE_PAIR, n_genes=TWIN_SIZES, seed=seed, config=config)


def find_sample(
    sample_dir: str | os.PathLike[str] | None = None, *, cache_dir: str | os.PathLike[str] | None = None
) -> tuple[PairData | None, str]:
    """The real sample where it can be reached, and a sentence saying where from (or why not).

    In order: ``sample_dir`` (a folder in the authors' layout, ``Cell1.*`` and ``Cell2.*``), the
    download cache (``deepdiff data fetch --data sample``), the ``remc-sample`` folder of the
    reference data beside a source checkout (:func:`deepdiff._util.paths.shared_data_dir`). Nothing is
    downloaded here.
    """
    if sample_dir is not None:
        return load_sample_folder(sample_dir, cache_dir=cache_dir), "the folder given as sample_dir"
    if is_cached(SAMPLE_PAIR, "sample", cache_dir=cache_dir):
        try:
            data = load_real_pair(Pair.parse(SAMPLE_PAIR), "sample", cache_dir=cache_dir, progress=False)
        except (DataError, DownloadError) as err:
            return None, f"the cached copy could not be read ({err})"
        return data, "the download cache"
    shared = shared_data_dir()
    if shared is not None and (shared / "remc-sample").is_dir():
        return load_sample_folder(shared / "remc-sample", cache_dir=cache_dir), "the reference data folder"
    return None, (
        "the real sample is missing: it is neither in the download cache (deepdiff data fetch --pair "
        f"{SAMPLE_PAIR} --data sample) nor in a folder the build was pointed at (sample_dir)"
    )


def run_seeds(name: str, seeds: Sequence[int]) -> list[int]:
    """The run seeds worth running for method ``name``: all of ``seeds``, or the first for an unseeded method."""
    return list(seeds) if methods.get(name).seeded else list(seeds[:1])


def _pccs(
    runs: Sequence[tuple[PairData, str, int]], options: methods.RunOptions | None
) -> dict[str, list[float]]:
    """Method -> test PCC of each of ``runs`` (data, method, run seed; profile :data:`LEARNABILITY_PROFILE`), in
    the order given. They run here, one after the other: on the sample's 200 genes a run takes seconds, less
    than starting a worker process costs."""
    calls = [MethodCall(data, name, LEARNABILITY_PROFILE, seed) for data, name, seed in runs]
    done = run_methods(calls, options, workers=1)
    out: dict[str, list[float]] = {}
    for (_, name, _), (run, _) in zip(runs, done, strict=True):
        out.setdefault(name, []).append(float(run.test_pearson))
    return out


def method_pccs(
    data: PairData,
    names: Iterable[str] = LEARNABILITY_METHODS,
    seeds: Sequence[int] = (0,),
    *,
    options: methods.RunOptions | None = None,
) -> dict[str, list[float]]:
    """Method -> test PCC of each run (profile :data:`LEARNABILITY_PROFILE`) on ``data``."""
    return _pccs([(data, name, s) for name in names for s in run_seeds(name, seeds)], options)


def twin_pccs(
    data_seeds: Sequence[int],
    config: SimulationConfig | None = None,
    names: Sequence[str] = LEARNABILITY_METHODS,
    run_seed: int = 0,
    *,
    options: methods.RunOptions | None = None,
) -> dict[str, list[float]]:
    """Method -> test PCC on the twin of each data seed (one run each, seed ``run_seed``)."""
    twins = [sample_twin(seed, config) for seed in data_seeds]
    return _pccs([(twin, name, run_seed) for name in names for twin in twins], options)


def learnability_table(
    real: Mapping[str, Sequence[float]] | None, simulated: Mapping[str, Sequence[float]]
) -> pd.DataFrame:
    """One row per method: mean test PCC on the real sample and on the twins, the gap, and whether it holds.

    ``real`` is None when the real sample could not be reached (its columns then say so).
    """
    rows = []
    for name, sim in simulated.items():
        sim_mean = float(np.mean(sim))
        row = {
            "method": methods.label(name),
            "simulated twins: test PCC": f"{sim_mean:.3f} (sd {np.std(sim):.3f}, {len(sim)} data seeds)",
        }
        if real is None or name not in real:
            row |= {"real sample: test PCC": "missing", "gap (sim − real)": "—", f"within {TOLERANCE:g}": "—"}
        else:
            real_mean = float(np.mean(real[name]))
            gap = sim_mean - real_mean
            runs = len(real[name])
            row |= {
                "real sample: test PCC": f"{real_mean:.3f} ({runs} run{'s' if runs > 1 else ''})",
                "gap (sim − real)": f"{gap:+.3f}",
                f"within {TOLERANCE:g}": "yes" if abs(gap) <= TOLERANCE else "no",
            }
        rows.append(row)
    columns = ["method", "real sample: test PCC", "simulated twins: test PCC", "gap (sim − real)"]
    return pd.DataFrame(rows)[[*columns, f"within {TOLERANCE:g}"]].set_index("method")


def scores_by_training_genes(
    pair: str,
    gene_counts: Sequence[int],
    names: Sequence[str],
    *,
    profile: str,
    seed: int = 0,
    data_seed: int = 0,
    options: methods.RunOptions | None = None,
) -> pd.DataFrame:
    """Test PCC of each method on simulated pairs of ``pair`` with more and more genes.

    One simulated pair per entry of ``gene_counts`` (data seed ``data_seed``, the paper's split
    proportions), each method run once (``profile``, run seed ``seed``), the runs in worker processes
    (:func:`deepdiff.methods.parallel.run_methods`). Columns: ``genes``,
    ``training genes``, ``method`` (its label), ``name``, ``test PCC``.
    """
    sizes = list(dict.fromkeys(int(n) for n in gene_counts))
    pairs = {n: simulate_pair(pair, n_genes=n, seed=data_seed) for n in sizes}
    keys = [(n, name) for n in sizes for name in names]
    done = run_methods(
        [MethodCall(pairs[n], name, profile, seed) for n, name in keys], options, desc="training sizes"
    )
    rows = [
        {
            "genes": n,
            "training genes": len(pairs[n].train),
            "method": methods.label(name),
            "name": name,
            "test PCC": float(run.test_pearson),
        }
        for (n, name), (run, _) in zip(keys, done, strict=True)
    ]
    return pd.DataFrame(rows)
