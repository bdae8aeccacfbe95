"""NHS England "Making Data Count" XmR charts, as NHSRplotthedots (nhs-r-community) computes them.

- Centre line: the mean. Process limits: mean +/- 2.66 x the mean moving range (moving ranges of 3.267 x their
  mean or more are screened out first, NHSRplotthedots' default). The two-sigma lines sit two thirds of the way
  to the limits.
- Limits are fixed on a *baseline*: the first ``baseline`` points of each segment (NHSRplotthedots'
  ``fix_after_n_points``), then extended; a new segment starts only at a known change (``rebase``), with its own
  baseline. Limits from fewer than ``minimum_points`` baseline points are *trial* limits.
- Special-cause rules, evaluated within each segment:
  1. a point beyond a process limit;
  2. a shift: ``shift_length`` (7) or more consecutive points on one side of the mean (a point exactly on
     the mean breaks the run);
  3. a trend: ``trend_length`` (7) or more consecutive points each strictly above (or below) the one before;
  4. two of three: three consecutive points all on the same side of the mean, at least two of them in the outer
     third (beyond the two-sigma line but not beyond the process limit, which rule 1 already flags); the points
     in the outer third are flagged.
- Colour precedence (one rule, NHSRplotthedots'): a point flagged by any rule is *improvement* or *concern* by its
  own side of the mean (above the mean is concern when lower is better), whichever rule flagged it, so a falling
  trend still above the mean is concern; *neutral* when no direction is better. A special-cause point exactly on
  the mean (only a trend can flag one) counts as concern, as in NHSRplotthedots.
- The variation icon reads from the latest point; the assurance icon needs a target.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LIMIT_FACTOR = 2.66
OUTLIER_SCREEN = 3.267
COMMON, IMPROVEMENT, CONCERN, NEUTRAL = "common cause", "improvement", "concern", "neutral"


@dataclass(frozen=True)
class Limits:
    mean: float
    amr: float  # mean moving range (after screening)
    lpl: float
    upl: float
    lower_two_sigma: float
    upper_two_sigma: float
    trial: bool


def limits(values, *, screen_outliers: bool = True, minimum_points: int = 12) -> Limits:
    """XmR process limits from ``values`` (oldest first; the baseline)."""
    y = np.asarray(values, dtype=float)
    y = y[~np.isnan(y)]
    if len(y) < 2:
        raise ValueError("an XmR chart needs at least two points")
    mean = float(y.mean())
    mr = np.abs(np.diff(y))
    amr = float(mr.mean())
    if screen_outliers and amr > 0:
        amr = float(mr[mr < OUTLIER_SCREEN * amr].mean())
    half = LIMIT_FACTOR * amr
    return Limits(mean, amr, mean - half, mean + half, mean - half * 2 / 3, mean + half * 2 / 3,
                  trial=len(y) < minimum_points)


def _runs(flags: np.ndarray, length: int) -> np.ndarray:
    """True for every element in a run of ``length`` or more consecutive True values."""
    out = np.zeros(len(flags), dtype=bool)
    start = None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def rule_beyond_limits(y: np.ndarray, lim: Limits) -> np.ndarray:
    """+1 above the upper process limit, -1 below the lower, 0 otherwise."""
    return np.where(y > lim.upl, 1, np.where(y < lim.lpl, -1, 0))


def rule_shift(y: np.ndarray, lim: Limits, length: int = 7) -> np.ndarray:
    """+1/-1 for points in a run of ``length`` or more on one side of the mean; a point on the mean breaks it."""
    side = np.sign(y - lim.mean)
    return np.where(_runs(side > 0, length), 1, np.where(_runs(side < 0, length), -1, 0))


def rule_trend(y: np.ndarray, length: int = 7) -> np.ndarray:
    """+1/-1 for points in a run of ``length`` or more points each strictly above/below the one before."""
    out = np.zeros(len(y), dtype=int)
    step = np.sign(np.diff(y))
    for direction in (1, -1):
        # ``length`` points make ``length - 1`` steps; a point belongs to the run of the steps either side.
        in_steps = _runs(step == direction, length - 1)
        points = np.zeros(len(y), dtype=bool)
        points[:-1] |= in_steps
        points[1:] |= in_steps
        out[points & (out == 0)] = direction
    return out


def rule_two_of_three(y: np.ndarray, lim: Limits) -> np.ndarray:
    """+1/-1 for points in the outer third when 2 of 3 consecutive points, all three on that side of the mean,
    are in it (beyond the two-sigma line, not beyond the process limit)."""
    side = np.sign(y - lim.mean).astype(int)
    outer = (np.abs(y - lim.mean) > (lim.upper_two_sigma - lim.mean)) & (y <= lim.upl) & (y >= lim.lpl)
    out = np.zeros(len(y), dtype=int)
    for start in range(max(len(y) - 2, 0)):
        window = slice(start, start + 3)
        if abs(side[window].sum()) == 3 and outer[window].sum() >= 2:
            hit = np.zeros(len(y), dtype=bool)
            hit[window] = outer[window]
            out[hit] = side[hit]
    return out


def _segment(y: np.ndarray, *, baseline: int | None, screen_outliers: bool, minimum_points: int,
             shift_length: int, trend_length: int,
             fixed: Limits | None = None) -> tuple[Limits, dict[str, np.ndarray]]:
    lim = fixed or limits(y[:baseline] if baseline else y, screen_outliers=screen_outliers,
                          minimum_points=minimum_points)
    rules = {
        "beyond_limits": rule_beyond_limits(y, lim),
        "two_of_three": rule_two_of_three(y, lim),
        "shift": rule_shift(y, lim, shift_length),
        "trend": rule_trend(y, trend_length),
    }
    return lim, rules


def xmr(frame: pd.DataFrame, value: str = "value", *, improvement: str | None = "decrease",
        baseline: int | None = None, rebase=None, fixed: Limits | None = None, shift_length: int = 7,
        trend_length: int = 7, minimum_points: int = 12, screen_outliers: bool = True) -> pd.DataFrame:
    """An XmR chart's numbers: ``frame`` (oldest first, no missing values) with limits, rule flags and types.

    ``improvement`` is "decrease" (lower is better), "increase" or None (neutral). ``baseline``: limits from the
    first ``baseline`` points of each segment (None: all of them). ``rebase``: a boolean per row, True where a
    known change starts a new segment. ``fixed``: limits already computed on a baseline outside ``frame`` (e.g.
    quarters before the range shown), used instead for the first segment. Adds columns ``segment``, ``baseline``, ``mean``, ``lpl``, ``upl``,
    ``lower_two_sigma``, ``upper_two_sigma``, ``trial``, ``beyond_limits``, ``shift``, ``trend``,
    ``two_of_three`` (each +1/-1/0), ``side`` (the point's side of the mean) and ``point_type``.
    """
    y = frame[value].to_numpy(dtype=float)
    if np.isnan(y).any():
        raise ValueError("an XmR chart needs a value for every point")
    starts = np.zeros(len(y), dtype=bool) if rebase is None else np.asarray(rebase, dtype=bool).copy()
    starts[:1] = True
    segment = np.cumsum(starts) - 1
    out = frame.copy()
    columns = {name: np.zeros(len(y)) for name in ("mean", "lpl", "upl", "lower_two_sigma", "upper_two_sigma")}
    columns |= {"trial": np.zeros(len(y), dtype=bool), "in_baseline": np.zeros(len(y), dtype=bool)}
    rules = {name: np.zeros(len(y), dtype=int) for name in ("beyond_limits", "two_of_three", "shift", "trend")}
    for seg in np.unique(segment):
        rows = np.flatnonzero(segment == seg)
        lim, seg_rules = _segment(y[rows], baseline=baseline, screen_outliers=screen_outliers,
                                  minimum_points=minimum_points, shift_length=shift_length,
                                  trend_length=trend_length, fixed=fixed if seg == 0 else None)
        for name in ("mean", "lpl", "upl", "lower_two_sigma", "upper_two_sigma", "trial"):
            columns[name][rows] = getattr(lim, name)
        if not (fixed and seg == 0):
            columns["in_baseline"][rows[:baseline] if baseline else rows] = True
        for name, flags in seg_rules.items():
            rules[name][rows] = flags
    out["segment"] = segment
    for name, column in columns.items():
        out[name] = column
    special = np.zeros(len(y), dtype=bool)
    for name, flags in rules.items():
        out[name] = flags
        special |= flags != 0
    side = np.sign(y - out["mean"].to_numpy()).astype(int)
    out["side"] = np.where(special, side, 0)
    good = {"decrease": -1, "increase": 1}.get(improvement or "")
    out["point_type"] = np.select(
        [~special, good is None, side == (good or 0)], [COMMON, NEUTRAL, IMPROVEMENT], default=CONCERN)
    return out


def variation(chart: pd.DataFrame) -> str:
    """The variation icon in words, from the latest point."""
    last = chart.iloc[-1]
    if last["point_type"] == COMMON:
        return "common cause variation"
    where = "high" if last["side"] > 0 else "low" if last["side"] < 0 else "on the mean"
    return f"special cause {last['point_type']} ({where})"


def assurance(chart: pd.DataFrame, target: float | None, improvement: str | None = "decrease") -> str | None:
    """The assurance icon in words: whether the process will consistently hit or miss ``target``."""
    if target is None or improvement is None:
        return None
    lpl, upl = chart["lpl"].iloc[-1], chart["upl"].iloc[-1]
    if lpl <= target <= upl:
        return "hit and miss target subject to random variation"
    passes = upl < target if improvement == "decrease" else lpl > target
    return "consistently hit target" if passes else "consistently fail target"
