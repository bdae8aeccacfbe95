"""Small-number disclosure control: the one module that owns the rule every chart, table and export obeys.

The rule (NHS Digital, HES/ECDS since 2018; OpenSAFELY alike): a count of 1 to 7 is suppressed (shown as
"*", blank in CSV and Excel), 8 or more is rounded to the nearest 5, 0 stays 0.

What is published, and why:
- **Counts of people from records** (programme participants, follow-up cohorts, outcomes, app users) follow
  the rule at *every* level, England included. A national total next to controlled ICB figures (in one
  output, or in two outputs for the same filters) would otherwise give a suppressed ICB cell by
  subtraction; rounded on both sides, subtraction gives only a range.
- **Rates, shares and means** are computed from the *unrounded* counts (rounded counts bias them: 8 of 12
  is 67%, not 10 of 10), and are suppressed, with their intervals, where the denominator is below the rule,
  or where the numerator or its complement (the people without the outcome) is 1-7: a rate times a
  published denominator would otherwise give that small count back (10% of "10" is 1 person).
- **Kaplan-Meier curves** are drawn from rounded cumulative counts of events and of censorings, so no
  step of the curve is smaller than a group of 5 people, and stop where fewer than 8 remain at risk.
- **Survey estimates** (weighted numbers of people) are rounded below national level; respondent counts
  are never published below national level, and every value derived from a blanked estimate is blanked.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

SUPPRESSED = "*"
THRESHOLD = 8  # the smallest count published
BASE = 5  # counts of THRESHOLD or more are rounded to a multiple of BASE
SMALL_NOTE = f"Suppressed: fewer than {THRESHOLD} people, with or without a job"
# What every export says about the rule (exports' "Notes"; the About page says it at length).
NOTE = (f"Disclosure control: counts of people of 1 to {THRESHOLD - 1} are suppressed (blank cells, '*' on charts) "
        f"and others rounded to the nearest {BASE}, at every level for programme records and below national level "
        "for survey estimates; rates, shares and means are computed from unrounded counts and left blank where "
        f"their denominator is under {THRESHOLD} or they would reveal a suppressed count; survey respondent counts "
        "are published for England only; time-to-work curves use rounded counts and stop where fewer than "
        f"{THRESHOLD} people are at risk.")


def _round(count: np.ndarray) -> np.ndarray:
    return np.floor(count / BASE + 0.5) * BASE


def is_small(count) -> np.ndarray:
    """Whether each count is one the rule suppresses (1 to 7); NaN is not small (already suppressed)."""
    count = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        return (count >= 1) & (count < THRESHOLD)


def control(count) -> np.ndarray:
    """The rule, at any level: NaN (published as "*") for 1-7, multiples of 5 from 8, 0 stays 0."""
    count = np.asarray(count, dtype=float)
    return np.where(is_small(count), np.nan, np.where(count == 0, 0.0, _round(count)))


def round_count(count, national=False) -> np.ndarray:
    """Weighted survey estimates: the rule below national level, national estimates unrounded.

    ``national`` is a bool or a per-row mask. Counts of people from records use ``control`` instead.
    """
    count = np.asarray(count, dtype=float)
    national = np.broadcast_to(np.asarray(national, dtype=bool), count.shape)
    return np.where(national, count, control(count))


def disclose(frame: pd.DataFrame, counts: tuple[str, ...] | list[str], national=False) -> pd.DataFrame:
    """``round_count`` applied to the ``counts`` columns of a frame of survey estimates."""
    out = frame.copy()
    for column in counts:
        if column in out:
            out[column] = round_count(out[column], national)
    return out


def control_columns(frame: pd.DataFrame, counts) -> pd.DataFrame:
    """``control`` applied to the ``counts`` columns (counts of people from records, any level)."""
    out = frame.copy()
    for column in counts:
        if column in out:
            out[column] = control(out[column])
    return out


def rate_hidden(numerator, denominator) -> np.ndarray:
    """Where a rate ``numerator / denominator`` may not be published: the denominator is below the rule
    (or unknown), or the numerator or the complement ``denominator - numerator`` is 1-7."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore"):
        return ~(den >= THRESHOLD) | np.isnan(num) | is_small(num) | is_small(den - num)


def rate(numerator, denominator, scale: float = 100.0) -> np.ndarray:
    """``numerator / denominator * scale`` from unrounded counts; NaN where ``rate_hidden``."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    hidden = rate_hidden(num, den)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num / np.where(den > 0, den, 1.0) * scale
    return np.where(hidden, np.nan, value)


def part_suppressed(numerator, denominator) -> np.ndarray:
    """Whether a part of a total has a count the rule suppresses: its denominator, numerator or complement
    is 1-7 (a part of 0 is exactly known and hides nothing)."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    return is_small(den) | is_small(num) | is_small(den - num)


