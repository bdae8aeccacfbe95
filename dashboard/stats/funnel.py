"""Funnel-plot control limits for proportions, as OHID's Fingertips computes them (PHEindicatormethods).

For a baseline proportion ``p`` (the national rate) and a denominator ``n``, each limit is the observed
proportion whose Wilson score interval at that confidence just reaches ``p``, so an area outside the 95%
limits has a Wilson 95% interval that excludes the national rate. The formula is PHEindicatormethods'
``sigma_adjustment`` (R/Funnels.R; 0.975 for the 95% limits, 0.999 for the 99.8% limits); algebraically it
equals the binomial score-test limits p +/- z*sqrt(p(1-p)/n), clipped to 0-1.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

LEVELS = {"95": 0.975, "99.8": 0.999}
HIGH_998, HIGH_95, SIMILAR, LOW_95, LOW_998, NOT_COMPARED = (
    "High (outside 99.8%)", "High (outside 95%)", "Within limits", "Low (outside 95%)", "Low (outside 99.8%)",
    "Not compared")


def funnel_limit(p: float, n, probability: float, side: str) -> np.ndarray:
    """The funnel limit (a proportion, 0-1) for baseline ``p`` and denominators ``n``.

    ``probability`` is 0.975 (95% limits) or 0.999 (99.8% limits); ``side`` is "low" or "high".
    Limits are clipped to [0, 1]; NaN where ``n`` is not positive.
    """
    if side not in ("low", "high"):
        raise ValueError("side must be 'low' or 'high'")
    n = np.asarray(n, dtype=float)
    z2 = stats.norm.ppf(probability) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        first = p * (n / z2 + 1)
        root = np.sqrt(
            (-8 * p * (n / z2 + 1)) ** 2
            - 64 * (1 / z2 + 1 / n) * p * (n * (p * (n / z2 + 2) - 1) + z2 * (p - 1))
        )
        last = 1 / z2 + 1 / n
        count = (first - root / 8) / last if side == "low" else (first + root / 8) / last
        limit = np.clip(count / n, 0.0, 1.0)
    return np.where(n > 0, limit, np.nan)


def funnel_limits(p: float, n) -> pd.DataFrame:
    """All four limits (as proportions) for denominators ``n``: lower/upper at 95% and 99.8%."""
    n = np.asarray(n, dtype=float)
    return pd.DataFrame({
        "n": n,
        "lower_95": funnel_limit(p, n, LEVELS["95"], "low"),
        "upper_95": funnel_limit(p, n, LEVELS["95"], "high"),
        "lower_998": funnel_limit(p, n, LEVELS["99.8"], "low"),
        "upper_998": funnel_limit(p, n, LEVELS["99.8"], "high"),
    })


def classify(count, n, p: float) -> np.ndarray:
    """Where each area sits against the funnel around ``p``: High/Low outside 99.8% or 95%, or within.

    Areas with no denominator (or a suppressed count, NaN) are "Not compared".
    """
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = count / n
    limits = funnel_limits(p, n)
    return np.select(
        [~(n > 0) | np.isnan(count),
         rate > limits["upper_998"], rate < limits["lower_998"],
         rate > limits["upper_95"], rate < limits["lower_95"]],
        [NOT_COMPARED, HIGH_998, LOW_998, HIGH_95, LOW_95],
        default=SIMILAR,
    )


def funnel_curve(p: float, n_max: float, points: int = 120) -> pd.DataFrame:
    """Limits on a geometric grid of denominators from 1 to ``n_max``, for drawing the funnel."""
    n = np.unique(np.rint(np.geomspace(1, max(n_max, 2), points)))
    return funnel_limits(p, n)
