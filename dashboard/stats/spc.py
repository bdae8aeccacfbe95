"""NHS England "Making Data Count" XmR charts, as NHSRplotthedots computes them.

- Centre line: the mean. Process limits: mean +/- 2.66 x the mean moving range (moving ranges above
  3.267 x their mean are screened out first, NHSRplotthedots' default). The two-sigma lines sit at
  two thirds of the way to the limits.
- Special-cause rules (defaults; run lengths are parameters):
  1. a point beyond a process limit;
  2. a shift: ``shift_length`` (7) or more consecutive points on one side of the mean (a point exactly on
     the mean breaks the run);
  3. a trend: ``trend_length`` (7) or more consecutive points each strictly above (or below) the one before;
  4. two of three consecutive points beyond the same two-sigma line (points beyond the process limit count,
     as MDC has advised since November 2023); the points beyond the line are flagged.
- With fewer than ``minimum_points`` (12) points the limits are *trial* limits.
- Each special-cause point is *improvement* or *concern* (given the direction that is better) or *neutral*
  (no direction). A point's side comes from the first rule that flags it, in the order above (a trend's side
  is its direction, not its place against the mean).
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
    """XmR process limits for ``values`` (oldest first)."""
    y = np.asarray(values, dtype=float)
    y = y[~np.isnan(y)]
    if len(y) < 2:
        raise ValueError("an XmR chart needs at least two points")
    mean = float(y.mean())
    mr = np.abs(np.diff(y))
    amr = float(mr.mean())
    if screen_outliers and amr > 0:
        amr = float(mr[mr <= OUTLIER_SCREEN * amr].mean())
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
    """+1/-1 for points beyond a two-sigma line when 2 of 3 consecutive points are beyond the same line."""
    out = np.zeros(len(y), dtype=int)
    for direction, beyond in ((1, y > lim.upper_two_sigma), (-1, y < lim.lower_two_sigma)):
        for start in range(max(len(y) - 2, 0)):
            window = slice(start, start + 3)
            if beyond[window].sum() >= 2:
                hit = np.zeros(len(y), dtype=bool)
                hit[window] = beyond[window]
                out[hit & (out == 0)] = direction
    return out


def xmr(frame: pd.DataFrame, value: str = "value", *, improvement: str | None = "decrease",
        shift_length: int = 7, trend_length: int = 7, minimum_points: int = 12,
        screen_outliers: bool = True) -> pd.DataFrame:
    """An XmR chart's numbers: ``frame`` (oldest first) with limits, rule flags and each point's type.

    ``improvement`` is "decrease" (lower is better), "increase" or None (neutral). Adds columns ``mean``,
    ``lpl``, ``upl``, ``lower_two_sigma``, ``upper_two_sigma``, ``trial``, ``beyond_limits``, ``shift``,
    ``trend``, ``two_of_three`` (each +1/-1/0), ``side`` and ``point_type``.
    """
    y = frame[value].to_numpy(dtype=float)
    lim = limits(y, screen_outliers=screen_outliers, minimum_points=minimum_points)
    out = frame.copy()
    for name in ("mean", "lpl", "upl", "lower_two_sigma", "upper_two_sigma", "trial"):
        out[name] = getattr(lim, name)
    rules = {
        "beyond_limits": rule_beyond_limits(y, lim),
        "two_of_three": rule_two_of_three(y, lim),
        "shift": rule_shift(y, lim, shift_length),
        "trend": rule_trend(y, trend_length),
    }
    side = np.zeros(len(y), dtype=int)
    for name, flags in rules.items():
        out[name] = flags
        side = np.where(side == 0, flags, side)
    out["side"] = side
    good = {"decrease": -1, "increase": 1}.get(improvement or "")
    out["point_type"] = np.select(
        [side == 0, good is None, side == (good or 0)], [COMMON, NEUTRAL, IMPROVEMENT], default=CONCERN)
    return out


def variation(chart: pd.DataFrame) -> str:
    """The variation icon in words, from the latest point."""
    last = chart.iloc[-1]
    if last["point_type"] == COMMON:
        return "common cause variation"
    where = "high" if last["side"] > 0 else "low"
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
