"""Long-term sickness by area from the one fact model, whatever its origin.

The warehouse's ``lts_facts`` hold long-term sickness as each source publishes it (``data/schema.sql``): Nomis'
APS rolling years for England, regions and ICBs, the UK three-month series, and the demo generator's quarters.
Where the warehouse has survey cells (the demo generator writes them), rates, intervals and trends are computed
from them for any age, sex or condition (``charts.common.lts_rates``); otherwise the league, the map and the
choropleth draw the published measure here: its value, its 95% interval and the publisher's flags, for the period
type it is published for. Every row names its measure and source and says whether it is synthetic.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.domain import domain
from dashboard.filters import Filters
from dashboard.stats import compare, quality
from queries import run

Z95 = 1.959964


def survey_cells() -> bool:
    """Whether the warehouse has survey cells (age x sex x condition by area and quarter): only the demo does."""
    return domain().survey_cells


def asks_breakdown(filters: Filters) -> bool:
    """Whether the filters ask for an age band, a sex or a main condition: published figures are totals."""
    return bool(filters.age or filters.sex or filters.condition)


def totals_need(filters: Filters) -> str | None:
    """For a chart that draws published totals where there are no survey cells: what the breakdown asked for needs
    (``Chart.needs``: 'condition', 'age' or 'sex'); with survey cells, 'cells' (which they give)."""
    if survey_cells():
        return "cells"
    return "condition" if filters.condition else "age" if filters.age else "sex" if filters.sex else None


def published_quality(frame: pd.DataFrame) -> np.ndarray:
    """ONS's quality band for published rows: from the CV that the 95% interval implies (se = half-width / 1.96),
    'not shown' for Nomis' '!' and 'unreliable' for '*' (3-9 respondents); none where no interval is given."""
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = 100 * (frame["upper"] - frame["lower"]) / (2 * Z95) / frame["rate"]
    banded = quality.quality(cv.to_numpy(dtype=float), np.full(len(frame), np.inf))
    out = np.where(frame["lower"].isna() | frame["upper"].isna(), None, banded).astype(object)
    out = np.where(frame["flag"].eq("*"), quality.UNRELIABLE, out)
    return np.where(frame["flag"].eq("!") | frame["rate"].isna(), quality.NOT_SHOWN, out)


def published_level(filters: Filters, level: str) -> pd.DataFrame:
    """The published long-term-sickness percentage for every area of ``level`` in the latest period ending by the
    chosen quarter: of several measures, the one covering most areas. England's value is the same measure in the
    same period, or missing (then nothing is compared). Empty when no file published one at this level."""
    rows = run("lts_published", level=level, period_to=filters.period_to)
    at_level = rows[(rows["level"] == level) & rows["rate"].notna()]
    if at_level.empty:
        return pd.DataFrame()
    measure = at_level.groupby("measure")["code"].nunique().sort_index().idxmax()
    rows = rows[rows["measure"] == measure]
    last = rows.loc[(rows["level"] == level) & rows["rate"].notna(), "period"].max()
    latest = rows[(rows["level"] == level) & (rows["period"] == last)].copy()
    england = rows.loc[(rows["level"] == "england") & (rows["period"] == last), "rate"].dropna()
    latest["england_rate"] = float(england.iloc[0]) if len(england) else np.nan
    latest["quality"] = published_quality(latest)
    with np.errstate(invalid="ignore", divide="ignore"):
        latest["se"] = (latest["upper"] - latest["lower"]) / (2 * Z95)
        latest["cv"] = 100 * latest["se"] / latest["rate"]
    usable = quality.comparable(latest["quality"]) & latest["lower"].notna().to_numpy()
    latest["compared_with_england"] = np.where(
        usable, compare.compare_with_england(latest["lower"], latest["upper"], latest["england_rate"].iloc[0]),
        compare.NOT_COMPARED)
    # Overlapping rolling years share most of their respondents: no trend test on them.
    latest["recent_trend"] = compare.NOT_CALCULATED
    latest["population"] = np.nan  # the published denominator is not the population aged 16-64 in general
    return latest.reset_index(drop=True)


