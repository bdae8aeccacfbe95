"""Conditions page charts: the main health conditions of the long-term sick (the mix against England,
over time, by age and sex, and across areas).

Condition groups come from the warehouse's ``condition_groups`` and ``conditions`` tables: a top-level
group has no parent; a subgroup (back or neck pain) is shown within its parent and is not added to the
total. Shares are computed from the unrounded estimates (the top-level shares of a selection sum to
100%), then estimates below national level are disclosure-controlled; a share from 0-2 respondents is
not shown, and respondent counts are published for England only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.charts.common import SURVEY_SOURCE
from dashboard.domain import domain
from dashboard.figures import conditions as fig
from dashboard.filters import ENGLAND, Filters, period_label
from dashboard.registry import Chart, register
from dashboard.stats import quality
from dashboard.stats.disclosure import blank, disclose
from queries import run

PAGE = "/conditions"
BASE_YEAR = "2019"  # the index chart's base: the mean of its four quarters = 100
SOURCE = SURVEY_SOURCE + ", by main health condition (LFS main health problem, grouped)"


# ---- shared data helpers ----------------------------------------------------------------------------

def condition_groups() -> pd.DataFrame:
    """Groups in display order: id, name, parent (NaN for a top-level group), sort."""
    groups = run("conditions_groups").copy()
    groups["parent"] = groups["parent"].where(groups["parent"].notna(), None)
    return groups


def by_group(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Query rows (``group_id``, ``subgroup``, ``people``, ``sample_n``) summed to every group and subgroup
    of the reference table, by ``keys``; in the table's order, with the group's name, parent and sort."""
    groups = condition_groups()
    top = rows.groupby([*keys, "group_id"], as_index=False)[["people", "sample_n"]].sum()
    sub = (rows.dropna(subset=["subgroup"]).groupby([*keys, "subgroup"], as_index=False)[["people", "sample_n"]]
           .sum().rename(columns={"subgroup": "group_id"}))
    out = pd.concat([top, sub], ignore_index=True).merge(
        groups[["id", "name", "parent", "sort"]].rename(columns={"id": "group_id", "name": "group_name"}),
        on="group_id", how="inner")
    out["sample_n"] = out["sample_n"].astype("int64")
    return out.sort_values([*keys, "sort"], kind="stable").reset_index(drop=True)


def shares(counts: pd.DataFrame, keys: list[str], national) -> pd.DataFrame:
    """Each group's share of the long-term sick in its ``keys`` cell (percent, from the unrounded estimates)
    with a 95% Wilson interval on the respondents behind the cell (design factor applied), its standard
    error, CV and ONS quality band; then the estimates disclosure-controlled. ``national`` is a bool or a
    per-row mask: national estimates are not rounded, and respondent counts (``sample_n``) are published
    for national rows only. A share not shown (0-2 respondents) is blanked with its people and interval."""
    out = counts.copy()
    top = out["parent"].isna()
    cell = out[top].groupby(keys).agg(total=("people", "sum"), respondents=("sample_n", "sum")).reset_index()
    out = out.merge(cell, on=keys, how="left")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(out["total"] > 0, out["people"] / out["total"].where(out["total"] > 0, 1), np.nan)
    lower, upper = quality.interval(share, out["respondents"])
    out["share"] = share * 100
    out["lower"], out["upper"] = lower * 100, upper * 100
    out["se"] = quality.standard_error(share, out["respondents"]) * 100
    out["cv"] = quality.coefficient_of_variation(share, out["respondents"])
    out["quality"] = quality.quality(out["cv"], out["sample_n"])
    national = np.broadcast_to(np.asarray(national, dtype=bool), len(out))
    out = disclose(out, ["people"], national=national)
    out = blank(out, (out["quality"] == quality.NOT_SHOWN) | out["people"].isna(),
                ["share", "lower", "upper", "se", "cv", "people"])
    out["sample_n"] = out["sample_n"].where(national)  # respondent counts: national only
    return out


def period_text(filters: Filters) -> str:
    if filters.period_from == filters.period_to:
        return f"in {period_label(filters.period_from)}"
    return f"{period_label(filters.period_from)} to {period_label(filters.period_to)}"


def _area_names() -> pd.Series:
    return pd.Series(domain().area_names)


