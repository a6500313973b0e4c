"""The simulator reproduces the real data it was calibrated to (needs ../shared/data beside the project).

Marks are compared with the authors' real sample (E123 = Cell1, E003 = Cell2, 600 genes), the
expression and fold-change spread with the real expression files (19,795 genes per cell).

Tolerances: a statistic of the real sample is itself uncertain (600 genes; heavy tails), so
each mark statistic may differ by up to four bootstrap standard errors of the real value
(genes resampled) plus a margin for the model's misfit (about 0.03 on fractions, 15 % on
means and high quantiles), the size of the differences the fit leaves (its report is in
calibration.json). The fold-change spread of a paper pair is matched by construction up to
the Monte-Carlo error of the fit (std +/- 5 %, fraction with |LFC| >= 2 +/- 0.03).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepdiff.constants import MARKS, PAPER_PAIRS, SAMPLE_CELLS, SPLITS
from deepdiff.data import remc_format
from deepdiff.data.containers import PairData
from deepdiff.data.layout import EXPRESSION_ROLE, cell_file
from deepdiff.simulate import SimulationConfig, simulate_pair
from deepdiff.simulate.calibration import default_calibration
from deepdiff.simulate.generator import draw_latents
from deepdiff.simulate.mechanism import counts_from_log_expression, log_expression_from_latent
from deepdiff.simulate.stats import lfc_summary, log_expression, mark_summary, promoter_expression_corr


def read_sample(sample_dir: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    parts = [remc_format.read_split(sample_dir / cell_file(name, s)) for s in SPLITS]
    genes = np.concatenate([p.genes for p in parts])
    expr = remc_format.read_expression(sample_dir / cell_file(name, EXPRESSION_ROLE))
    return np.concatenate([p.counts for p in parts]), expr.lookup(genes, expr_path="", split_path="")


@pytest.fixture(scope="module")
def simulated_sample_pair() -> PairData:
    """The sample's pair, cell A = E123 (Cell1), cell B = E003 (Cell2)."""
    return simulate_pair("E123-E003", n_genes=3000, seed=11)


def _stack(data: PairData, name: str) -> np.ndarray:
    return np.concatenate([getattr(data.split(s), name) for s in SPLITS])


def _bootstrap_se(counts: np.ndarray, n_boot: int = 100) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    draws = [mark_summary(counts[rng.integers(0, len(counts), len(counts))]) for _ in range(n_boot)]
    return {k: np.std([d[k] for d in draws], axis=0) for k in ("mean", "zero_fraction", "q0.99")}


@pytest.mark.parametrize("side", ["a", "b"])
def test_mark_count_distributions(sample_dir: Path, simulated_sample_pair: PairData, side: str) -> None:
    cell = simulated_sample_pair.pair.cell_a if side == "a" else simulated_sample_pair.pair.cell_b
    real_counts, _ = read_sample(sample_dir, SAMPLE_CELLS[cell])
    real, se = mark_summary(real_counts), _bootstrap_se(real_counts)
    sim = mark_summary(_stack(simulated_sample_pair, f"x_{side}"))
    for stat, margin in (("mean", 0.15), ("zero_fraction", 0.03), ("q0.99", 0.15)):
        allowed = 4 * se[stat] + (margin if stat == "zero_fraction" else margin * real[stat])
        gap = np.abs(sim[stat] - real[stat])
        bad = {
            MARKS[m]: (round(float(sim[stat][m]), 3), round(float(real[stat][m]), 3))
            for m in np.flatnonzero(gap > allowed)
        }
        assert not bad, f"{cell} {stat}: simulated vs real {bad}"


@pytest.mark.parametrize("side", ["a", "b"])
def test_positional_profiles(sample_dir: Path, simulated_sample_pair: PairData, side: str) -> None:
    cell = simulated_sample_pair.pair.cell_a if side == "a" else simulated_sample_pair.pair.cell_b
    real_counts, _ = read_sample(sample_dir, SAMPLE_CELLS[cell])
    real = mark_summary(real_counts)["profile"]
    sim = mark_summary(_stack(simulated_sample_pair, f"x_{side}"))["profile"]
    for m, mark in enumerate(MARKS):
        corr = np.corrcoef(real[m], sim[m])[0, 1]
        # H3K9me3 is flat: its real profile is mostly per-bin noise of 600 genes.
        assert corr > (0.5 if mark == "H3K9me3" else 0.9), f"{cell} {mark}: profile correlation {corr:.3f}"
    k4me3 = MARKS.index("H3K4me3")
    assert 90 <= np.argmax(sim[k4me3]) <= 110  # the promoter peak sits on the TSS


