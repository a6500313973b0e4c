"""The paper's claims about test PCCs (Section 4.3 on Figure 4, the abstract, Section 4.4's pair),
decided on our results with bootstrap support.

A claim's verdict is ``holds``, ``does not hold``, ``undecided`` (a test that cannot refute the
claim on the pairs run, see the ``wilcoxon`` claims) or ``not yet run``; its ``support`` is the
share of bootstrap replicates in which it holds. The claims themselves, with the paper's words and
the rule that decides each, are in :mod:`deepdiff.report.paper`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepdiff.constants import PAPER_PAIRS
from deepdiff.report import paper
from deepdiff.report.bootstrap import PairBootstrap, evidence_of
from deepdiff.report.context import Context, Evidence
from deepdiff.results.statistics import percentile_ci

#: Verdicts of one claim on one context.
VERDICTS: tuple[str, ...] = ("holds", "does not hold", "undecided", "not yet run")


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on one claim in one context.

    Attributes
    ----------
    claim_id : str
    verdict : str
        One of :data:`VERDICTS`.
    count, count_of : int
        How many pairs (or variants: ``unit``) satisfy the claim, out of how many.
    count_low, count_high : float
        Bootstrap interval of ``count``.
    estimate, estimate_low, estimate_high : float
        The claim's effect size with its interval; ``estimate_name`` says what it is.
    support : float
        Share of bootstrap replicates in which the claim holds.
    evidence : Evidence or None
    missing : tuple of str
        What is missing to evaluate it (fully), e.g. ``"E003-E004: svr1"``.
    note : str
    unit : str
        What ``count`` counts: ``pairs`` or ``variants``.
    """

    claim_id: str
    verdict: str
    count: int = 0
    count_of: int = 0
    count_low: float = math.nan
    count_high: float = math.nan
    estimate: float = math.nan
    estimate_low: float = math.nan
    estimate_high: float = math.nan
    estimate_name: str = ""
    support: float = math.nan
    evidence: Evidence | None = None
    missing: tuple[str, ...] = ()
    note: str = ""
    unit: str = "pairs"

    @property
    def ours_text(self) -> str:
        """The result in a few words, e.g. ``"7/10 pairs (CI 5-9); mean ΔPCC +0.031 [0.012, 0.05]"``."""
        if self.verdict == "not yet run":
            return "not yet run"
        parts = []
        if self.count_of:
            parts.append(
                f"{self.count}/{self.count_of} {self.unit} (95% CI {self.count_low:.0f}-{self.count_high:.0f})"
            )
        if self.estimate_name and math.isfinite(self.estimate):
            signed = any(w in self.estimate_name for w in ("difference", "−", "margin"))
            value = f"{self.estimate:+.3g}" if signed else f"{self.estimate:.3g}"
            parts.append(f"{self.estimate_name} {value} [{self.estimate_low:.3g}, {self.estimate_high:.3g}]")
        if math.isfinite(self.support):
            parts.append(f"holds in {100 * self.support:.0f}% of bootstrap replicates")
        return "; ".join(parts)


def _holds_count(count: np.ndarray, n: int, claim: paper.Claim, mean_diff: np.ndarray | None) -> np.ndarray:
    frac = count / n
    if claim.counted:
        # "in 7 out of the 10": at least the paper's share of pairs (a small epsilon for rounding).
        return frac >= claim.min_fraction - 1e-9
    holds = frac > 0.5
    if mean_diff is not None:
        holds = holds & (mean_diff > 0)
    return holds


def _aggregate(values: np.ndarray, how: str) -> np.ndarray:
    funcs = {"median": np.median, "max": np.max, "min": np.min, "mean": np.mean}
    return funcs[how](values, axis=0)


def _missing(boots: Mapping[str, PairBootstrap], methods: Sequence[str]) -> tuple[str, ...]:
    out = []
    for pair, b in sorted(boots.items()):
        lacking = [m for m in methods if m not in b.methods]
        if lacking:
            out.append(f"{pair}: {', '.join(lacking)}")
    return tuple(out)


def _per_pair(usable: Mapping[str, PairBootstrap], group: Sequence[str], how: str) -> np.ndarray:
    """Each pair's summary (``how``) of the PCCs of ``group``, shape (n_pairs, n_boot + 1), pairs sorted."""
    return np.vstack([_aggregate(np.vstack([usable[p].get(m) for m in group]), how) for p in sorted(usable)])


