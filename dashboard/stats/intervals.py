"""Confidence intervals for proportions, as OHID's Fingertips (PHEindicatormethods) computes them."""
from __future__ import annotations

import numpy as np
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
