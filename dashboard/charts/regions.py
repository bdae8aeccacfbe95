"""Regions page charts: every region or ICB compared with England (league, choropleth and hex map).

They draw the published long-term-sickness measure where the loaded files give one for the level and no age, sex
or condition is asked for (``dashboard/facts.py``: e.g. Nomis' "% of economically inactive who are long-term sick",
year to Jun 2024), else rates computed from survey cells (the demo generator, marked synthetic) in the latest
quarter chosen, with a recent trend over the five quarters ending there. The SPC chart and statistical neighbours
are in ``regions_trend.py``, the Fingertips indicator in ``regions_fingertips.py``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import facts, geo, periods
from dashboard.charts.common import PUBLISHED_OR_SURVEY_SOURCE, SURVEY_SOURCE, lts_rates, shared_result
from dashboard.domain import domain
from dashboard.figures import maps
from dashboard.figures import regions as fig
from dashboard.filters import ENGLAND, Filters, period_label
from dashboard.registry import Chart, register
from dashboard.stats import compare, quality

PAGE = "/regions"
LEAGUE_FILTERS = ("geo", "level", "to", "condition", "age", "sex", "areas")


LEAGUE_COLUMNS = ["code", "name", "short_name", "measure", "period", "period_label", "people", "population", "rate",
                  "lower", "upper", "se", "cv", "quality", "flag", "england_rate", "compared_with_england",
                  "recent_trend", "accelerator", "workwell", "focus", "aggregated", "source", "files", "synthetic"]
PHRASE = {
    compare.BETTER: "better (lower) than",
    compare.SIMILAR: "similar to",
    compare.WORSE: "worse (higher) than",
    compare.NOT_COMPARED: "not compared with",
}


def hex_layout() -> pd.DataFrame:
    """The hex cartogram's layout (data/reference/icb_hex.csv): ICB code, column and row (row 0 is north)."""
    frame = domain().hex_layout.copy()
    frame[["col", "row"]] = frame[["col", "row"]].astype(int)
    return frame


def areas_by_code() -> pd.DataFrame:
    return domain().areas.set_index("code")


def focus_code(filters: Filters, level: str) -> str | None:
    """The area to highlight at ``level``: the chosen area, or its best-fit region when it is an ICB."""
    areas = areas_by_code()
    geo = filters.geo
    if areas.at[geo, "level"] == level:
        return geo
    if level == "region" and areas.at[geo, "level"] == "icb":
        return areas.at[geo, "parent"]
    return None


def level_table(filters: Filters, level: str) -> pd.DataFrame:
    """Every area of ``level`` against England in the latest period chosen: the published measure where the loaded
    files give one for this level and no age, sex or condition is asked for (``dashboard/facts.py``), else rates
    computed from survey cells where the warehouse has them (the demo, marked synthetic)."""
    if not facts.asks_breakdown(filters):
        table = facts.published_level(filters, level)
        if not table.empty:
            table["focus"] = table["code"].eq(focus_code(filters, level))
            return (table[LEAGUE_COLUMNS].sort_values(["rate", "name"], ascending=[False, True])
                    .reset_index(drop=True))
    if not facts.survey_cells():
        return pd.DataFrame(columns=LEAGUE_COLUMNS)
    return survey_table(filters, level)


def survey_table(filters: Filters, level: str) -> pd.DataFrame:
    """Every area of ``level`` against England from the survey cells (``_survey_table``), worked out once for the
    league, choropleth, hex map and neighbours of one view (``shared_result``)."""
    key = (level, filters.geo, filters.period_to, filters.condition, filters.age, filters.sex)
    return shared_result("regions.survey_table", key, lambda: _survey_table(filters, level))


def _survey_table(filters: Filters, level: str) -> pd.DataFrame:
    last = filters.period_to
    first = periods.shift(last, -(compare.TREND_POINTS - 1))
    frame = lts_rates(filters, level=level, period_from=first, period_to=last)
    england = lts_rates(filters, areas=[ENGLAND], period_from=last, period_to=last)
    if frame.empty or england.empty or not (frame["period"] == last).any():
        return pd.DataFrame(columns=LEAGUE_COLUMNS)
    england_rate = float(england["rate"].iloc[0])
    # Recent trend on the effective sample behind each rate (respondents / deft^2, as the interval uses).
    n_effective = frame["sample_size"] / quality.design_factor() ** 2
    frame = frame.assign(n_effective=n_effective, effective=frame["rate"] / 100 * n_effective)
    trends = {code: compare.recent_trend(rows["effective"], rows["n_effective"])
              for code, rows in frame.sort_values("period").groupby("area_code")}
    latest = frame[frame["period"] == last].copy()
    latest["code"] = latest["area_code"]
    latest["name"] = latest["area_name"]
    latest["england_rate"] = england_rate
    latest["compared_with_england"] = np.where(
        quality.comparable(latest["quality"]),
        compare.compare_with_england(latest["lower"], latest["upper"], england_rate), compare.NOT_COMPARED)
    latest["recent_trend"] = latest["code"].map(trends)
    latest["focus"] = latest["code"].eq(focus_code(filters, level))
    latest = latest.assign(measure=domain().survey_measure, period_label=latest["period"].map(period_label),
                           flag=None, aggregated=False, source=SURVEY_SOURCE, files=None,
                           synthetic=domain().synthetic)
    return latest[LEAGUE_COLUMNS].sort_values(["rate", "name"], ascending=[False, True]).reset_index(drop=True)


