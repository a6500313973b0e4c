"""``simulate_pair``: a pair of cells with planted marks-to-expression links, calibrated to real data.

Per gene (all independent), with the pair's change model ``(scale, tail)`` from calibration.json
and the settings ``f`` (explained_fraction), ``c`` (change_signal_fraction) and ``l``
(level_signal_fraction) of :class:`SimulationConfig`::

    level      = sqrt(l) * b1 + sqrt(1 - l) * b2                 b1, b2 ~ N(0, 1)
    w          = scale * exp(tail * h)                           h ~ N(0, 1): heavy-tailed changes
    change     = w * (sqrt(c) * g1 + sqrt(1 - c) * g2)           g1: seen by the marks, g2: noise
    latent_X   = (level -/+ change / 2) / sd                     X = A (minus) or B (plus)
    expression = round(2 ** Q_X(F(latent_X)) - 1)               Q_X: real quantiles of log2(expr + 1)

    mark change  = w * sqrt(c) * g1        for explained genes (a share f)
                 = 0                       for the others: their marks do not change at all
    activity_X   = (sqrt(l) * b1 -/+ mark change / 2) / sd'   drives cell X's marks
                                                            (:mod:`deepdiff.simulate.marks`)

``sd`` and ``sd'`` make the latent values unit-variance and ``F`` is the latent values' exact CDF
(:func:`~deepdiff.simulate.mechanism.latent_cdf`). So each cell's expression has the real
distribution of that cell, the LFC has the pair's real spread, and the marks follow activity:
the LFC is predictable from the marks up to the expression noise ``g2``, the unexplained genes
(whose expression changes without any change of their marks, as under post-transcriptional
regulation: their marks show the gene's mean level in both cells) and the count noise.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from deepdiff.constants import FULL_SPLIT_SIZES, MARKS, N_BINS, N_MARKS, SPLITS
from deepdiff.data.containers import PairData, SplitData
from deepdiff.data.pair import Pair
from deepdiff.errors import ConfigError
from deepdiff.simulate.calibration import (
    Calibration,
    GeneEffects,
    MarkModel,
    PairChange,
    default_calibration,
    pair_key,
)
from deepdiff.simulate.config import SIMULATOR_VERSION, SimulationConfig
from deepdiff.simulate.marks import cell_counts, draw_pair
from deepdiff.simulate.mechanism import (
    MARK_SIGNS,
    counts_from_log_expression,
    informative_bin_ranges,
    latent_sd,
    log_expression_from_latent,
    planted_kernels,
    planted_response,
)
from deepdiff.simulate.truth import SimulationTruth

#: Genes simulated per random stream (fixed: changing it changes the data).
CHUNK_GENES = 1024
#: Fewest genes per split when ``n_genes`` is given.
MIN_SPLIT_GENES = 3
GENE_ID_FORMAT = "ENSGSIM{:08d}"


def split_sizes(n_genes: int | Mapping[str, int] | None) -> dict[str, int]:
    """Genes per split: the paper's 10,000 / 2,360 / 6,100 for ``None``, else the same proportions.

    A mapping ``{"train": ..., "valid": ..., "test": ...}`` gives the sizes themselves (a
    simulated twin of a real data set with its own split sizes, e.g. the authors' 200 / 200 / 200
    sample).

    Raises
    ------
    ConfigError
        When ``n_genes`` cannot give every split at least :data:`MIN_SPLIT_GENES` genes.
    """
    if n_genes is None:
        return dict(FULL_SPLIT_SIZES)
    if isinstance(n_genes, Mapping):
        sizes = {s: n_genes.get(s) for s in SPLITS}
        if set(n_genes) != set(SPLITS) or any(
            isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < MIN_SPLIT_GENES
            for v in sizes.values()
        ):
            raise ConfigError(
                f"split sizes must give {', '.join(SPLITS)} each a whole number >= {MIN_SPLIT_GENES}; got {dict(n_genes)!r}"
            )
        return {s: int(v) for s, v in sizes.items()}
    if (
        isinstance(n_genes, bool)
        or not isinstance(n_genes, (int, np.integer))
        or n_genes < 3 * MIN_SPLIT_GENES
    ):
        raise ConfigError(
            f"n_genes must be a whole number >= {3 * MIN_SPLIT_GENES} ({MIN_SPLIT_GENES} genes per split), "
            f"or None for the full 18,460; got {n_genes!r}"
        )
    total = sum(FULL_SPLIT_SIZES.values())
    valid = max(MIN_SPLIT_GENES, round(int(n_genes) * FULL_SPLIT_SIZES["valid"] / total))
    test = max(MIN_SPLIT_GENES, round(int(n_genes) * FULL_SPLIT_SIZES["test"] / total))
    return {"train": int(n_genes) - valid - test, "valid": valid, "test": test}


def gene_ids(n: int) -> np.ndarray:
    """``ENSGSIM00000001`` ... for ``n`` genes."""
    return np.array([GENE_ID_FORMAT.format(i) for i in range(1, n + 1)])


def gene_symbol(gene: str) -> str:
    """The symbol of a simulated gene id (``ENSGSIM00000042`` -> ``SIM42``); ``""`` for other ids."""
    prefix = GENE_ID_FORMAT.split("{")[0]
    return (
        f"SIM{int(gene[len(prefix) :])}" if gene.startswith(prefix) and gene[len(prefix) :].isdigit() else ""
    )


@dataclass(frozen=True)
class Latents:
    """Per-gene latent values of one simulated pair (all genes, in simulation order)."""

    latent_a: np.ndarray
    latent_b: np.ndarray
    activity_a: np.ndarray
    activity_b: np.ndarray
    oracle_a: np.ndarray
    oracle_b: np.ndarray
    explained: np.ndarray


def draw_latents(rng: np.random.Generator, n: int, change: PairChange, config: SimulationConfig) -> Latents:
    """The latent model of the module docstring for ``n`` genes."""
    ell, c = config.level_signal_fraction, config.change_signal_fraction
    b1, b2, h, g1, g2 = (rng.standard_normal(n) for _ in range(5))
    explained = rng.random(n) < config.explained_fraction
    width = change.scale * np.exp(change.tail * h)
    seen = width * np.sqrt(c) * g1
    total = seen + width * np.sqrt(1.0 - c) * g2
    mark_change = np.where(explained, seen, 0.0)
    level_seen = np.sqrt(ell) * b1
    level = level_seen + np.sqrt(1.0 - ell) * b2
    sd = latent_sd(change.scale, change.tail)
    sd_act = np.sqrt(ell + c * change.scale**2 * np.exp(2 * change.tail**2) / 4)
    return Latents(
        latent_a=(level - total / 2) / sd,
        latent_b=(level + total / 2) / sd,
        activity_a=(level_seen - mark_change / 2) / sd_act,
        activity_b=(level_seen + mark_change / 2) / sd_act,
        # What the marks say, at the gene's exact level and without expression noise.
        oracle_a=(level - mark_change / 2) / sd,
        oracle_b=(level + mark_change / 2) / sd,
        explained=explained,
    )


def linked_mark_model(model: MarkModel, config: SimulationConfig) -> MarkModel:
    """A cell's fitted mark model with its activating marks' spread of peak heights scaled by ``config``."""
    if config.kernel_sd_scale == 1.0:
        return model
    scale = np.where(model.sign > 0, config.kernel_sd_scale, 1.0)
    return dataclasses.replace(model, kernel_sd=model.kernel_sd * scale)


def _seed_sequence(seed: int, pair: Pair) -> np.random.SeedSequence:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"seed must be a non-negative whole number, got {seed!r}")
    # The pair enters the seed so that two pairs simulated with one seed are not copies.
    return np.random.SeedSequence([int(seed), zlib.crc32(str(pair).encode())])


def simulation_checksum(
    pair: Pair, sizes: dict[str, int], seed: int, config: SimulationConfig, calibration: Calibration
) -> str:
    """SHA-256 of everything that determines the data: version, config, seed, sizes, pair, calibration."""
    payload = {
        "simulator_version": SIMULATOR_VERSION,
        "config": config.to_dict(),
        "seed": int(seed),
        "sizes": sizes,
        "pair": str(pair),
        "calibration": hashlib.sha256(json.dumps(calibration.to_json(), sort_keys=True).encode()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _truth(
    pair: Pair,
    seed: int,
    config: SimulationConfig,
    models: tuple[MarkModel, MarkModel],
    latents: Latents,
    lfc: np.ndarray,
    oracle_lfc: np.ndarray,
    bounds: dict[str, slice],
    sources: dict[str, str],
) -> SimulationTruth:
    responses = [planted_response(m, coupling_scale=config.mark_coupling) for m in models]
    weights = np.mean([r[0] for r in responses], axis=0)
    information = np.mean([r[1] for r in responses], axis=0)
    mark_information = np.mean([r[2] for r in responses], axis=0)
    total = mark_information.sum()
    importance = mark_information / total if total > 0 else np.zeros(N_MARKS)
    kernels = planted_kernels()
    planted = [
        (mark, MARK_SIGNS[mark])
        for i, mark in enumerate(MARKS)
        if MARK_SIGNS[mark] != 0 and kernels[i].any() and config.mark_coupling > 0
    ]
    ranges = informative_bin_ranges(kernels)
    per_split = {
        name: {
            "explained": latents.explained[sl],
            "activity_a": latents.activity_a[sl],
            "activity_b": latents.activity_b[sl],
            "oracle_lfc": oracle_lfc[sl],
        }
        for name, sl in bounds.items()
    }
    return SimulationTruth(
        pair=str(pair),
        seed=int(seed),
        config=config,
        informative_marks=tuple(planted),
        informative_bins={m: (ranges[m] if (m, MARK_SIGNS[m]) in planted else []) for m in MARKS},
        bin_weights=weights,
        bin_information=information,
        mark_importance=importance,
        explained={k: v["explained"] for k, v in per_split.items()},
        activity_a={k: v["activity_a"] for k, v in per_split.items()},
        activity_b={k: v["activity_b"] for k, v in per_split.items()},
        oracle_lfc={k: v["oracle_lfc"] for k, v in per_split.items()},
        oracle_pcc={k: float(np.corrcoef(oracle_lfc[sl], lfc[sl])[0, 1]) for k, sl in bounds.items()},
        sources=sources,
    )


@dataclass(frozen=True)
class _Expression:
    """Both cells' expression counts of a simulated pair, their LFC and the LFC the marks explain."""

    expr_a: np.ndarray
    expr_b: np.ndarray
    lfc: np.ndarray
    oracle_lfc: np.ndarray