def _has_people(frame: pd.DataFrame) -> bool:
    return bool(frame["total"].fillna(0).gt(0).any())


# ---- conditions-mix ---------------------------------------------------------------------------------

MIX_COLUMNS = ["area_code", "area_name", "group_id", "group_name", "parent", "people", "share", "lower", "upper",
               "cv", "quality", "sample_n"]


def mix_data(filters: Filters) -> pd.DataFrame:
    areas = [filters.geo] if filters.geo == ENGLAND else [filters.geo, ENGLAND]
    rows = run("conditions_mix", areas=areas, period_from=filters.period_from, period_to=filters.period_to,
               age=filters.age, sex=filters.sex)
    if rows.empty:
        return pd.DataFrame(columns=MIX_COLUMNS)
    counts = by_group(rows, ["area_code"])
    out = shares(counts, ["area_code"], national=counts["area_code"].eq(ENGLAND))
    if not _has_people(out):
        return pd.DataFrame(columns=MIX_COLUMNS)
    out["area_name"] = out["area_code"].map(_area_names())
    out["order"] = out["area_code"].map({code: i for i, code in enumerate(areas)})  # focus area first
    return out.sort_values(["order", "sort"], kind="stable")[MIX_COLUMNS].reset_index(drop=True)


def mix_summary(frame: pd.DataFrame, filters: Filters) -> str:
    focus = frame[frame["area_code"] == filters.geo]
    top = focus[focus["parent"].isna()].dropna(subset=["share"])
    if top.empty:
        return "No condition group could be shown for this selection."
    largest = top.loc[top["share"].idxmax()]
    text = (f"In {filters.geo_name}, {period_text(filters)}, "
            f"the largest main condition group among the long-term sick was {largest['group_name'].lower()} "
            f"({largest['share']:.0f}%")
    if filters.geo != ENGLAND:
        england = frame[(frame["area_code"] == ENGLAND) & (frame["group_id"] == largest["group_id"])]
        if not england.empty and pd.notna(england["share"].iloc[0]):
            text += f"; England {england['share'].iloc[0]:.0f}%"
    return text + ")."


# ---- conditions-trend and conditions-trend-index ----------------------------------------------------

TREND_COLUMNS = ["period", "period_start", "group_id", "group_name", "parent", "people", "share", "cv", "quality",
                 "sample_n"]


def _trend(filters: Filters, period_from: str, period_to: str) -> pd.DataFrame:
    rows = run("conditions_trend", geo=filters.geo, period_from=period_from, period_to=period_to,
               age=filters.age, sex=filters.sex)
    if rows.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    counts = by_group(rows, ["period", "period_start"])
    out = shares(counts, ["period", "period_start"], national=filters.geo == ENGLAND)
    if not _has_people(out):
        return pd.DataFrame(columns=TREND_COLUMNS)
    return out[TREND_COLUMNS]


def trend_data(filters: Filters) -> pd.DataFrame:
    return _trend(filters, filters.period_from, filters.period_to).reset_index(drop=True)


def index_data(filters: Filters) -> pd.DataFrame:
    """Each group's quarterly count as an index, the mean of the base year's quarters = 100 (the base is
    fetched whatever the chosen period, so the index means the same thing for every link)."""
    base_to = max(filters.period_to, f"{BASE_YEAR}Q4")
    frame = _trend(filters, min(filters.period_from, domain().first_period), base_to)
    if frame.empty:
        return frame.assign(index=pd.Series(dtype=float))
    base = (frame[frame["period"].str.startswith(BASE_YEAR)].groupby("group_id")["people"]
            .mean().rename("base"))
    frame = frame.join(base, on="group_id")
    frame["index"] = np.where(frame["base"] > 0, frame["people"] / frame["base"].where(frame["base"] > 0, 1) * 100,
                              np.nan)
    frame = frame[frame["period"].between(filters.period_from, filters.period_to)]
    if frame["index"].isna().all():
        return frame.iloc[0:0]
    return frame.drop(columns="base").reset_index(drop=True)