def _condition_need(filters: Filters) -> str | None:
    """The league, map and choropleth need a condition split only when one is chosen."""
    return "condition" if filters.condition else None


def league_data(filters: Filters) -> pd.DataFrame:
    """The league; with ``areas=`` (a chosen set, as Fingertips' area lists) only those areas of this level and
    the focus, so the set stays together in the chart and its exports. A set with no area of this level is
    ignored (the whole league shows)."""
    table = level_table(filters, filters.level)
    if filters.areas and table["code"].isin(filters.areas).any():
        table = table[table["code"].isin(filters.areas) | table["focus"]].reset_index(drop=True)
    return table


def _counts(frame: pd.DataFrame) -> str:
    counts = frame["compared_with_england"].value_counts()
    text = ", ".join(f"{counts.get(k, 0)} {k}" for k in (compare.WORSE, compare.SIMILAR, compare.BETTER))
    if counts.get(compare.NOT_COMPARED, 0):
        reasons = "unreliable estimates, CV over 20%, or not shown"
        if "lower" in frame and (frame["lower"].isna() & frame["rate"].notna()).any():
            reasons = "published without an interval, " + reasons
        if "england_rate" in frame and frame["england_rate"].isna().all():
            reasons = "no value for England in the same period"
        text += f"; {counts[compare.NOT_COMPARED]} not compared ({reasons})"
    return text


def describe_area(row: pd.Series) -> str:
    if pd.isna(row["england_rate"]) or pd.isna(row["lower"]):
        return (f"{row['name']}'s value is {row['rate']:.1f}%"
                + ("" if pd.notna(row["lower"]) else " (published without an interval)")
                + ("; no value for England in the same period, so it is not compared"
                   if pd.isna(row["england_rate"]) else f", not compared with England's {row['england_rate']:.1f}%"))
    if "quality" in row and not quality.comparable([row["quality"]])[0]:
        shown = "" if np.isnan(row["rate"]) else f" ({row['rate']:.1f}%)"
        return (f"{row['name']}'s estimate{shown} is {row['quality']} and is not compared with England's "
                f"{row['england_rate']:.1f}%")
    return (f"{row['name']}'s rate is {row['rate']:.1f}% ({row['lower']:.1f}-{row['upper']:.1f}), "
            f"{PHRASE[row['compared_with_england']]} England's {row['england_rate']:.1f}%")


def league_summary(frame: pd.DataFrame, filters: Filters) -> str:
    kind = "ICBs" if filters.level == "icb" else "regions"
    if filters.areas and frame["code"].isin(filters.areas).any():
        kind = f"chosen {kind} (areas= in the link)"
    when = frame["period_label"].iloc[0]
    focus = frame[frame["focus"]]
    england = frame["england_rate"].iloc[0]
    lead = (describe_area(focus.iloc[0]) + f" (recent trend: {focus.iloc[0]['recent_trend']})" if not focus.empty
            else f"England's {'rate' if frame['source'].iloc[0] == SURVEY_SOURCE else 'value'} is {england:.1f}%"
            if pd.notna(england)
            else "The loaded files give no value for England in this period")
    text = f"{when}: {lead}. Of the {len(frame)} {kind} compared with England: {_counts(frame)}."
    if frame["source"].iloc[0] != SURVEY_SOURCE:  # a published measure says what it is and where it is from
        text += f" Measure: {frame['measure'].iloc[0]} ({frame['source'].iloc[0]}: {frame['files'].iloc[0]})."
        aggregated = frame["aggregated"].fillna(False).astype(bool)
        if aggregated.any():
            text += f" {AGGREGATED_NOTE}: {', '.join(frame.loc[aggregated, 'name'])}."
    return text


def league_figure(frame: pd.DataFrame, filters: Filters):
    """The league, its axis naming the measure and period shown (a published measure is not the survey rate)."""
    title = None if frame["source"].iloc[0] == SURVEY_SOURCE else (
        f"{frame['measure'].iloc[0]}, {frame['period_label'].iloc[0]}")
    if frame["aggregated"].fillna(False).astype(bool).any():
        title += f" ({AGGREGATED_AXIS})"
    shown = frame[frame["rate"].notna()] if title else frame  # a published row without a value is in the table only
    return fig.league(shown if len(shown) else frame, filters, axis_title=title)


