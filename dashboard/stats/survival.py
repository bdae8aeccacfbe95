"""Kaplan-Meier time to an event, by group, with pointwise 95% intervals.

The estimate and its Greenwood standard error come from statsmodels' ``SurvfuncRight``. Counts are
expanded to one row a person first: ``SurvfuncRight``'s ``freq_weights`` give the right survival curve but
not Greenwood's standard error. The interval is the log(-log) transform (as lifelines and R's survival
package report by default), which stays inside 0-1.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight

COLUMNS = ["time", "at_risk", "events", "survival", "se", "lower", "upper"]


def kaplan_meier(time, event, count=None, confidence: float = 0.95) -> pd.DataFrame:
    """The Kaplan-Meier survival curve at each event time.

    ``time``: follow-up (event or censoring time); ``event``: True where the event was seen, False where
    censored; ``count``: optional number of people with that (time, event). Returns ``time``, ``at_risk``,
    ``events``, ``survival``, ``se`` (Greenwood), ``lower``, ``upper`` (the survival probability's interval),
    with a first row at time 0 (survival 1).
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    if count is not None:
        repeat = np.asarray(count, dtype=np.int64)
        time, event = np.repeat(time, repeat), np.repeat(event, repeat)
    if time.size == 0:
        return pd.DataFrame(columns=COLUMNS)
    start = pd.DataFrame({"time": [0.0], "at_risk": [float(time.size)], "events": [0.0], "survival": [1.0],
                          "se": [0.0], "lower": [1.0], "upper": [1.0]})
    if not event.any():
        return start
    fit = SurvfuncRight(time, event.astype(int))
    s = np.asarray(fit.surv_prob, dtype=float)
    se = np.asarray(fit.surv_prob_se, dtype=float)
    lower, upper = loglog_interval(s, se, confidence)
    curve = pd.DataFrame({"time": fit.surv_times, "at_risk": np.asarray(fit.n_risk, dtype=float),
                          "events": np.asarray(fit.n_events, dtype=float), "survival": s, "se": se,
                          "lower": lower, "upper": upper})
    return pd.concat([start, curve], ignore_index=True)


def loglog_interval(s, se, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise interval for a survival probability on the log(-log) scale; 0 and 1 map to themselves."""
    s = np.asarray(s, dtype=float)
    se = np.asarray(se, dtype=float)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    inside = (s > 0) & (s < 1)
    safe = np.where(inside, s, 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * np.nan_to_num(se) / np.abs(safe * np.log(safe))
        log_minus_log = np.log(-np.log(safe))
        lower = np.exp(-np.exp(log_minus_log + half))
        upper = np.exp(-np.exp(log_minus_log - half))
    return np.where(inside, lower, s), np.where(inside, upper, s)


def kaplan_meier_by(frame: pd.DataFrame, group: str, *, time: str = "time", event: str = "event",
                    count: str | None = "people", confidence: float = 0.95) -> pd.DataFrame:
    """``kaplan_meier`` for each value of ``group``: the group column followed by ``COLUMNS``."""
    parts = []
    for name, rows in frame.groupby(group, sort=False):
        curve = kaplan_meier(rows[time], rows[event], rows[count] if count else None, confidence)
        curve.insert(0, group, name)
        parts.append(curve)
    if not parts:
        return pd.DataFrame(columns=[group, *COLUMNS])
    return pd.concat(parts, ignore_index=True)


def kaplan_meier_from_counts(table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """The Kaplan-Meier curve from a table of ``time``, ``at_risk``, ``events`` (one row a time, in order),
    e.g. the disclosure-controlled counts of ``disclosure.kaplan_meier_table``: survival is the product of
    ``1 - events / at_risk``, its standard error Greenwood's, its interval on the log(-log) scale. Returns
    ``COLUMNS`` with a first row at time 0 (survival 1) and a row for each time in ``table``."""
    if table.empty:
        return pd.DataFrame(columns=COLUMNS)
    n = table["at_risk"].to_numpy(dtype=float)
    d = table["events"].to_numpy(dtype=float)
    s = np.cumprod(1 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(np.where(n > d, d / (n * (n - d)), np.nan))
    se = s * np.sqrt(greenwood)
    lower, upper = loglog_interval(s, se, confidence)
    start = pd.DataFrame({"time": [0.0], "at_risk": [n[0]], "events": [0.0], "survival": [1.0], "se": [0.0],
                          "lower": [1.0], "upper": [1.0]})
    curve = pd.DataFrame({"time": table["time"].to_numpy(dtype=float), "at_risk": n, "events": d, "survival": s,
                          "se": se, "lower": lower, "upper": upper})
    return pd.concat([start, curve], ignore_index=True)