def trend_summary(frame: pd.DataFrame, filters: Filters) -> str:
    first, last = frame["period"].min(), frame["period"].max()
    top = frame[frame["parent"].isna()]
    ends = top.pivot_table(index="group_name", columns="period", values="people", aggfunc="sum", sort=False)
    if first == last or first not in ends or last not in ends:
        return f"Long-term sick by main condition in {filters.geo_name}, {period_label(first)}."
    change = (ends[last] / ends[first] - 1).dropna()
    if change.empty:
        return f"Long-term sick by main condition in {filters.geo_name}."
    fastest = change.idxmax()
    return (f"In {filters.geo_name}, from {period_label(first)} to {period_label(last)}, the number of long-term "
            f"sick whose main condition was {fastest.lower()} changed most ({change[fastest] * 100:+.0f}%).")


def index_summary(frame: pd.DataFrame, filters: Filters) -> str:
    last = frame["period"].max()
    latest = frame[(frame["period"] == last) & frame["parent"].isna()].dropna(subset=["index"])
    if latest.empty:
        return f"Long-term sick by main condition in {filters.geo_name}, indexed to {BASE_YEAR} = 100."
    top = latest.loc[latest["index"].idxmax()]
    return (f"In {filters.geo_name} in {period_label(last)}, {top['group_name'].lower()} stood at "
            f"{top['index']:.0f} ({BASE_YEAR} = 100), the fastest rise of the condition groups.")


# ---- conditions-age ---------------------------------------------------------------------------------

AGE_COLUMNS = ["age_band", "sex", "group_id", "group_name", "parent", "people", "share", "lower", "upper",
               "cv", "quality", "sample_n"]


def age_data(filters: Filters) -> pd.DataFrame:
    rows = run("conditions_by_age", geo=filters.geo, period_from=filters.period_from, period_to=filters.period_to,
               sex=filters.sex)
    if rows.empty:
        return pd.DataFrame(columns=AGE_COLUMNS)
    out = shares(by_group(rows, ["age_band", "sex"]), ["age_band", "sex"], national=filters.geo == ENGLAND)
    if not _has_people(out):
        return pd.DataFrame(columns=AGE_COLUMNS)
    return out[AGE_COLUMNS].sort_values(["age_band", "sex"], kind="stable").reset_index(drop=True)


def age_summary(frame: pd.DataFrame, filters: Filters) -> str:
    top = frame[frame["parent"].isna()]
    bands = {"16-34": ("16-24", "25-34"), "50-64": ("50-64",)}
    parts = []
    for label, members in bands.items():
        rows = top[top["age_band"].isin(members)].groupby("group_name", sort=False)["people"].sum(min_count=1)
        if rows.notna().any() and rows.sum() > 0:
            parts.append(f"aged {label}, {rows.idxmax().lower()} was the largest group "
                         f"({rows.max() / rows.sum() * 100:.0f}%)")
    if not parts:
        return f"Long-term sick by age, sex and main condition in {filters.geo_name}."
    return f"In {filters.geo_name}: among the long-term sick " + "; ".join(parts) + "."


# ---- conditions-heatmap -----------------------------------------------------------------------------

HEATMAP_COLUMNS = ["area_code", "area_name", "area_short_name", "group_id", "group_name", "parent", "people", "share",
                   "lower", "upper", "cv", "quality", "england_share", "difference", "z", "p_value", "significant"]


def heatmap_data(filters: Filters) -> pd.DataFrame:
    level = domain().areas_at(filters.level)
    codes = sorted(level["code"]) + [ENGLAND]
    rows = run("conditions_mix", areas=codes, period_from=filters.period_from, period_to=filters.period_to,
               age=filters.age, sex=filters.sex)
    if rows.empty:
        return pd.DataFrame(columns=HEATMAP_COLUMNS)
    counts = by_group(rows, ["area_code"])
    out = shares(counts, ["area_code"], national=counts["area_code"].eq(ENGLAND))
    if not _has_people(out):
        return pd.DataFrame(columns=HEATMAP_COLUMNS)
    england = (out[out["area_code"] == ENGLAND].set_index("group_id")[["share", "se", "quality", "total"]]
               .rename(columns=lambda c: f"england_{c}"))
    out = out[out["area_code"] != ENGLAND].join(england, on="group_id")
    out["difference"] = out["share"] - out["england_share"]
    # Both shares are survey estimates: a z test on the difference, the area's sample being part of
    # England's (its share of England's long-term sick stands for its share of the respondents).
    overlap = (out["total"] / out["england_total"]).clip(0, 1)
    z, p_value = quality.z_test(out["share"], out["se"], out["england_share"], out["england_se"], overlap=overlap)
    usable = quality.comparable(out["quality"]) & quality.comparable(out["england_quality"])
    # Not compared where either estimate is unreliable (CV over 20%) or not shown.
    out["difference"] = out["difference"].where(usable)
    out["z"], out["p_value"] = np.where(usable, z, np.nan), np.where(usable, p_value, np.nan)
    out["significant"] = pd.Series(quality.significant(out["p_value"]), index=out.index).where(usable)
    out["area_name"] = out["area_code"].map(_area_names())
    out["area_short_name"] = out["area_code"].map(domain().short_names)
    return out.sort_values(["area_name", "sort"], kind="stable")[HEATMAP_COLUMNS].reset_index(drop=True)


