"""The accelerator evaluation on a build from published files: the ICB x period panel of the published measure on
periods that share no months and lie wholly before or after the start, what was left out and why, and the reduced
power in numbers (``charts/accelerators.py`` draws the difference-in-differences and event study from it)."""
from __future__ import annotations

import pandas as pd
from scipy import stats as scipy_stats

from dashboard import facts, periods
from dashboard.domain import domain, quarter_label
from dashboard.filters import Filters, period_label


def usable(panel: pd.DataFrame, start: str) -> bool:
    """Whether a panel has accelerator and other ICBs, and periods before and after the start."""
    return (not panel.empty and (panel["period"] < start).any() and (panel["period"] >= start).any()
            and panel["treated"].any() and (~panel["treated"]).any())


def published_panel(filters: Filters) -> pd.DataFrame:
    """On a build from published files: ICB x period published percentages (one measure, totals only) on the
    periods that share no months, as ``charts.accelerators._panel`` gives them; ``attrs['published']`` says in words what was loaded
    and what was left out, and ``attrs['empty_message']`` (with an empty panel) why no comparison can be made."""
    start = domain().accelerator_start
    areas = domain().areas
    icbs = areas.loc[areas["level"] == "icb", "code"].tolist()
    rows = pd.DataFrame() if facts.asks_breakdown(filters) else \
        facts.published_series(icbs, filters.period_from, filters.period_to)
    if rows.empty:
        return pd.DataFrame()  # ``needs`` says why for a breakdown; else nothing published for ICBs
    spans = rows.groupby("period", as_index=False).agg(period_start=("period_start", "min"),
                                                       period_end=("period_end", "max"))
    spans, straddling = _before_or_after(spans, pd.Timestamp(periods.first_day(start)))
    kept, dropped = facts.independent_periods(spans)
    dropped = ". ".join(w for w in (straddling, dropped) if w)
    measure = rows["measure"].iloc[0]
    rows = rows[rows["period"].isin(kept["period"])]
    treated = set(areas.loc[areas["accelerator"].fillna(False).astype(bool), "code"])
    panel = rows.assign(treated=rows["area_code"].isin(treated))[
        ["area_code", "area_name", "period", "period_start", "rate", "treated"]].reset_index(drop=True)
    before, after = kept.loc[kept["period"] < start, "period"], kept.loc[kept["period"] >= start, "period"]
    labels = dict(zip(rows["period"], rows["period_label"], strict=False))
    listed = f" ({', '.join(labels[p] for p in kept['period'])})" if len(kept) else ""
    words = (f"the loaded files publish {measure} for {panel['area_code'].nunique()} ICBs "
             f"({panel['treated'].groupby(panel['area_code']).first().sum()} of them accelerators) in "
             f"{len(kept)} period{'s' if len(kept) != 1 else ''} sharing no months{listed}: {len(before)} before "
             f"the start ({quarter_label(start)}) and {len(after)} after")
    panel.attrs["published"] = f"Reduced power: {words}." + (f" {dropped}." if dropped else "")
    if not usable(panel, start) or panel["treated"].groupby(panel["area_code"]).first().sum() < 1:
        out = pd.DataFrame()
        out.attrs["empty_message"] = (
            f"Cannot compare: {words}." + (f" {dropped}." if dropped else "") + " A difference-in-differences "
            "needs published rates for accelerator and other ICBs both before and after the start.")
        return out
    return panel


def _before_or_after(spans: pd.DataFrame, first_day: pd.Timestamp) -> tuple[pd.DataFrame, str]:
    """The periods wholly before or wholly after the start; and in words the ones left out because their months
    fall on both sides of it (a rolling year to Dec 2025 holds three months before an April 2025 start: counting
    it as after would dilute the effect, counting it as before would leak it into the baseline)."""
    straddle = (spans["period_start"] < first_day) & (spans["period_end"] >= first_day)
    if not straddle.any():
        return spans, ""
    labels = ", ".join(period_label(p) for p in spans.loc[straddle, "period"])
    return spans[~straddle].reset_index(drop=True), (
        f"Left out {labels}: {'its' if straddle.sum() == 1 else 'their'} months fall both before and after the start")


def detectable(row) -> str:
    """The reduced power in numbers: the smallest change the main comparison would detect 8 times in 10 (two-sided
    5% test on the two-step's t with units - 2 degrees of freedom): (t(0.975) + t(0.80)) x its standard error."""
    units = int(row["n_treated"] + row["n_comparison"])
    size = (scipy_stats.t.ppf(0.975, units - 2) + scipy_stats.t.ppf(0.80, units - 2)) * row["se"]
    return (f"With {units} ICBs, only a change of about {size:.1f} points or more would be detected 8 times in 10 "
            f"(80% power, 5% test, against {row['comparison'][0].lower() + row['comparison'][1:]}).")
