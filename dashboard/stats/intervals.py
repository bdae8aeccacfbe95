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


def mean_interval(mean, sd, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Student's t interval for a mean from its sample standard deviation and size; NaN where n < 2."""
    from scipy import stats

    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = stats.t.ppf(1 - (1 - confidence) / 2, np.maximum(n - 1, 1)) * np.asarray(sd, float) / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean - half, mean + half


def disclosed_rate(outcomes, eligible, parts_suppressed=False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A rate (percent) and its Wilson 95% interval, as published: from the unrounded counts, blank where
    disclosure control hides the rate; for a total with a suppressed part, from its controlled counts
    (``disclosure.total_rate``: secondary suppression). Returns (rate, lower, upper)."""
    from dashboard.stats import disclosure

    outcomes, eligible = np.asarray(outcomes, dtype=float), np.asarray(eligible, dtype=float)
    parts_suppressed = np.broadcast_to(np.asarray(parts_suppressed, dtype=bool), outcomes.shape)
    rate = np.asarray(disclosure.total_rate(outcomes, eligible, parts_suppressed), dtype=float)
    lower, upper = wilson(np.where(parts_suppressed, disclosure.control(outcomes), outcomes),
                          np.where(parts_suppressed, disclosure.control(eligible), eligible))
    hidden = np.isnan(rate)
    return rate, np.where(hidden, np.nan, lower * 100), np.where(hidden, np.nan, upper * 100)