@pytest.mark.parametrize("side", ["a", "b"])
def test_marks_follow_expression_as_in_the_sample(
    sample_dir: Path, simulated_sample_pair: PairData, side: str
) -> None:
    cell = simulated_sample_pair.pair.cell_a if side == "a" else simulated_sample_pair.pair.cell_b
    real_counts, real_expr = read_sample(sample_dir, SAMPLE_CELLS[cell])
    counts, expr = _stack(simulated_sample_pair, f"x_{side}"), _stack(simulated_sample_pair, f"expr_{side}")
    k4me3 = MARKS.index("H3K4me3")
    promoter = slice(90, 110)
    real = promoter_expression_corr(real_counts, real_expr, k4me3, promoter)
    sim = promoter_expression_corr(counts, expr, k4me3, promoter)
    # Real: about 0.75; the sample's 600 genes give it a standard error of about 0.02.
    assert abs(sim - real) < 0.12, (sim, real)


def test_expression_distribution_per_cell(expression_dir: Path, simulated_sample_pair: PairData) -> None:
    for side, cell in (("a", "E123"), ("b", "E003")):
        real_counts = remc_format.read_expression(expression_dir / cell_file(cell, EXPRESSION_ROLE)).values
        sim_counts = _stack(simulated_sample_pair, f"expr_{side}")
        # Below the 20 % quantile counts are 0, 1, 2, ...: quantiles jump by up to 0.6 there, so
        # that end is checked through the share of zeros (3,000 genes: sd about 0.006).
        assert abs(np.mean(sim_counts == 0) - np.mean(real_counts == 0)) < 0.03, cell
    # The quantiles from a whole pair's worth of genes (the expression path alone, as the generator
    # draws it): with 3,000 genes a quantile in the steep lower half varies by about 0.25 (sd).
    pair = simulated_sample_pair.pair
    cal = default_calibration()
    change = cal.change(pair)
    latents = draw_latents(np.random.default_rng(11), 18460, change, SimulationConfig())
    levels = np.linspace(0.2, 0.95, 16)
    for latent, cell in ((latents.latent_a, pair.cell_a), (latents.latent_b, pair.cell_b)):
        real_counts = remc_format.read_expression(expression_dir / cell_file(cell, EXPRESSION_ROLE)).values
        sim_counts = counts_from_log_expression(
            log_expression_from_latent(latent, cal.expression_quantiles(cell)[0], change.scale, change.tail)
        )
        gap = np.abs(
            np.quantile(log_expression(sim_counts), levels) - np.quantile(log_expression(real_counts), levels)
        )
        assert gap.max() < 0.35, f"{cell}: quantiles of log2(expr + 1) differ by up to {gap.max():.2f}"


@pytest.mark.parametrize("pair", PAPER_PAIRS)
def test_lfc_spread_of_each_paper_pair(expression_dir: Path, pair: str) -> None:
    a, b = pair.split("-")
    real = lfc_summary(
        *(remc_format.read_expression(expression_dir / cell_file(c, EXPRESSION_ROLE)).values for c in (a, b))
    )
    cal = default_calibration()
    latents = draw_latents(np.random.default_rng(5), 18460, cal.change(pair), SimulationConfig())
    change = cal.change(pair)
    expr_a, expr_b = (
        counts_from_log_expression(
            log_expression_from_latent(lat, cal.expression_quantiles(c)[0], change.scale, change.tail)
        )
        for lat, c in ((latents.latent_a, a), (latents.latent_b, b))
    )
    sim = lfc_summary(expr_a, expr_b)
    assert abs(sim["std"] / real["std"] - 1) < 0.05, (sim["std"], real["std"])
    assert abs(sim["frac_de"] - real["frac_de"]) < 0.03, (sim["frac_de"], real["frac_de"])


def test_lfc_spread_of_a_whole_simulated_pair(expression_dir: Path, simulated_sample_pair: PairData) -> None:
    real = lfc_summary(
        *(
            remc_format.read_expression(expression_dir / cell_file(c, EXPRESSION_ROLE)).values
            for c in ("E123", "E003")
        )
    )
    sim = lfc_summary(_stack(simulated_sample_pair, "expr_a"), _stack(simulated_sample_pair, "expr_b"))
    # 3,000 genes: the std of a heavy-tailed LFC has a sampling error of a few percent.
    assert abs(sim["std"] / real["std"] - 1) < 0.1 and abs(sim["frac_de"] - real["frac_de"]) < 0.05
