"""The planted mechanism: which marks and bins carry a gene's activity, and how latent values
become observed counts and expression.

Each informative mark adds reads in a fixed positional shape (its kernel, below) to a gene's
background, in proportion to a response ``r_m`` to the gene's activity::

    mean count[m, j] = noise * (exp(log_baseline[m, j]) + amplitude[m] * kernel[m, j] * r_m(activity))
    r_m(a) = exp(sign[m] * slope[m] * a) / (1 + exp(-sign[m] * steepness[m] * (a - threshold[m])))

a smooth on/off switch with a dose-response on top: silent genes lack the H3K4me3 peak that
active genes carry, and it keeps growing with expression; the H3K27me3 domain covers silent
genes (sign -1). Kernels are designed here after the real sample's difference between
expressed and silent genes (``scripts/calibrate_simulator.py`` prints it); amplitudes,
switches and noise are fitted to the sample (:mod:`deepdiff.simulate.fit_marks`).

=========  ====  ===========================================================================
mark       sign  kernel (bins 1..200, TSS between bins 100 and 101)
=========  ====  ===========================================================================
H3K4me1    +     two enhancer bumps 1.5 kb either side of the TSS on a low broad base
H3K4me3    +     the promoter: a peak on the TSS (sd 600 bp) with 2-kb shoulders and a
                 dip right at the TSS (the nucleosome-depleted region)
H3K9me3    0     none: uninformative by design (in the sample it follows expression with
                 opposite signs in the two cells)
H3K27me3   -     a Polycomb domain: broad, strongest around the TSS (sd 4 kb)
H3K36me3   +     the transcribed region: downstream of the TSS (upstream at 70 %, for
                 neighbouring genes; the sample's E123 profile is nearly flat on both
                 sides), none at the TSS itself
=========  ====  ===========================================================================
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, ndtr, ndtri

from deepdiff.constants import MARKS, N_BINS
from deepdiff.simulate.calibration import MarkModel

#: Position of the TSS on the 0-based bin axis (between 1-based bins 100 and 101).
TSS_CENTER: float = (N_BINS - 1) / 2
#: Direction in which each mark follows activity (MARKS order).
MARK_SIGNS: dict[str, int] = {"H3K4me1": 1, "H3K4me3": 1, "H3K9me3": 0, "H3K27me3": -1, "H3K36me3": 1}
#: What each planted kernel stands for.
MARK_ROLES: dict[str, str] = {
    "H3K4me1": "enhancers: two bumps 1.5 kb either side of the TSS on a low broad base",
    "H3K4me3": "promoter: a peak on the TSS (sd 600 bp) with 2-kb shoulders",
    "H3K9me3": "uninformative (nothing planted)",
    "H3K27me3": "Polycomb domain, broad and strongest around the TSS (sd 4 kb); covers silent genes",
    "H3K36me3": "transcribed region downstream of the TSS (upstream at 70 %), none at the TSS",
}
#: Kernel values at or above this fraction of the kernel's peak count as informative bins.
INFORMATIVE_LEVEL: float = 0.5
#: Probability levels of the stored log-expression quantiles (0.5 % steps).
EXPRESSION_LEVELS: np.ndarray = np.linspace(0.0, 1.0, 201)


def _gaussian(center: float, sd: float) -> np.ndarray:
    j = np.arange(N_BINS, dtype=np.float64)
    return np.exp(-0.5 * ((j - center) / sd) ** 2)


def planted_kernels() -> np.ndarray:
    """Non-negative positional shapes of the planted signal, shape (5, 200), maximum 1 (or all 0)."""
    j = np.arange(N_BINS, dtype=np.float64)
    downstream = 1.0 / (1.0 + np.exp(-(j - (TSS_CENTER + 15)) / 6))
    shapes = {
        "H3K4me1": 0.2 + _gaussian(TSS_CENTER - 15, 7) + _gaussian(TSS_CENTER + 15, 7),
        # The nucleosome-depleted region right at the TSS carries fewer reads (real: about -40 %).
        # Narrow enough for E003 (ES cells), whose peak is about half as wide as E123's: with a
        # wider kernel the fit fills the TSS with background that silent genes then carry too.
        "H3K4me3": (0.85 * _gaussian(TSS_CENTER, 6) + 0.15 * _gaussian(TSS_CENTER, 20))
        * (1.0 - 0.4 * _gaussian(TSS_CENTER - 0.5, 1.0)),
        "H3K9me3": np.zeros(N_BINS),
        "H3K27me3": 0.3 + 0.7 * _gaussian(TSS_CENTER, 40),
        "H3K36me3": (0.7 + 0.3 * downstream) * (1.0 - 0.9 * _gaussian(TSS_CENTER, 6)),
    }
    out = np.stack([shapes[m] for m in MARKS])
    peak = out.max(axis=1, keepdims=True)
    return np.divide(out, peak, out=np.zeros_like(out), where=peak > 0)


def signal_response(
    sign: np.ndarray, steepness: np.ndarray, threshold: np.ndarray, slope: np.ndarray, activity: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each mark's planted signal as a function of activity, and its derivative, shape (genes, marks).

    ``r(a) = exp(sign * slope * a) / (1 + exp(-sign * steepness * (a - threshold)))``: a switch
    that turns the signal on, and a dose-response that keeps raising it with activity (real
    H3K4me3 peaks keep growing with expression once present). A sign of 0 gives 0.
    """
    sign, steepness = np.asarray(sign, dtype=np.float64), np.asarray(steepness, dtype=np.float64)
    threshold, slope = np.asarray(threshold, dtype=np.float64), np.asarray(slope, dtype=np.float64)
    a = np.asarray(activity, dtype=np.float64)[:, None]
    on = expit(sign * steepness * (a - threshold))
    response = np.where(sign != 0, on * np.exp(sign * slope * a), 0.0)
    derivative = response * sign * (steepness * (1.0 - on) + slope)
    return response, derivative


