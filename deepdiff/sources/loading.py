"""Every data source behind one entry point, :func:`load_pair`: real files or the simulator.

The real sources (``remc``, ``sample``, ``local``) live in :mod:`deepdiff.sources.real`, the
simulated one in :mod:`deepdiff.simulate`; this module sits above both and chooses.
"""

from __future__ import annotations

import os
from typing import Any

from deepdiff.data.containers import PairData
from deepdiff.data.pair import Pair
from deepdiff.errors import ConfigError
from deepdiff.sources.real import load_real_pair, resolve_source, subset_genes


def load_pair(
    pair: str | Pair,
    source: str = "remc",
    *,
    data_dir: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    base_url: str | None = None,
    progress: bool = True,
    n_genes: int | None = None,
    seed: int = 0,
) -> PairData:
    """Load one pair of cells from a data source: the single entry point for data.

    Parameters
    ----------
    pair : str or Pair
        ``"A-B"``; the target is ``log2((expr_B + 1) / (expr_A + 1))``.
    source : {"remc", "sample", "local", "simulated", "auto"}
        See :mod:`deepdiff.sources.real`; ``auto`` is ``remc`` when reachable, else ``simulated``.
    data_dir : path-like, optional
        The folder of ``source="local"`` (required there, refused elsewhere).
    cache_dir : path-like, optional
        Download and parse cache; default ``$DEEPDIFF_CACHE_DIR`` or the per-user cache.
    base_url : str, optional
        Server of the authors' files (default ``$DEEPDIFF_REMC_URL`` or GitHub).
    progress : bool
        Progress bars for downloads, parsing and simulation.
    n_genes : int, optional
        ``simulated``: genes to simulate. Real sources: keep a random subset of about this many
        genes in all (split sizes in proportion; stated in the label and checksum).
    seed : int
        Simulator seed; for real sources the seed of the subset.

    Raises
    ------
    DataError, DownloadError, ConfigError
        With messages that say what is wrong and what to do.
    """
    pair = Pair.parse(pair)
    requested = source
    source = resolve_source(source, pair, cache_dir=cache_dir, base_url=base_url)
    if source == "simulated":
        if data_dir is not None:
            raise ConfigError(f"data_dir is only used with source='local' (got source={source!r})")
        from deepdiff.simulate import simulate_pair

        kwargs: dict[str, Any] = {"seed": seed}
        if n_genes is not None:
            kwargs["n_genes"] = n_genes
        return simulate_pair(pair, **kwargs)
    data = load_real_pair(
        pair, source, data_dir=data_dir, cache_dir=cache_dir, base_url=base_url, progress=progress
    )
    if requested != source:
        data.meta["requested_source"] = requested
    return data if n_genes is None else subset_genes(data, n_genes, seed)