def heatmap_summary(frame: pd.DataFrame, filters: Filters) -> str:
    top = frame[frame["parent"].isna()].dropna(subset=["difference"])
    if top.empty:
        return "No area's condition mix could be compared with England for this selection."
    kind = "ICBs" if filters.level == "icb" else "regions"
    tested = (f"{int(top['significant'].astype(bool).sum())} of {len(top)} differences compared are "
              "significant at 95% (z test on the difference; unreliable estimates are not compared)")
    significant = top[top["significant"].astype(bool)]
    if significant.empty:
        return f"Across {kind}, no area's condition mix differs significantly from England's: {tested}."
    widest = significant.loc[significant["difference"].abs().idxmax()]
    return (f"Across {kind}, the largest significant difference from England's condition mix was in "
            f"{widest['area_name']}: {widest['group_name'].lower()} {widest['share']:.0f}% of the long-term sick "
            f"against {widest['england_share']:.0f}% in England ({widest['difference']:+.1f} points); {tested}.")


# ---- declarations -----------------------------------------------------------------------------------

register(Chart(
    id="conditions-mix",
    title="Main health condition of the long-term sick",
    page=PAGE,
    description="Share and number of people aged 16-64 out of work through long-term sickness, by main health "
                "condition group (back or neck pain shown within musculoskeletal), for the chosen area and "
                "England, a quarter on average over the chosen period, with 95% confidence intervals.",
    source=SOURCE,
    data=mix_data,
    figure=fig.mix_bars,
    summary=mix_summary,
))

register(Chart(
    id="conditions-trend",
    title="Long-term sick by main condition over time",
    page=PAGE,
    description="Number of people aged 16-64 out of work through long-term sickness in the chosen area, by main "
                "health condition group, quarter by quarter.",
    source=SOURCE,
    data=trend_data,
    figure=fig.trend_lines,
    summary=trend_summary,
))

register(Chart(
    id="conditions-trend-index",
    title=f"Which conditions rose fastest ({BASE_YEAR} = 100)",
    page=PAGE,
    description=f"The number of long-term sick in each main condition group in the chosen area as an index: "
                f"the average of {BASE_YEAR}'s four quarters = 100, so the fastest risers stand out.",
    source=SOURCE,
    data=index_data,
    figure=fig.index_lines,
    summary=index_summary,
))

register(Chart(
    id="conditions-age",
    title="Main condition by age and sex",
    page=PAGE,
    description="Share of the long-term sick in each age band and sex by main health condition group in the chosen "
                "area over the chosen period; young people (16-34) and those aged 50-64 are highlighted.",
    source=SOURCE,
    data=age_data,
    figure=fig.age_bars,
    summary=age_summary,
    filters=("geo", "from", "to", "sex"),
))

register(Chart(
    id="conditions-heatmap",
    title="Where the condition mix differs from England",
    page=PAGE,
    description="Each region or ICB's share of the long-term sick by main condition group against England's "
                "share, in percentage points. A z test on each difference (both shares are survey estimates) "
                "decides which are shaded: significant differences are coloured and in bold, the others marked "
                "'ns'; unreliable estimates (CV over 20%) are not compared. Each cell also shows the values.",
    source=SOURCE,
    data=heatmap_data,
    figure=fig.heatmap,
    summary=heatmap_summary,
    filters=("geo", "level", "from", "to", "age", "sex"),
))
