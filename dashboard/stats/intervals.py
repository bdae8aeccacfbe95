"""Confidence intervals for proportions and counts, as OHID's Fingertips (PHEindicatormethods) computes them."""
from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint


def wilson(count, total, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``count / total`` (as fractions); NaN where total is 0."""
    count = np.asarray(count, dtype=float)
    total = np.asarray(total, dtype=float)
    safe_total = np.where(total > 0, total, 1.0)
    lower, upper = proportion_confint(np.minimum(count, safe_total), safe_total, alpha=1 - confidence,
                                      method="wilson")
    bad = ~(total > 0)
    return np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)


def byar(count, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Interval for a Poisson count: Byar's approximation, exact (chi-squared) under 10, as Fingertips does."""
    o = np.asarray(count, dtype=float)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    alpha = 1 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        byar_lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        byar_upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
        exact_lower = np.where(o > 0, stats.chi2.ppf(alpha / 2, 2 * o) / 2, 0.0)
        exact_upper = stats.chi2.ppf(1 - alpha / 2, 2 * (o + 1)) / 2
    small = o < 10
    return np.where(small, exact_lower, byar_lower), np.where(small, exact_upper, byar_upper)
