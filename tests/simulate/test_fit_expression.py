"""Fitting the pair change model: it recovers known parameters from their LFC spread."""

from __future__ import annotations

import numpy as np

from deepdiff.constants import DE_THRESHOLD
from deepdiff.simulate.fit_expression import _ChangeDraws, _lfc, expression_quantiles, fit_pair_change


def test_recovers_scale_and_tail() -> None:
    rng = np.random.default_rng(0)
    q_a = expression_quantiles(np.floor(np.exp2(rng.normal(9, 4, 20000).clip(0))))
    q_b = expression_quantiles(np.floor(np.exp2(rng.normal(9.5, 3.5, 20000).clip(0))))
    draws = _ChangeDraws(*(rng.standard_normal(60000) for _ in range(3)))
    lfc = _lfc(q_a, q_b, 0.4, 0.6, draws)
    scale, tail = fit_pair_change(q_a, q_b, float(lfc.std()), float(np.mean(np.abs(lfc) >= DE_THRESHOLD)))
    assert abs(scale - 0.4) < 0.06 and abs(tail - 0.6) < 0.15
