"""Read counts of the five marks: a log-normal Poisson model with a planted signal, a smooth
field, sparse bumps and reads shared by neighbouring bins.

For gene ``g``, mark ``m`` and bin ``j`` of one cell the mean count is::

    mu = depth * noise[g, m, j] * (exp(log_baseline[m, j]) + amplitude[m] * kernel[m, j] * r * height[g, m])
         + depth * bumps[g, m, j]
    noise  = exp(gene_sd * offset[g, m] + field_sd * field[g, m, j] - (gene_sd**2 + field_sd**2) / 2)
    height = exp(kernel_sd * peak[g, m] - kernel_sd**2 / 2)
    r      = signal_response(sign, steepness, threshold, slope, activity[g])   (see mechanism.py)

* ``offset`` (standard normal; correlated across marks by one shared factor and across the two
  cells of a pair) is the gene's overall level (mappability, copy number, ...);
* ``peak`` (standard normal) varies the height of the planted signal between genes independently
  of activity (some silent promoters carry H3K4me3, some genes sit in strong H3K27me3 domains);
* ``field`` is a unit-variance AR(1) process along the bins (lag-1 correlation ``field_phi``);
* ``bumps`` are sparse extra peaks (neighbouring promoters and enhancers): a Poisson number per
  gene and mark with mean ``bump_rate``, at uniform positions, Gaussian-shaped (sd
  :data:`BUMP_WIDTH` bins), log-normal heights (median ``exp(bump_height)``, log sd
  :data:`BUMP_HEIGHT_SD`).

Counts are not independent Poisson draws per bin: neighbouring bins share reads (flat real
tracks such as H3K9me3 have a lag-1 autocorrelation of about 0.45 and little at lag 2, as when
a sequenced fragment of ~200 bp is counted in both 100-bp bins it overlaps). So a share
``overlap[m]`` of the reads is drawn as fragments covering two neighbouring bins, the rest as
reads in one bin (:func:`overlapping_counts`): every bin keeps a Poisson marginal with mean
``mu``, and neighbours correlate by about ``overlap / 2`` on top of the field.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter
from scipy.special import erf

from deepdiff.constants import N_BINS
from deepdiff.simulate.calibration import GeneEffects, MarkModel
from deepdiff.simulate.mechanism import ACTIVITY_GRID, signal_response

#: Largest count stored (the arrays are uint16, like the real data's).
COUNT_MAX = int(np.iinfo(np.uint16).max)
#: Width (sd, in bins) and log-height sd of the sparse bumps.
BUMP_WIDTH = 5.0
BUMP_HEIGHT_SD = 0.75
#: Bump centres are uniform on [-BUMP_MARGIN, 200 + BUMP_MARGIN), so edges get their share.
BUMP_MARGIN = 15.0


def ar1_field(innovations: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Unit-variance stationary AR(1) processes along the last axis.

    Parameters
    ----------
    innovations : ndarray, shape (genes, marks, bins)
        Independent standard normal draws (correlated between cells if wanted).
    phi : ndarray, shape (marks,)
        Lag-1 correlation per mark, in [0, 1).

    Returns
    -------
    ndarray, same shape: ``f[0] = e[0]`` and ``f[j] = phi * f[j-1] + sqrt(1 - phi**2) * e[j]``.
    """
    out = np.empty_like(innovations)
    for m, p in enumerate(np.asarray(phi, dtype=np.float64)):
        gain = np.sqrt(1.0 - p * p)
        x = innovations[:, m, :]
        # Initial state chosen so that the first value is the (unit-variance) innovation itself.
        zi = ((1.0 - gain) * x[:, :1]).astype(x.dtype)
        out[:, m, :], _ = lfilter([gain], [1.0, -p], x, axis=-1, zi=zi)
    return out