def published_series(areas: list[str], period_from: str, period_to: str) -> pd.DataFrame:
    """The published long-term-sickness percentage over time for ``areas`` (the area, its region, England), in
    periods ending between the two quarters: of several measures, the one covering most of the areas, then most
    periods. Each row keeps its measure, published period label, source and files. Empty when none is loaded."""
    rows = run("lts_published_series", areas=list(areas), period_from=period_from, period_to=period_to)
    rows = rows[rows["rate"].notna()]
    if rows.empty:
        return pd.DataFrame()
    reach = rows.groupby("measure").agg(areas=("area_code", "nunique"), periods=("period", "nunique"))
    measure = reach.sort_values(["areas", "periods"], ascending=False, kind="stable").index[0]
    out = rows[rows["measure"] == measure].copy()
    order = {code: i for i, code in enumerate(areas)}
    out = out.sort_values(["period", "area_code"], key=lambda c: c.map(order) if c.name == "area_code" else c)
    out["quality"] = published_quality(out)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["se"] = (out["upper"] - out["lower"]) / (2 * Z95)
        out["cv"] = 100 * out["se"] / out["rate"]
    return out.reset_index(drop=True)


def independent_periods(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Of one area's published series, the periods that share no months (for rules that assume independent
    points, e.g. SPC), latest first kept; and in words what was left out and why ('' when nothing was). Rolling
    years published each quarter overlap by 9 of their 12 months: every 4th is kept."""
    rows = frame.sort_values("period_end", ascending=False)
    kept, start = [], None
    for i, row in zip(rows.index, rows.itertuples(), strict=True):
        if start is None or row.period_end < start:
            kept.append(i)
            start = row.period_start
    out = frame.loc[sorted(kept, key=lambda i: frame.at[i, "period_end"])]
    if len(out) == len(frame):
        return out.reset_index(drop=True), ""
    return out.reset_index(drop=True), (
        f"The {len(frame)} published periods overlap (each shares months with the next), so only the "
        f"{len(out)} that share no months are used as points")


def overlapping(frame: pd.DataFrame) -> bool:
    """Whether any area's published periods in ``frame`` share months with one another."""
    return any(independent_periods(rows)[1] for _, rows in frame.groupby("area_code"))


# ---- provenance for the About page's data dictionary ---------------------------------------------------------

LEVEL_WORDS = {"uk": "UK", "england": "England", "region": "ONS regions", "icb": "ICBs"}
# Charts that draw the published measure where it is loaded (regions.py's league, map and choropleth).
PUBLISHED_FIRST = ("regions-league", "regions-choropleth", "regions-map")
# Charts that draw survey cells where the warehouse has them, else the published measure (the profile's spine).
PUBLISHED_WITHOUT_CELLS = ("profile-spine",)


def coverage() -> pd.DataFrame:
    """Each loaded source's long-term-sickness rows by level: measures, period type, first and last period."""
    return run("lts_coverage")


def _published_at(levels: tuple[str, ...]) -> str:
    rows = coverage()
    rows = rows[~rows["synthetic"] & rows["level"].isin(levels)]
    return "; ".join(f"{r.publisher}, {r.dataset} ({LEVEL_WORDS.get(r.level, r.level)}, " + (
        f"{r.first_period})" if r.first_period == r.last_period else f"{r.first_period} to {r.last_period})")
        for r in rows.itertuples())


def drawn_from(chart) -> str:
    """In words, what feeds ``chart`` in the loaded warehouse, at which levels and periods."""
    loaded = domain()
    need = chart.needs if isinstance(chart.needs, str) else None
    if chart.id in PUBLISHED_FIRST:
        published = _published_at(("england", "region", "icb"))
        cells = "survey estimates from the demo generator (synthetic)" if loaded.survey_cells else ""
        text = " where published, else ".join(p for p in (published, cells) if p) or "nothing loaded"
        return text[0].upper() + text[1:]
    if chart.id in PUBLISHED_WITHOUT_CELLS and not loaded.survey_cells:
        published = _published_at(("england", "region", "icb"))
        return (f"{published}; by main condition, age band and sex: not published at this level" if published
                else loaded.missing(need) or "nothing loaded")
    if need is not None:
        reason = loaded.missing(need)
        if reason:
            return reason
        first, last = loaded.label(loaded.periods[0]), loaded.label(loaded.periods[-1])
        return f"Survey estimates from the demo generator (synthetic): England, regions and ICBs, {first} to {last}"
    return chart.source