def informative_bin_ranges(kernels: np.ndarray) -> dict[str, list[tuple[int, int]]]:
    """Per mark, the 1-based inclusive bin ranges where the kernel is at least :data:`INFORMATIVE_LEVEL`."""
    out: dict[str, list[tuple[int, int]]] = {}
    for mark, row in zip(MARKS, kernels, strict=True):
        on = np.concatenate([[False], row >= INFORMATIVE_LEVEL, [False]])
        edges = np.flatnonzero(np.diff(on.astype(np.int8)))
        out[mark] = [(int(s) + 1, int(e)) for s, e in zip(edges[::2], edges[1::2], strict=True)]
    return out


def latent_sd(change_scale: float, change_tail: float) -> float:
    """Standard deviation of a cell's latent expression ``level +/- change / 2``.

    The level is standard normal and the change is ``scale * exp(tail * h) * g`` with ``h, g``
    standard normal, whose variance is ``scale**2 * exp(2 * tail**2)``.
    """
    return float(np.sqrt(1.0 + change_scale**2 * np.exp(2.0 * change_tail**2) / 4.0))


#: Gauss-Hermite nodes and weights (probabilists') for averaging over the change's scale.
_HERMITE_NODES, _HERMITE_WEIGHTS = np.polynomial.hermite_e.hermegauss(40)
_HERMITE_WEIGHTS = _HERMITE_WEIGHTS / _HERMITE_WEIGHTS.sum()
#: Latent values at which the exact CDF is tabulated (interpolated in between).
_CDF_GRID = np.linspace(-9.0, 9.0, 3601)


def latent_cdf(latent: np.ndarray, change_scale: float = 0.0, change_tail: float = 0.0) -> np.ndarray:
    """Exact CDF of a cell's standardised latent expression ``(level +/- change / 2) / sd``.

    Given the change's log scale ``h``, the latent value is normal with variance
    ``(1 + scale**2 * exp(2 * tail * h) / 4) / sd**2``; averaging over ``h ~ N(0, 1)``
    (Gauss-Hermite) gives the CDF. Heavy-tailed changes make it differ from ``Phi``, and using
    it keeps each cell's expression distribution exactly the real one.
    """
    sd = latent_sd(change_scale, change_tail)
    spread = np.sqrt(1.0 + change_scale**2 * np.exp(2.0 * change_tail * _HERMITE_NODES) / 4.0) / sd
    table = ndtr(_CDF_GRID[:, None] / spread[None, :]) @ _HERMITE_WEIGHTS
    return np.interp(latent, _CDF_GRID, table)