def correlated_normals(
    rng: np.random.Generator, n: int, cross_cell_corr: np.ndarray, mark_loading: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Standard normal per-gene, per-mark values of shape (n, 5) for cell A and cell B.

    Within a cell, marks share one factor with loading ``mark_loading``; between the cells,
    mark ``m``'s values correlate by ``cross_cell_corr[m]``: the shared factor by the mean of
    those, the mark-specific parts by whatever makes up the rest (exact where that lies in
    [0, 1], i.e. for correlations between ``loading * mean`` and that plus ``1 - loading``;
    otherwise the nearest feasible value).
    """
    lam = float(np.clip(mark_loading, 0.0, 0.95))
    rho = np.clip(np.asarray(cross_cell_corr, dtype=np.float64), 0.0, 0.99)
    rho_shared = float(rho.mean())
    rho_own = np.clip((rho - lam * rho_shared) / (1.0 - lam), 0.0, 0.99)
    shared_a = rng.standard_normal(n)
    own_a = rng.standard_normal((n, rho.size))
    shared_b = rho_shared * shared_a + np.sqrt(1.0 - rho_shared**2) * rng.standard_normal(n)
    own_b = rho_own * own_a + np.sqrt(1.0 - rho_own**2) * rng.standard_normal((n, rho.size))
    mix_shared, mix_own = np.sqrt(lam), np.sqrt(1.0 - lam)
    return (
        mix_shared * shared_a[:, None] + mix_own * own_a,
        mix_shared * shared_b[:, None] + mix_own * own_b,
    )


@dataclass(frozen=True)
class Bumps:
    """Sparse extra peaks of one cell, one entry per bump.

    Attributes
    ----------
    gene, mark : ndarray of int
    position : ndarray of float
        Centre on the 0-based bin axis.
    height_z : ndarray of float
        Standard normal; the height is ``exp(bump_height[mark] + BUMP_HEIGHT_SD * height_z)``.
    """

    gene: np.ndarray
    mark: np.ndarray
    position: np.ndarray
    height_z: np.ndarray

    @classmethod
    def draw(cls, rng: np.random.Generator, n: int, rate: np.ndarray) -> Bumps:
        """Independent bumps: a Poisson(``rate[m]``) number per gene and mark."""
        number = rng.poisson(np.broadcast_to(np.asarray(rate, dtype=np.float64), (n, len(rate))))
        gene, mark = np.nonzero(number)
        reps = number[gene, mark]
        gene, mark = np.repeat(gene, reps), np.repeat(mark, reps)
        position = rng.uniform(-BUMP_MARGIN, N_BINS + BUMP_MARGIN, size=gene.size)
        return cls(gene, mark, position, rng.standard_normal(gene.size))

    def __add__(self, other: Bumps) -> Bumps:
        return Bumps(
            *(
                np.concatenate([getattr(self, k), getattr(other, k)])
                for k in ("gene", "mark", "position", "height_z")
            )
        )


def bump_intensity(bumps: Bumps, bump_height: np.ndarray, n: int) -> np.ndarray:
    """The summed bump shapes, shape (n, marks, 200)."""
    k = len(bump_height)
    out = np.zeros(n * k * N_BINS)
    if bumps.gene.size:
        j = np.arange(N_BINS, dtype=np.float64)
        height = np.exp(np.asarray(bump_height)[bumps.mark] + BUMP_HEIGHT_SD * bumps.height_z)
        shape = height[:, None] * np.exp(-0.5 * ((j[None, :] - bumps.position[:, None]) / BUMP_WIDTH) ** 2)
        index = ((bumps.gene * k + bumps.mark) * N_BINS)[:, None] + np.arange(N_BINS)[None, :]
        out = np.bincount(index.ravel(), weights=shape.ravel(), minlength=out.size)
    return out.reshape(n, k, N_BINS)


def mean_bump_intensity(bump_rate: np.ndarray, bump_height: np.ndarray) -> np.ndarray:
    """Expected bump intensity per mark and bin, shape (5, 200) (used to keep means calibrated)."""
    j = np.arange(N_BINS, dtype=np.float64)[None, :]
    lo, hi = -BUMP_MARGIN, N_BINS + BUMP_MARGIN
    root2w = np.sqrt(2.0) * BUMP_WIDTH
    # Mean over a uniform centre of a unit-height Gaussian bump: its integral over [lo, hi) / (hi - lo).
    coverage = BUMP_WIDTH * np.sqrt(np.pi / 2) * (erf((hi - j) / root2w) - erf((lo - j) / root2w)) / (hi - lo)
    mean_height = np.exp(np.asarray(bump_height) + 0.5 * BUMP_HEIGHT_SD**2)
    return (np.asarray(bump_rate) * mean_height)[:, None] * coverage


@dataclass(frozen=True)
class GeneDraws:
    """Random draws behind one cell's counts.

    Attributes
    ----------
    offsets, peaks : ndarray, shape (genes, 5)
        Standard normal.
    innovations : ndarray, shape (genes, 5, bins)
        White noise that :func:`ar1_field` turns into the positional field.
    bumps : Bumps
    """

    offsets: np.ndarray
    peaks: np.ndarray
    innovations: np.ndarray
    bumps: Bumps


def draw_cell(rng: np.random.Generator, n: int, model: MarkModel) -> GeneDraws:
    """Independent draws for ``n`` genes of a single cell (offsets independent across marks)."""
    k = model.n_marks
    return GeneDraws(
        offsets=rng.standard_normal((n, k)),
        peaks=rng.standard_normal((n, k)),
        innovations=rng.standard_normal((n, k, N_BINS)),
        bumps=Bumps.draw(rng, n, model.bump_rate),
    )


def draw_pair(
    rng: np.random.Generator, n: int, effects: GeneEffects, models: tuple[MarkModel, MarkModel]
) -> tuple[GeneDraws, GeneDraws]:
    """Draws for ``n`` genes in cell A and cell B, correlated as ``effects`` says (all marks).

    The same locus carries similar offsets, peak heights and fields in both cells; a share
    ``effects.field_cross_cell_corr[m]`` of the bumps sits at the same place in both cells.
    """
    offsets = correlated_normals(rng, n, effects.cross_cell_corr, effects.mark_loading)
    peaks = correlated_normals(rng, n, effects.kernel_cross_cell_corr)
    rho = np.clip(effects.field_cross_cell_corr, 0.0, 0.99)
    shape = (n, rho.size, N_BINS)
    innov_a = rng.standard_normal(shape)
    innov_b = rho[None, :, None] * innov_a + np.sqrt(1.0 - rho[None, :, None] ** 2) * rng.standard_normal(
        shape
    )
    rate_a, rate_b = models[0].bump_rate, models[1].bump_rate
    shared_rate = rho * np.minimum(rate_a, rate_b)
    shared = Bumps.draw(rng, n, shared_rate)
    bumps_a = shared + Bumps.draw(rng, n, rate_a - shared_rate)
    bumps_b = shared + Bumps.draw(rng, n, rate_b - shared_rate)
    return (
        GeneDraws(offsets[0], peaks[0], innov_a, bumps_a),
        GeneDraws(offsets[1], peaks[1], innov_b, bumps_b),
    )


def read_rates(lam: np.ndarray, overlap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Poisson rates of one-bin reads (..., marks, 200) and of two-bin fragments (..., marks, 201).

    A two-bin fragment starting at position ``p`` (0..200, position 0 lies before the window)
    is counted in bins ``p - 1`` and ``p``; each bin's expected total stays ``lam``.
    """
    share = np.asarray(overlap, dtype=np.float64)[:, None]
    padded = np.concatenate([lam[..., :1], lam], axis=-1)
    return (1.0 - share) * lam, 0.5 * share * padded


def overlapping_counts(single: np.ndarray, double: np.ndarray) -> np.ndarray:
    """Bin counts (..., 200) from one-bin reads (..., 200) and two-bin fragments (..., 201)."""
    return single + double[..., 1:] + double[..., :-1]


def mean_counts(
    model: MarkModel,
    kernels: np.ndarray,
    activity: np.ndarray,
    draws: GeneDraws,
    *,
    coupling_scale: float = 1.0,
    depth: float = 1.0,
) -> np.ndarray:
    """``mu`` of the module docstring without the bumps, shape (genes, marks, 200).

    ``coupling_scale`` blends the response with its average over activities: 1 is the planted
    link, 0 keeps every count distribution but makes marks independent of activity.
    """
    on = signal_response(model.sign, model.steepness, model.threshold, model.slope, activity)[0]
    if coupling_scale != 1.0:
        grid = signal_response(model.sign, model.steepness, model.threshold, model.slope, ACTIVITY_GRID)[0]
        on = coupling_scale * on + (1.0 - coupling_scale) * grid.mean(axis=0)[None, :]
    height = np.exp(model.kernel_sd[None, :] * draws.peaks - 0.5 * model.kernel_sd[None, :] ** 2)
    signal = (on * height * model.amplitude[None, :])[:, :, None] * kernels[None]
    log_noise = ar1_field(draws.innovations, model.field_phi)
    log_noise *= model.field_sd[None, :, None]
    log_noise += (
        model.gene_sd[None, :] * draws.offsets - 0.5 * (model.gene_sd**2 + model.field_sd**2)[None, :]
    )[:, :, None]
    signal += np.exp(model.log_baseline)[None]
    signal *= np.exp(log_noise)
    signal *= depth
    return signal


def cell_counts(
    rng: np.random.Generator,
    model: MarkModel,
    kernels: np.ndarray,
    activity: np.ndarray,
    draws: GeneDraws,
    *,
    coupling_scale: float = 1.0,
    depth: float = 1.0,
) -> np.ndarray:
    """Counts (genes, 5, 200) uint16 of one cell given activities and the random draws."""
    lam = mean_counts(model, kernels, activity, draws, coupling_scale=coupling_scale, depth=depth)
    lam += depth * bump_intensity(draws.bumps, model.bump_height, len(activity))
    # The cap keeps Poisson sampling finite for absurd rates; it is far above real counts (< 1,000).
    single, double = read_rates(np.minimum(lam, COUNT_MAX), model.overlap)
    counts = overlapping_counts(rng.poisson(single), rng.poisson(double))
    return np.minimum(counts, COUNT_MAX).astype(np.uint16)
