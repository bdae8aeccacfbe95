"""Funnel-plot control limits for proportions, after Spiegelhalter (2005), "Funnel plots for comparing
institutional performance", Statistics in Medicine 24:1185-1202, and "Handling over-dispersion of performance
indicators", Quality and Safety in Health Care 14:347-351.

- **Exact binomial limits.** For a target proportion ``p`` (the national rate) and denominator ``n``, the limit at
  probability ``q`` (0.025 and 0.975 for 95% limits, 0.001 and 0.999 for 99.8%) is ``(r - a) / n``, where ``r`` is
  the smallest count with P(X <= r) >= q for X ~ Binomial(n, p), and ``a = (P(X <= r) - q) / P(X = r)`` interpolates
  between counts, so the limits are smooth in ``n`` (Spiegelhalter 2005, appendix). Exact at every denominator,
  which matters at small ones, where the normal approximation is poor.
- **Overdispersion.** Areas often vary more than chance allows. Each area's z-score
  ``(y - p) / sqrt(p(1 - p) / n)`` is winsorised at the 10th and 90th percentiles; ``phi`` is the mean square of the
  winsorised z-scores. When ``I x phi`` exceeds the 95th percentile of chi-squared on ``I - 1`` degrees of freedom
  (I areas), overdispersion is present and the additive random-effects variance
  ``tau2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w)`` with ``w = n / (p (1 - p))`` widens the limits to
  ``p +/- z sqrt(p (1 - p) / n + tau2)`` (normal limits: the random-effects model is not binomial).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from dashboard.labels import p_text

LEVELS = {"95": 0.975, "99.8": 0.999}
HIGH_998, HIGH_95, SIMILAR, LOW_95, LOW_998, NOT_COMPARED = (
    "High (outside 99.8%)", "High (outside 95%)", "Within limits", "Low (outside 95%)", "Low (outside 99.8%)",
    "Not compared")


def exact_limit(p: float, n, probability: float) -> np.ndarray:
    """The exact binomial funnel limit (a proportion) at ``probability`` for target ``p`` and denominators ``n``."""
    n = np.asarray(n, dtype=float)
    usable = n > 0
    size = np.where(usable, np.rint(n), 1).astype(int)
    r = stats.binom.ppf(probability, size, p)
    below = stats.binom.cdf(r, size, p)
    mass = stats.binom.pmf(r, size, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(mass > 0, (below - probability) / mass, 0.0)
        limit = np.clip((r - a) / size, 0.0, 1.0)
    return np.where(usable, limit, np.nan)


def normal_limit(p: float, n, probability: float, tau2: float = 0.0) -> np.ndarray:
    """``p + z sqrt(p(1-p)/n + tau2)``, z the normal quantile at ``probability``; clipped to [0, 1]."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = p + stats.norm.ppf(probability) * np.sqrt(p * (1 - p) / n + tau2)
    return np.where(n > 0, np.clip(limit, 0.0, 1.0), np.nan)


def funnel_limit(p: float, n, probability: float, side: str, tau2: float = 0.0) -> np.ndarray:
    """The funnel limit (a proportion) for target ``p`` and denominators ``n``: exact binomial, or widened by
    the between-area variance ``tau2`` when there is overdispersion.

    ``probability`` is 0.975 (95% limits) or 0.999 (99.8% limits); ``side`` is "low" or "high".
    """
    if side not in ("low", "high"):
        raise ValueError("side must be 'low' or 'high'")
    q = probability if side == "high" else 1 - probability
    return normal_limit(p, n, q, tau2) if tau2 > 0 else exact_limit(p, n, q)


def funnel_limits(p: float, n, tau2: float = 0.0) -> pd.DataFrame:
    """All four limits (as proportions) for denominators ``n``: lower/upper at 95% and 99.8%."""
    n = np.asarray(n, dtype=float)
    return pd.DataFrame({
        "n": n,
        "lower_95": funnel_limit(p, n, LEVELS["95"], "low", tau2),
        "upper_95": funnel_limit(p, n, LEVELS["95"], "high", tau2),
        "lower_998": funnel_limit(p, n, LEVELS["99.8"], "low", tau2),
        "upper_998": funnel_limit(p, n, LEVELS["99.8"], "high", tau2),
    })


@dataclass(frozen=True)
class Overdispersion:
    phi: float  # mean square of the winsorised z-scores (1 without overdispersion)
    tau2: float  # between-area variance added to the limits (0 when not present)
    areas: int
    present: bool
    p_value: float  # of I x phi against chi-squared on I - 1 degrees of freedom

    def describe(self) -> str:
        if self.present:
            return (f"Areas vary more than chance allows (overdispersion factor {self.phi:.2f} from {self.areas} "
                    f"areas, p {p_text(self.p_value)}): limits widened by a between-area standard deviation of "
                    f"{np.sqrt(self.tau2) * 100:.1f} points (Spiegelhalter's random-effects method).")
        return (f"No overdispersion found (factor {self.phi:.2f} from {self.areas} areas, p {p_text(self.p_value)}): "
                "exact binomial limits.")


def overdispersion(count, n, p: float, winsor: float = 0.10, level: float = 0.95) -> Overdispersion:
    """Spiegelhalter's test and additive estimate of overdispersion among areas with a denominator."""
    count, n = np.asarray(count, dtype=float), np.asarray(n, dtype=float)
    keep = (n > 0) & ~np.isnan(count)
    count, n = count[keep], n[keep]
    areas = len(n)
    if areas < 3 or not 0 < p < 1:
        return Overdispersion(1.0, 0.0, areas, False, 1.0)
    variance = p * (1 - p) / n
    z = (count / n - p) / np.sqrt(variance)
    low, high = np.quantile(z, [winsor, 1 - winsor])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    statistic = areas * phi
    p_value = float(stats.chi2.sf(statistic, areas - 1))
    present = statistic > stats.chi2.ppf(level, areas - 1)
    tau2 = 0.0
    if present:
        w = 1 / variance
        tau2 = max(0.0, (statistic - (areas - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    return Overdispersion(phi, float(tau2), areas, bool(present and tau2 > 0), p_value)


def classify(count, n, p: float, tau2: float = 0.0) -> np.ndarray:
    """Where each area sits against the funnel around ``p``: High/Low outside 99.8% or 95%, or within.

    Areas with no denominator (or a suppressed count, NaN) are "Not compared".
    """
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = count / n
    limits = funnel_limits(p, n, tau2)
    return np.select(
        [~(n > 0) | np.isnan(count),
         rate > limits["upper_998"], rate < limits["lower_998"],
         rate > limits["upper_95"], rate < limits["lower_95"]],
        [NOT_COMPARED, HIGH_998, LOW_998, HIGH_95, LOW_95],
        default=SIMILAR,
    )


def funnel_curve(p: float, n_max: float, points: int = 200, tau2: float = 0.0) -> pd.DataFrame:
    """Limits on a geometric grid of denominators from 1 to ``n_max``, for drawing the funnel."""
    n = np.unique(np.rint(np.geomspace(1, max(n_max, 2), points)))
    return funnel_limits(p, n, tau2)