def log_expression_from_latent(
    latent: np.ndarray, quantiles: np.ndarray, change_scale: float = 0.0, change_tail: float = 0.0
) -> np.ndarray:
    """Map standardised latent expression to ``log2(count + 1)`` through a cell's quantile function.

    ``change_scale``, ``change_tail``: the pair's change model, whose latent CDF
    (:func:`latent_cdf`) makes the result follow ``quantiles`` exactly.
    """
    return np.interp(latent_cdf(latent, change_scale, change_tail), EXPRESSION_LEVELS, quantiles)


def counts_from_log_expression(log_expr: np.ndarray) -> np.ndarray:
    """Whole expression counts (float64) from ``log2(count + 1)``."""
    return np.maximum(np.rint(np.exp2(log_expr) - 1.0), 0.0)


def expression_counts(
    latent: np.ndarray, quantiles: np.ndarray, change_scale: float = 0.0, change_tail: float = 0.0
) -> np.ndarray:
    """Expression counts of standardised latent values (the composition of the two maps above)."""
    return counts_from_log_expression(
        log_expression_from_latent(latent, quantiles, change_scale, change_tail)
    )


#: Standard normal grid (quantiles) over which activity-averaged quantities are computed.
ACTIVITY_GRID: np.ndarray = ndtri((np.arange(200) + 0.5) / 200)


def planted_response(
    model: MarkModel, coupling_scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What one cell's mark model says about activity: bin weights, bin information, mark information.

    Returns
    -------
    bin_weights : ndarray (marks, 200)
        Change of the log mean count per standard deviation of activity, averaged over
        activities (negative for H3K27me3, zero where nothing is planted).
    bin_information : ndarray (marks, 200)
        Each mark's information (below) spread over its bins in proportion to the per-bin Fisher
        information ``(d mu / d a)**2 / (mu + mu**2 * (exp(v) - 1))`` of a log-normal Poisson count
        (``v``: the bin's log-scale noise variance).
    mark_information : ndarray (marks,)
        Fisher information about activity of the mark's summed planted region, treating its
        gene-level and positional noise as shared by the whole region (neighbouring bins are
        strongly correlated, so summing per-bin information would overstate broad marks).
    """
    kernels = planted_kernels()
    response, derivative = signal_response(
        model.sign, model.steepness, model.threshold, model.slope, ACTIVITY_GRID
    )
    response = coupling_scale * response + (1.0 - coupling_scale) * response.mean(axis=0)
    signal = (model.amplitude[:, None] * kernels)[None]  # (1, marks, 200)
    mu = np.exp(model.log_baseline)[None] + signal * response[:, :, None]
    d_mu = coupling_scale * signal * derivative[:, :, None]
    weights = (d_mu / mu).mean(axis=0)
    bin_var = (model.gene_sd**2 + model.field_sd**2)[:, None] + (model.kernel_sd[:, None] * kernels) ** 2
    per_bin = (d_mu**2 / (mu + mu**2 * np.expm1(bin_var)[None])).mean(axis=0)
    region = kernels > 0
    total_mu = (mu * region[None]).sum(axis=2)
    total_var = np.expm1(model.gene_sd**2 + model.field_sd**2 + model.kernel_sd**2)[None]
    den = total_mu + total_mu**2 * total_var
    mark_info = np.divide(d_mu.sum(axis=2) ** 2, den, out=np.zeros_like(den), where=den > 0).mean(axis=0)
    row = per_bin.sum(axis=1, keepdims=True)
    spread = np.divide(per_bin, row, out=np.zeros_like(per_bin), where=row > 0) * mark_info[:, None]
    return weights, spread, mark_info