def wilcoxon_p(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One-sided (a > b) exact paired Wilcoxon signed-rank p-values over axis 0 (the pairs), per column.

    Columns whose differences are all zero get p = 1 (no evidence either way).
    """
    from scipy.stats import wilcoxon

    diff = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    out = np.ones(diff.shape[1])
    clean = (np.isfinite(diff) & (diff != 0)).all(axis=0)
    if clean.any():  # the usual case, all columns at once
        out[clean] = wilcoxon(diff[:, clean], axis=0, alternative="greater", method="exact").pvalue
    for j in np.flatnonzero(~clean):  # drop zero or undefined differences column by column
        d = diff[:, j]
        d = d[np.isfinite(d) & (d != 0)]
        if d.size:
            out[j] = float(wilcoxon(d, alternative="greater", method="exact").pvalue)
    return out


def _best_pair(claim: paper.Claim, usable: Mapping[str, PairBootstrap]) -> tuple[np.ndarray, np.ndarray, int]:
    """Rank (1 = best) of the claim's pair by the best PCC of ``a``, whether it is in the top share, and the top."""
    pairs = sorted(usable)
    best = _per_pair(usable, claim.a, "max")  # (n_pairs, n_boot + 1)
    target = pairs.index(claim.detail)
    rank = 1 + (best > best[target]).sum(axis=0)
    top = max(1, math.ceil(claim.min_fraction * len(pairs) - 1e-9))
    return rank, rank <= top, top


@dataclass(frozen=True)
class _Tally:
    """What a claim kind finds on the observed PCCs (index 0) and on each bootstrap replicate (1:)."""

    count: np.ndarray
    count_of: int
    holds: np.ndarray
    estimate: np.ndarray
    estimate_name: str
    unit: str = "pairs"
    note: str = ""
    verdict: str | None = None


def _tally_beats(claim: paper.Claim, usable: Mapping[str, PairBootstrap]) -> _Tally:
    """``beats``: on how many pairs the ``a`` summary beats the ``b`` summary, and by how much on average."""
    n = len(usable)
    diffs = np.vstack(
        [
            _aggregate(np.vstack([usable[p].get(m) for m in claim.a]), claim.a_stat)
            - _aggregate(np.vstack([usable[p].get(m) for m in claim.b]), claim.b_stat)
            for p in sorted(usable)
        ]
    )  # (n_pairs, n_boot + 1)
    wins = (diffs > 0).sum(axis=0)
    mean_diff = np.nanmean(diffs, axis=0)
    holds = _holds_count(wins, n, claim, mean_diff)
    return _Tally(wins, n, holds, mean_diff, "mean PCC difference")


def _tally_extreme(claim: paper.Claim, usable: Mapping[str, PairBootstrap]) -> _Tally:
    """``worst``/``best``: on how many pairs ``a`` is the lowest/highest of ``b``."""
    n = len(usable)
    target = claim.b.index(claim.a[0])
    hits = []
    for p in sorted(usable):
        mat = np.vstack([usable[p].get(m) for m in claim.b])
        pick = np.nanargmin(mat, axis=0) if claim.kind == "worst" else np.nanargmax(mat, axis=0)
        hits.append(pick == target)
    count = np.vstack(hits).sum(axis=0)
    holds = _holds_count(count, n, claim, None)
    return _Tally(count, n, holds, count / n, "share of pairs")


def _tally_relative_above(claim: paper.Claim, usable: Mapping[str, PairBootstrap]) -> _Tally:
    """``relative_above``: whether every variant of ``a`` has a mean PCC relative to ``b`` above 100%."""
    base = claim.b[0]
    pairs = sorted(usable)
    rel = np.stack(
        [
            np.vstack([100.0 * usable[p].get(v) / usable[p].get(base) for p in pairs]).mean(axis=0)
            for v in claim.a
        ]
    )  # (n_variants, n_boot + 1)
    count = (rel > 100.0).sum(axis=0)
    holds = count == len(claim.a)
    return _Tally(count, len(claim.a), holds, rel.min(axis=0), "lowest mean relative PCC (%)", "variants")


def _tally_best_pair(claim: paper.Claim, usable: Mapping[str, PairBootstrap]) -> _Tally:
    """``best_pair``: the rank of the claim's pair among the pairs run."""
    rank, holds, top = _best_pair(claim, usable)
    name = f"rank of {claim.detail} of {len(usable)} pairs (1 = best; holds in the top {top})"
    return _Tally(
        holds.astype(int), 0, holds, rank.astype(float), name
    )  # no count of pairs: the rank says it


def _tally_wilcoxon(claim: paper.Claim, usable: Mapping[str, PairBootstrap]) -> _Tally:
    """``wilcoxon``: whether every variant of ``a`` beats the ``b`` summary by a one-sided Wilcoxon test."""
    n_pairs = len(usable)
    base = _per_pair(usable, claim.b, claim.b_stat)
    p_values = np.vstack([wilcoxon_p(_per_pair(usable, (m,), "max"), base) for m in claim.a])
    significant = p_values < paper.WILCOXON_ALPHA
    count = significant.sum(axis=0)
    holds = count == len(claim.a)
    floor = 0.5**n_pairs
    note = f"over {n_pairs} pair(s); the smallest p a one-sided test over them can give is {floor:.3g}"
    verdict = None
    if not holds[0] and n_pairs < len(PAPER_PAIRS):
        verdict = "undecided"
        note += (
            f": not significant on fewer than the paper's {len(PAPER_PAIRS)} pairs, which does not refute it"
        )
    name = "largest one-sided Wilcoxon p of the variants"
    return _Tally(count, len(claim.a), holds, p_values.max(axis=0), name, "variants", note, verdict)


#: How each kind of claim about test PCCs is decided.
_TALLIES: dict[str, Callable[[paper.Claim, Mapping[str, PairBootstrap]], _Tally]] = {
    "beats": _tally_beats,
    "worst": _tally_extreme,
    "best": _tally_extreme,
    "relative_above": _tally_relative_above,
    "best_pair": _tally_best_pair,
    "wilcoxon": _tally_wilcoxon,
}


def evaluate_claim(
    claim: paper.Claim,
    boots: Mapping[str, PairBootstrap],
    context: Context,
    level: float = 0.95,
) -> ClaimResult:
    """Evaluate a claim about test PCCs (kinds ``beats``, ``worst``, ``best``, ``relative_above``,
    ``best_pair``, ``wilcoxon``).

    Only pairs that have every method the claim needs are used; the others are listed in
    :attr:`ClaimResult.missing`. With no usable pair (for ``best_pair``: without its pair) the
    verdict is ``not yet run``.
    """
    if claim.kind == "attention" or not claim.a:
        raise ValueError(f"claim {claim.id} is not evaluated from PCCs (see evaluate_figure5)")
    needed = tuple(dict.fromkeys((*claim.a, *claim.b)))
    usable = {p: b for p, b in boots.items() if b.has(needed)}
    missing = _missing(boots, needed) if boots else (f"no runs in {context}",)
    if claim.kind == "best_pair" and claim.detail not in usable:
        missing = (*missing, f"{claim.detail}: not run with {', '.join(needed)}")
        return ClaimResult(claim.id, "not yet run", missing=missing)
    if not usable:
        return ClaimResult(claim.id, "not yet run", missing=missing)
    evidence = evidence_of(context, usable, needed)
    tally_of = _TALLIES.get(claim.kind)
    if tally_of is None:
        raise ValueError(f"unknown claim kind {claim.kind!r}")
    tally = tally_of(claim, usable)
    count_low, count_high = percentile_ci(tally.count[1:], level)
    est_low, est_high = percentile_ci(tally.estimate[1:], level)
    holds = tally.holds
    return ClaimResult(
        claim_id=claim.id,
        verdict=tally.verdict or ("holds" if bool(holds[0]) else "does not hold"),
        count=int(tally.count[0]),
        count_of=tally.count_of,
        count_low=count_low,
        count_high=count_high,
        estimate=float(tally.estimate[0]),
        estimate_low=est_low,
        estimate_high=est_high,
        estimate_name=tally.estimate_name,
        support=float(np.mean(holds[1:])) if holds.size > 1 else math.nan,
        evidence=evidence,
        missing=missing,
        note=tally.note,
        unit=tally.unit,
    )


def claims_frame(results: Sequence[ClaimResult]) -> pd.DataFrame:
    """Claim results as a table beside the paper's statements (for notebooks and the book)."""
    rows = []
    for r in results:
        c = paper.claim(r.claim_id)
        rows.append(
            {
                "claim": c.statement,
                "paper": c.paper_count if c.counted else "stated",
                "ours": f"{r.ours_text} ({r.note})" if r.note else r.ours_text,
                "verdict": r.verdict,
                "data": r.evidence.data_text if r.evidence else "—",
                "budget": r.evidence.budget_text if r.evidence else "—",
                "source in paper": c.citation.where,
                "how evaluated": c.evaluation,
                "missing": "; ".join(r.missing),
            }
        )
    return pd.DataFrame(rows)


def evaluate_figure4_claims(
    boots: Mapping[str, PairBootstrap], context: Context, level: float = 0.95
) -> list[ClaimResult]:
    """Every Figure 4 claim of :data:`deepdiff.report.paper.FIGURE4_CLAIMS` in one context."""
    return [evaluate_claim(c, boots, context, level) for c in paper.FIGURE4_CLAIMS]


def evaluate_other_claims(
    boots: Mapping[str, PairBootstrap], context: Context, level: float = 0.95
) -> list[ClaimResult]:
    """The abstract's and Section 4.4's claims (:data:`deepdiff.report.paper.OTHER_CLAIMS`) in one context."""
    return [evaluate_claim(c, boots, context, level) for c in paper.OTHER_CLAIMS]
