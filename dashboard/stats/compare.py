"""Fingertips-style comparison with England and the recent-trend marker.

Comparison (OHID Fingertips, PHEindicatormethods): an area is *similar* when its confidence interval
contains England's value, otherwise *better* or *worse* according to the indicator's polarity (here a
lower long-term-sickness rate is better); *not compared* when it has no interval.

Recent trend (Fingertips): a chi-squared test for linear trend in proportions (Cochran-Armitage) over the
last five points, judged at 99.8% (two-sided p < 0.002): *increasing*, *decreasing* or *no significant change*.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

BETTER, SIMILAR, WORSE, NOT_COMPARED = "better", "similar", "worse", "not compared"
INCREASING, DECREASING, NO_CHANGE, NOT_CALCULATED = (
    "increasing", "decreasing", "no significant change", "cannot be calculated")
TREND_POINTS = 5


def compare_with_england(lower, upper, england: float, *, lower_is_better: bool = True) -> np.ndarray:
    """Classify each area's interval [lower, upper] against England's value."""
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    missing = np.isnan(lower) | np.isnan(upper) | np.isnan(float(england))
    above = lower > england  # the whole interval is higher than England
    below = upper < england
    high, low = (WORSE, BETTER) if lower_is_better else (BETTER, WORSE)
    with np.errstate(invalid="ignore"):
        out = np.select([missing, above, below], [NOT_COMPARED, high, low], default=SIMILAR)
    return out.astype(object)


def trend_chi_squared(counts, totals, scores=None) -> tuple[float, float, float]:
    """Cochran-Armitage chi-squared test for linear trend in proportions ``counts / totals``.

    Returns ``(chi2, p_value, slope_sign)`` with one degree of freedom; ``scores`` default to 1..k.
    """
    r = np.asarray(counts, dtype=float)
    n = np.asarray(totals, dtype=float)
    t = np.arange(1, len(r) + 1, dtype=float) if scores is None else np.asarray(scores, dtype=float)
    big_n, big_r = n.sum(), r.sum()
    if big_n <= 0:
        return np.nan, np.nan, 0.0
    p = big_r / big_n
    statistic = np.sum(t * (r - n * p))
    variance = p * (1 - p) * (np.sum(n * t ** 2) - np.sum(n * t) ** 2 / big_n)
    if not variance > 0:
        return np.nan, np.nan, 0.0
    chi2 = statistic ** 2 / variance
    return float(chi2), float(stats.chi2.sf(chi2, 1)), float(np.sign(statistic))


NO_SPREAD = 1e-9  # a feature whose spread is below this fraction of its largest value does not vary


def nearest_neighbours(profile: pd.DataFrame, focus: str, k: int = 5, *, rate: str = "rate",
                       mix: tuple[str, ...] = ()) -> pd.DataFrame:
    """The ``k`` areas most like ``focus``: Euclidean distance on standardised features.

    ``profile`` is indexed by area code. The rate counts as much as the whole mix (the mix columns share one
    weight between them); a feature with no spread (every area alike, up to rounding) is left out.
    Returns the neighbours' rows, nearest first, with a ``distance`` column.
    """
    if focus not in profile.index:
        return profile.iloc[0:0].assign(distance=[])
    features = profile[[rate, *mix]].astype(float)
    spread = features.std(ddof=0)
    # No spread includes rounding noise: shares summed in another order differ in the last bit (1e-17), and
    # standardising that noise would weigh it as much as real differences.
    spread = spread.where(spread > NO_SPREAD * features.abs().max())
    z = (features - features.mean()) / spread
    z = z.fillna(0.0)
    weights = pd.Series({rate: 1.0, **{m: 1.0 / len(mix) for m in mix}})
    distance = np.sqrt(((z - z.loc[focus]) ** 2 * weights).sum(axis=1)).drop(focus)
    order = distance.sort_values(kind="stable").index[:k]
    return profile.loc[order].assign(distance=distance.loc[order])


def recent_trend(counts, totals, confidence: float = 0.998, points: int = TREND_POINTS) -> str:
    """Fingertips' recent-trend marker from the last ``points`` values (oldest first)."""
    counts = np.asarray(counts, dtype=float)[-points:]
    totals = np.asarray(totals, dtype=float)[-points:]
    if len(counts) < points or np.isnan(counts).any() or np.isnan(totals).any() or (totals <= 0).any():
        return NOT_CALCULATED
    chi2, p_value, sign = trend_chi_squared(counts, totals)
    if np.isnan(chi2):
        return NOT_CALCULATED
    if p_value < 1 - confidence:
        return INCREASING if sign > 0 else DECREASING
    return NO_CHANGE