def _expression(
    latents: Latents, quant_a: np.ndarray, quant_b: np.ndarray, change: PairChange
) -> _Expression:
    """Expression counts from the latent values, through each cell's real quantiles."""
    shape = (change.scale, change.tail)
    log_a = log_expression_from_latent(latents.latent_a, quant_a, *shape)
    log_b = log_expression_from_latent(latents.latent_b, quant_b, *shape)
    expr_a, expr_b = counts_from_log_expression(log_a), counts_from_log_expression(log_b)
    lfc = np.log2(expr_b + 1.0) - np.log2(expr_a + 1.0)
    oracle_lfc = log_expression_from_latent(latents.oracle_b, quant_b, *shape) - log_expression_from_latent(
        latents.oracle_a, quant_a, *shape
    )
    return _Expression(expr_a, expr_b, lfc, oracle_lfc)


def _mark_counts(
    mark_root: np.random.SeedSequence,
    latents: Latents,
    effects: GeneEffects,
    models: tuple[MarkModel, MarkModel],
    config: SimulationConfig,
    desc: str,
    progress: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Both cells' mark counts (genes x marks x bins), :data:`CHUNK_GENES` genes per random stream."""
    n = len(latents.activity_a)
    x_a = np.empty((n, N_MARKS, N_BINS), dtype=np.uint16)
    x_b = np.empty((n, N_MARKS, N_BINS), dtype=np.uint16)
    kernels = planted_kernels()
    starts = range(0, n, CHUNK_GENES)
    streams = mark_root.spawn(len(starts))
    for start, stream in tqdm(
        list(zip(starts, streams, strict=True)), desc=desc, unit="chunk", disable=not progress
    ):
        stop = min(start + CHUNK_GENES, n)
        rng = np.random.default_rng(stream)
        draws_a, draws_b = draw_pair(rng, stop - start, effects, models)
        for out, model, activity, draws in (
            (x_a, models[0], latents.activity_a, draws_a),
            (x_b, models[1], latents.activity_b, draws_b),
        ):
            out[start:stop] = cell_counts(
                rng,
                model,
                kernels,
                activity[start:stop],
                draws,
                coupling_scale=config.mark_coupling,
                depth=config.depth,
            )
    return x_a, x_b


def _bounds(sizes: dict[str, int]) -> dict[str, slice]:
    """Each split's genes in simulation order: train, then valid, then test."""
    offsets = np.cumsum([0] + [sizes[s] for s in SPLITS])
    return {s: slice(int(offsets[i]), int(offsets[i + 1])) for i, s in enumerate(SPLITS)}


def _mark_models(
    calibration: Calibration, pair: Pair, config: SimulationConfig
) -> tuple[tuple[MarkModel, MarkModel], GeneEffects]:
    """Both cells' mark models, linked to activity as ``config`` says, and the genes' effects on them."""
    models = (
        linked_mark_model(calibration.mark_model(pair.cell_a), config),
        linked_mark_model(calibration.mark_model(pair.cell_b), config),
    )
    effects = dataclasses.replace(
        calibration.gene_effects,
        mark_loading=calibration.gene_effects.mark_loading * config.mark_loading_scale,
    )
    return models, effects


def _splits(
    genes: np.ndarray, x_a: np.ndarray, x_b: np.ndarray, expression: _Expression, bounds: dict[str, slice]
) -> dict[str, SplitData]:
    """The simulated genes cut into the splits of ``bounds``."""
    return {
        s: SplitData(
            genes=genes[sl],
            x_a=x_a[sl],
            x_b=x_b[sl],
            expr_a=expression.expr_a[sl],
            expr_b=expression.expr_b[sl],
        )
        for s, sl in bounds.items()
    }


def _sources(
    pair: Pair, change: PairChange, models: tuple[MarkModel, MarkModel], expression_keys: tuple[str, str]
) -> dict[str, str]:
    """Which calibration each part of the simulation came from."""
    return {
        "change": change.source,
        f"marks {pair.cell_a}": models[0].source,
        f"marks {pair.cell_b}": models[1].source,
        f"expression {pair.cell_a}": expression_keys[0],
        f"expression {pair.cell_b}": expression_keys[1],
    }


def simulate_pair(
    pair: str | Pair = "E003-E004",
    *,
    n_genes: int | Mapping[str, int] | None = None,
    seed: int = 0,
    config: SimulationConfig | None = None,
    progress: bool = False,
) -> PairData:
    """Simulate one pair of cells, calibrated to the real data of that pair.

    Parameters
    ----------
    pair : str or Pair
        ``"A-B"``; any of the paper's ten pairs or other cells of the nine (calibrated from their
        real expression files), or any other cell names (then the default calibration: the
        pooled expression distribution, the median change of the ten pairs, the mean mark
        model). The target is ``log2((expr_B + 1) / (expr_A + 1))``.
    n_genes : int, optional
        Genes in all; ``None`` gives the paper's 18,460 (10,000 / 2,360 / 6,100), otherwise the
        same proportions with at least 3 genes per split; a mapping of split to genes gives the
        split sizes themselves.
    seed : int
        Same seed, same arrays (byte for byte).
    config : SimulationConfig, optional
        Difficulty settings; the defaults are documented there.
    progress : bool
        Show a progress bar over chunks of genes.

    Returns
    -------
    PairData
        ``source="simulated"``; ``truth`` holds the planted mechanism
        (:class:`~deepdiff.simulate.truth.SimulationTruth`).
    """
    pair = Pair.parse(pair)
    config = SimulationConfig() if config is None else config
    sizes = split_sizes(n_genes)
    n = sum(sizes.values())
    calibration = default_calibration()
    change = calibration.change(pair)
    models, effects = _mark_models(calibration, pair, config)
    (quant_a, key_a), (quant_b, key_b) = (
        calibration.expression_quantiles(c) for c in (pair.cell_a, pair.cell_b)
    )
    latent_stream, mark_root = _seed_sequence(seed, pair).spawn(2)
    latents = draw_latents(np.random.default_rng(latent_stream), n, change, config)

    expression = _expression(latents, quant_a, quant_b, change)
    x_a, x_b = _mark_counts(mark_root, latents, effects, models, config, f"simulating {pair}", progress)
    bounds = _bounds(sizes)
    splits = _splits(gene_ids(n), x_a, x_b, expression, bounds)
    own = change.source == pair_key(pair)
    sources = _sources(pair, change, models, (key_a, key_b))
    calibrated_to = str(pair) if own else f"the default calibration ({pair} has no real expression data)"
    truth = _truth(
        pair, seed, config, models, latents, expression.lfc, expression.oracle_lfc, bounds, sources
    )
    return PairData(
        pair=pair,
        train=splits["train"],
        valid=splits["valid"],
        test=splits["test"],
        source="simulated",
        label=f"simulated (seed {seed}, {n} genes, calibrated to {calibrated_to})",
        checksum=simulation_checksum(pair, sizes, seed, config, calibration),
        truth=truth,
        meta={
            "simulator_version": SIMULATOR_VERSION,
            "seed": int(seed),
            "sizes": sizes,
            "config": config.to_dict(),
            "calibration": sources,
            "gene_symbols": "SIM<number>, from the gene id (deepdiff.simulate.gene_symbol)",
        },
    )