# ---- published indicators (Fingertips exports loaded with data.build --source) ---------------------------

AGGREGATED_NOTE = ("ICB values summed from local-authority estimates by best fit (each local authority counted "
                   "once, in the ICB holding most of it); no interval for these")
AGGREGATED_AXIS = "ICBs summed from local authorities, best fit"


def map_data(filters: Filters) -> pd.DataFrame:
    """One row per ICB hexagon. At ICB level each hexagon shows its ICB; at region level it shows its
    best-fit ONS region's value and comparison (so a region reads as a patch of hexagons)."""
    table = level_table(filters, filters.level)
    if table.empty:
        return pd.DataFrame()
    areas = areas_by_code()
    hexes = hex_layout().assign(name=lambda d: d["code"].map(areas["name"]),
                                ods=lambda d: d["code"].map(areas["ods"]),
                                short_name=lambda d: d["code"].map(areas["short_name"]))
    if filters.level == "icb":
        hexes["area_code"] = hexes["code"]
    else:
        hexes["area_code"] = hexes["code"].map(areas["parent"])
    values = table.rename(columns={"code": "area_code", "name": "area_name"})[
        ["area_code", "area_name", "period", "rate", "lower", "upper", "cv", "quality", "england_rate",
         "compared_with_england", "recent_trend", "focus"]]
    out = hexes.merge(values, on="area_code", how="left")
    out["compared_with_england"] = out["compared_with_england"].fillna(compare.NOT_COMPARED)
    out["focus"] = out["focus"].fillna(False).astype(bool) | out["code"].eq(filters.geo)
    return out


def map_summary(frame: pd.DataFrame, filters: Filters) -> str:
    when = period_label(frame["period"].dropna().iloc[0])
    if filters.level == "icb":
        head = f"{when}: of the 42 ICBs, {_counts(frame)} compared with England"
    else:
        regions = frame.drop_duplicates("area_code")
        head = (f"{when}: each ICB is shaded by its best-fit region; of the {len(regions)} regions, "
                f"{_counts(regions)} compared with England")
    return head + (". Select a hexagon, or choose the area in the Area filter (by keyboard), to make that area "
                   "the focus.")


def choropleth_data(filters: Filters) -> pd.DataFrame:
    """The league's rows (every region or ICB of the chosen level against England) with each area's value
    quintile, for the choropleth of real boundaries."""
    table = level_table(filters, filters.level)
    if table.empty:
        return table
    return table.assign(quintile=maps.quintiles(table["rate"]))


def choropleth_summary(frame: pd.DataFrame, filters: Filters) -> str:
    kind = "ICBs" if filters.level == "icb" else "regions"
    return (f"{period_label(frame['period'].iloc[0])}: of the {len(frame)} {kind}, {_counts(frame)} compared "
            f"with England. Select an area to make it the focus, or choose it in Area; Show as table lists "
            f"every area.")


register(Chart(
    id="regions-league",
    needs=_condition_need,
    title="How areas compare with England",
    page=PAGE,
    description="Each region or ICB's long-term-sick rate in the latest quarter chosen, with its 95% confidence "
                "interval (Wilson, with the survey's design factor), against England's value: better, similar or "
                "worse than England, lower being better, and its recent trend over the last five quarters. "
                "Estimates ONS would call unreliable (CV over 20%) are marked 'u' and not compared.",
    source=PUBLISHED_OR_SURVEY_SOURCE,
    data=league_data,
    figure=league_figure,
    summary=league_summary,
    filters=LEAGUE_FILTERS,
))

register(Chart(
    id="regions-choropleth",
    needs=_condition_need,
    title="Map of areas compared with England",
    page=PAGE,
    description="Each region or ICB on a map of its real boundaries (ONS), shaded by how its long-term-sick "
                "rate in the latest quarter chosen compares with England's, with a shape in each area, or by "
                "which fifth of areas its rate falls in. Select an area to make it the focus of the page.",
    source=f"{PUBLISHED_OR_SURVEY_SOURCE}. {geo.ATTRIBUTION}",
    data=choropleth_data,
    figure=maps.choropleth,
    summary=choropleth_summary,
    filters=LEAGUE_FILTERS,
))

register(Chart(
    id="regions-map",
    needs=_condition_need,
    title="Map of the 42 ICBs",
    page=PAGE,
    description="A hexagon map, one hexagon an ICB laid out roughly as on a map of England, shaded by how the "
                "area compares with England in the latest quarter chosen (at region level, by its region). "
                "Select a hexagon, or choose the area in the Area filter, to make it the focus of the page.",
    source=PUBLISHED_OR_SURVEY_SOURCE,
    data=map_data,
    figure=fig.hex_map,
    summary=map_summary,
    filters=LEAGUE_FILTERS,
))