def total_rate(numerator, denominator, parts_suppressed, scale: float = 100.0) -> np.ndarray:
    """The rate of a total (England, a region) whose parts (ICBs) are published too: secondary suppression.

    Where no part is suppressed, as ``rate``, from the unrounded counts. Where a part is suppressed, an exact
    rate would pin the total's counts, and the total less the parts shown would give the suppressed part back;
    so the rate is computed from the total's controlled (rounded) counts instead, and tells no more than they
    do. Blank as ``rate_hidden`` in either case.
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    shown = rate(num, den, scale)
    num_c, den_c = control(num), control(den)
    with np.errstate(invalid="ignore", divide="ignore"):
        rounded = np.where(den_c > 0, num_c / np.where(den_c > 0, den_c, 1.0) * scale, np.nan)
    return np.where(np.asarray(parts_suppressed, dtype=bool) & ~np.isnan(shown), rounded, shown)


def mean_hidden(n) -> np.ndarray:
    """Where a mean (or its interval) over ``n`` people may not be published: fewer than the rule."""
    return ~(np.asarray(n, dtype=float) >= THRESHOLD)


def blank(frame: pd.DataFrame, mask, columns) -> pd.DataFrame:
    """Blank ``columns`` (those present) on the rows in ``mask``: values derived from a suppressed cell."""
    out = frame.copy()
    mask = np.asarray(mask, dtype=bool)
    present = [c for c in columns if c in out.columns]
    if mask.any() and present:
        out.loc[mask, present] = np.nan
    return out


def round_cumulative(count) -> np.ndarray:
    """A running total (events so far) published safely: 0 until it reaches the rule, then rounded to 5.

    Rounding is monotone, so a rounded running total never falls; each of its steps is 0 or at least 5.
    """
    count = np.asarray(count, dtype=float)
    return np.where(count < THRESHOLD, 0.0, _round(count))


def kaplan_meier_table(time, event, count) -> pd.DataFrame:
    """Disclosure-controlled Kaplan-Meier counts for one group, as OpenSAFELY's Kaplan-Meier action does:
    the cumulative numbers of events and of censorings are rounded (``round_cumulative``) and the risk
    set, events and censorings at each time derived from them, so every step is 0 or 5 or more people.

    ``time``, ``event`` (bool) and ``count`` (people with that time and event). Returns ``time``,
    ``at_risk`` (before the time), ``events`` and ``censored`` at each time where a rounded count changes,
    stopped before the first time fewer than ``THRESHOLD`` people are at risk. Survival follows from it
    (``survival.kaplan_meier_from_counts``).
    """
    cells = pd.DataFrame({"time": np.asarray(time, dtype=float), "event": np.asarray(event, dtype=bool),
                          "people": np.asarray(count, dtype=float)})
    total = float(cells["people"].sum())
    empty = pd.DataFrame(columns=["time", "at_risk", "events", "censored"], dtype=float)
    if total < THRESHOLD:
        return empty
    by_time = cells.pivot_table(index="time", columns="event", values="people", aggfunc="sum", fill_value=0.0)
    by_time = by_time.reindex(columns=[True, False], fill_value=0.0).sort_index()
    events = round_cumulative(by_time[True].cumsum().to_numpy())
    censored = round_cumulative(by_time[False].cumsum().to_numpy())
    people = _round(np.array(total))
    steps = pd.DataFrame({"time": by_time.index.to_numpy(dtype=float),
                          "events": np.diff(events, prepend=0.0), "censored": np.diff(censored, prepend=0.0)})
    before = np.concatenate([[0.0], (events + censored)[:-1]])
    steps["at_risk"] = people - before
    steps = steps[(steps["events"] > 0) | (steps["censored"] > 0)]
    steps = steps[steps["at_risk"] > 0]
    first_too_few = np.flatnonzero(steps["at_risk"].to_numpy() < THRESHOLD)
    if len(first_too_few):
        steps = steps.iloc[: first_too_few[0]]
    return steps[["time", "at_risk", "events", "censored"]].reset_index(drop=True) if len(steps) else empty


def show_count(value) -> str:
    """A controlled count for hover text and tables: '*' when suppressed, thousands separated."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return SUPPRESSED
    return f"{value:,.0f}"
