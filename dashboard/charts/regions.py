"""Regions page charts: every region or ICB compared with England (league and hex map), the focus area's
SPC chart, and its statistical neighbours.

The league and map use the latest quarter chosen (``to``); the recent-trend marker uses the five quarters
ending there. The SPC chart shows the quarters from ``from`` to ``to`` against limits fixed on the quarters before
the accelerators started.
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from dashboard.charts.common import SURVEY_SOURCE, lts_rates
from dashboard import geo
from dashboard.domain import domain
from dashboard.figures import maps
from dashboard.figures import regions as fig
from dashboard.filters import ENGLAND, Filters, period_label
from dashboard.registry import Chart, register
from dashboard.stats import compare, quality, spc
from queries import run, warehouse

PAGE = "/regions"
PAGE_FILTERS = ("geo", "level", "from", "to", "condition", "age", "sex")
LEAGUE_FILTERS = ("geo", "level", "to", "condition", "age", "sex", "areas")
NEIGHBOURS = 5
NEIGHBOURS_BEFORE = "2024Q1"  # neighbours are matched on the years before the programmes began
LEAGUE_COLUMNS = ["code", "name", "short_name", "period", "people", "population", "rate", "lower", "upper",
                  "se", "cv", "quality", "england_rate", "compared_with_england", "recent_trend", "accelerator",
                  "workwell", "focus"]
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


def _areas() -> pd.DataFrame:
    return domain().areas.set_index("code")


def focus_code(filters: Filters, level: str) -> str | None:
    """The area to highlight at ``level``: the chosen area, or its best-fit region when it is an ICB."""
    areas = _areas()
    geo = filters.geo
    if areas.at[geo, "level"] == level:
        return geo
    if level == "region" and areas.at[geo, "level"] == "icb":
        return areas.at[geo, "parent"]
    return None


def _level_table(filters: Filters, level: str) -> pd.DataFrame:
    last = filters.period_to
    first = str(pd.Period(last, "Q") - (compare.TREND_POINTS - 1))
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
    return latest[LEAGUE_COLUMNS].sort_values(["rate", "name"], ascending=[False, True]).reset_index(drop=True)


def league_data(filters: Filters) -> pd.DataFrame:
    """The league; with ``areas=`` (a chosen set, as Fingertips' area lists) only those areas of this level and
    the focus, so the set stays together in the chart and its exports. A set with no area of this level is
    ignored (the whole league shows)."""
    table = _level_table(filters, filters.level)
    if filters.areas and table["code"].isin(filters.areas).any():
        table = table[table["code"].isin(filters.areas) | table["focus"]].reset_index(drop=True)
    return table


def _counts(frame: pd.DataFrame) -> str:
    counts = frame["compared_with_england"].value_counts()
    text = ", ".join(f"{counts.get(k, 0)} {k}" for k in (compare.WORSE, compare.SIMILAR, compare.BETTER))
    if counts.get(compare.NOT_COMPARED, 0):
        text += f"; {counts[compare.NOT_COMPARED]} not compared (unreliable estimates, CV over 20%, or not shown)"
    return text


def _describe(row: pd.Series) -> str:
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
    when = period_label(frame["period"].iloc[0])
    focus = frame[frame["focus"]]
    lead = (_describe(focus.iloc[0]) + f" (recent trend: {focus.iloc[0]['recent_trend']})" if not focus.empty
            else f"England's rate is {frame['england_rate'].iloc[0]:.1f}%")
    return f"{when}: {lead}. Of the {len(frame)} {kind} compared with England: {_counts(frame)}."


# ---- published series (Nomis APS files loaded with data.build --source) --------------------------------------

PUBLISHED_SOURCE = "Nomis, Annual Population Survey (ONS), from the downloaded files loaded into the warehouse"
PUBLISHED_COLUMNS = ["code", "name", "short_name", "variable", "period", "rate", "lower", "upper", "numerator",
                     "denominator", "flag", "reliability", "aggregated", "england_rate", "compared_with_england",
                     "recent_trend", "accelerator", "workwell", "focus", "files"]
AGGREGATED_NOTE = ("ICB values summed from local-authority estimates by best fit (each local authority counted "
                   "once, in the ICB holding most of it); no interval for these")
AGGREGATED_AXIS = "ICBs summed from local authorities, best fit"


def _published_areas(rows: pd.DataFrame, series: str, filters: Filters, columns: dict[str, str]) -> pd.DataFrame | None:
    """Of a published file's rows (an area and ``series`` a row, England's among them), the series with a value
    for most areas of the chosen level: its rows at that level, ``columns`` renamed to the league's, with
    England's value, the focus flag and no trend (one published period has none). None when nothing has a value."""
    covered = rows[rows["level"] == filters.level].groupby(series)["value"].count()
    if covered.empty or covered.max() == 0:
        return None
    chosen = rows[rows[series] == covered.sort_index().idxmax()]
    england = chosen.loc[chosen["level"] == "england", "value"].dropna()
    out = chosen[chosen["level"] == filters.level].rename(columns={"value": "rate", **columns}).copy()
    out["england_rate"] = float(england.iloc[0]) if len(england) else np.nan
    out["recent_trend"] = compare.NOT_CALCULATED
    out["focus"] = out["code"].eq(focus_code(filters, filters.level))
    return out


def published_data(filters: Filters) -> pd.DataFrame:
    """The published Nomis APS long-term-sick percentage for every area of the chosen level, in the latest rolling
    year ending by the chosen quarter, with its 95% interval, APS flag and class against England's published
    value. Of several such series (variables), the one covering most areas. Empty when no file supplied one.

    Areas whose estimate Nomis does not publish (flag '!') are kept, without a value, so the table says so."""
    rows = run("published_long_term_sick", level=filters.level,
               period_end=pd.Period(filters.period_to, "Q").end_time.date())
    out = _published_areas(rows, "variable", filters, {"ci_lower": "lower", "ci_upper": "upper"})
    if out is None:
        return pd.DataFrame(columns=PUBLISHED_COLUMNS)
    out["compared_with_england"] = compare.compare_with_england(out["lower"], out["upper"], out["england_rate"].iloc[0])
    # Nomis's own flags: '*' (3-9 respondents) is unreliable and '!' not shown: neither is compared.
    out.loc[out["flag"].isin(["*", "!"]), "compared_with_england"] = compare.NOT_COMPARED
    return out[PUBLISHED_COLUMNS].reset_index(drop=True)


def published_figure(frame: pd.DataFrame, filters: Filters):
    shown = frame[frame["rate"].notna()]
    title = f"{frame['variable'].iloc[0]}, {frame['period'].iloc[0]}"
    if frame["aggregated"].fillna(False).any():
        title += f" ({AGGREGATED_AXIS})"
    return fig.league(shown, filters, axis_title=title)


def published_summary(frame: pd.DataFrame, filters: Filters) -> str:
    kind = "ICBs" if filters.level == "icb" else "regions"
    shown = frame[frame["rate"].notna()]
    england = frame["england_rate"].iloc[0]
    parts = [f"Published figures ({frame['files'].iloc[0]}): {frame['variable'].iloc[0]}, "
             f"{frame['period'].iloc[0]}, for {len(shown)} {kind}"]
    if np.isnan(england):
        parts.append("The files give no value for England, so no area is compared with it")
    else:
        parts.append(f"England {england:.1f}%; {_counts(shown)}")
    aggregated = frame["aggregated"].fillna(False).astype(bool)
    if aggregated.any():
        parts.append(f"{AGGREGATED_NOTE}: {', '.join(frame.loc[aggregated, 'name'])}")
    flagged = frame[frame["flag"].notna()]
    if len(flagged):
        parts.append("Flagged by Nomis: " + "; ".join(f"{r.name} {r.reliability}" for r in flagged.itertuples()))
    return ". ".join(parts) + "."


FINGERTIPS_SOURCE = "OHID Fingertips, from the exported files loaded into the warehouse"
FINGERTIPS_CLASSES = {"better": compare.BETTER, "similar": compare.SIMILAR, "worse": compare.WORSE}
FINGERTIPS_COLUMNS = ["code", "name", "short_name", "indicator_id", "indicator_name", "time_period", "age", "rate",
                      "lower", "upper", "count", "denominator", "value_note", "fingertips_comparison", "england_rate",
                      "compared_with_england", "recent_trend", "accelerator", "workwell", "focus", "period", "files"]


def fingertips_data(filters: Filters) -> pd.DataFrame:
    """A Fingertips indicator for every area of the chosen level in its latest period, with its 95% interval and
    Fingertips' own comparison with England (Better / Similar / Worse where the indicator has a polarity;
    Higher / Lower, shown as not compared, where it has none). Of several indicators, the one covering most
    areas. Empty when no Fingertips export was loaded."""
    rows = run("published_fingertips", level=filters.level)
    out = _published_areas(rows, "indicator_id", filters, {"lower_95": "lower", "upper_95": "upper",
                                                           "compared_to_england": "fingertips_comparison"})
    if out is None:
        return pd.DataFrame(columns=FINGERTIPS_COLUMNS)
    out["compared_with_england"] = (out["fingertips_comparison"].fillna("").str.lower()
                                    .map(FINGERTIPS_CLASSES).fillna(compare.NOT_COMPARED))
    out["period"] = out["time_period"]
    return out[FINGERTIPS_COLUMNS].reset_index(drop=True)


def fingertips_figure(frame: pd.DataFrame, filters: Filters):
    return fig.league(frame[frame["rate"].notna()], filters, lower_is_better=False,
                      axis_title=f"{frame['indicator_name'].iloc[0]}, {frame['time_period'].iloc[0]}")


def fingertips_summary(frame: pd.DataFrame, filters: Filters) -> str:
    shown = frame[frame["rate"].notna()]
    words = shown["fingertips_comparison"].fillna("not compared").str.lower().value_counts()
    parts = [f"Published by OHID Fingertips ({frame['files'].iloc[0]}): {frame['indicator_name'].iloc[0]} "
             f"(indicator {frame['indicator_id'].iloc[0]}), {frame['time_period'].iloc[0]}, for {len(shown)} "
             f"{'ICBs' if filters.level == 'icb' else 'regions'}"]
    if not np.isnan(frame["england_rate"].iloc[0]):
        parts.append(f"England {frame['england_rate'].iloc[0]:.1f}")
    parts.append("Fingertips' comparison with England: " + ", ".join(f"{n} {w}" for w, n in words.items()))
    missing = frame[frame["rate"].isna()]
    if len(missing):
        parts.append("No value: " + "; ".join(f"{r.name} ({r.value_note or 'not given'})"
                                              for r in missing.itertuples()))
    return ". ".join(parts) + "."


def map_data(filters: Filters) -> pd.DataFrame:
    """One row per ICB hexagon. At ICB level each hexagon shows its ICB; at region level it shows its
    best-fit ONS region's value and comparison (so a region reads as a patch of hexagons)."""
    table = _level_table(filters, filters.level)
    if table.empty:
        return pd.DataFrame()
    areas = _areas()
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
    table = _level_table(filters, filters.level)
    if table.empty:
        return table
    return table.assign(quintile=maps.quintiles(table["rate"]))


def choropleth_summary(frame: pd.DataFrame, filters: Filters) -> str:
    kind = "ICBs" if filters.level == "icb" else "regions"
    return (f"{period_label(frame['period'].iloc[0])}: of the {len(frame)} {kind}, {_counts(frame)} compared "
            f"with England. Select an area to make it the focus, or choose it in Area; Show as table lists "
            f"every area.")


SPC_MIN_BASELINE = 15  # Making Data Count: limits from at least 15-20 points, else trial limits
ROLLING_NOTE = ("Each point is a rolling 12-month survey estimate: neighbouring quarters share 9 of their 12 months, "
                "so the points are not independent and runs and trends appear more often than the rules expect. "
                "Read special cause as a prompt to look, not a finding.")


def spc_data(filters: Filters) -> pd.DataFrame:
    """The area's quarterly rate as an XmR chart against limits fixed on every quarter before the accelerators
    started (a known change), whatever range is chosen; the rules run over the quarters up to ``to`` (never on
    later ones), and the chosen range is shown."""
    from dashboard.charts.accelerators import accelerator_start

    start = accelerator_start()
    before_start = str(pd.Period(start, "Q") - 1)
    frame = lts_rates(filters, areas=[filters.geo], period_from=Filters().period_from,
                      period_to=max(filters.period_to, before_start))
    frame = frame.dropna(subset=["rate"]).sort_values("period") if not frame.empty else frame
    if frame.empty:
        return pd.DataFrame()
    columns = ["period", "period_start", "area_code", "area_name", "rate", "lower", "upper", "cv", "quality"]
    whole = frame[columns].reset_index(drop=True)
    base = whole[whole["period"] < start]
    if len(base) < 2:  # no quarters before the start in these data: limits from the whole series, as trial
        base = whole
    limits = spc.limits(base["rate"], minimum_points=SPC_MIN_BASELINE)
    series = whole[whole["period"] <= filters.period_to].reset_index(drop=True)
    if (series["period"] >= filters.period_from).sum() < 2:
        return pd.DataFrame()
    chart = spc.xmr(series, "rate", improvement="decrease", fixed=limits)
    chart["in_baseline"] = chart["period"].isin(base["period"])
    shown = chart[chart["period"] >= filters.period_from].reset_index(drop=True)
    shown.attrs.update(baseline_from=base["period"].iloc[0], baseline_to=base["period"].iloc[-1],
                       baseline_points=len(base), known_change=start,
                       rolling_year=warehouse().meta.get("survey_period", "rolling year") == "rolling year")
    return shown


def spc_summary(frame: pd.DataFrame, filters: Filters) -> str:
    last = frame.iloc[-1]
    special = int((frame["point_type"] != spc.COMMON).sum())
    attrs = frame.attrs
    first = period_label(attrs.get("baseline_from", frame["period"].iloc[0]))
    last_base = period_label(attrs.get("baseline_to", frame["period"].iloc[-1]))
    trial = (f" These are trial limits (fewer than {SPC_MIN_BASELINE} quarters in the baseline)."
             if frame["trial"].iloc[0] else "")
    text = (f"{last['area_name']}'s rate in {period_label(last['period'])} is {last['rate']:.1f}% against a mean of "
            f"{last['mean']:.1f}% (process limits {last['lpl']:.1f}-{last['upl']:.1f}, fixed on the "
            f"{attrs.get('baseline_points', len(frame))} quarters from {first} to {last_base}, before the "
            "accelerators started); "
            f"the latest quarter shows {spc.variation(frame)}; {special} of {len(frame)} quarters shown show special "
            f"cause.{trial}")
    if attrs.get("rolling_year"):
        text += " " + ROLLING_NOTE
    return text


def neighbours_data(filters: Filters) -> pd.DataFrame:
    areas = _areas()
    level = areas.at[filters.geo, "level"]
    if level not in ("region", "icb"):
        return pd.DataFrame()
    profile = run("regions_profile", level=level, before=NEIGHBOURS_BEFORE)
    if profile.empty:
        return pd.DataFrame()
    wide = profile.pivot(index="area_code", columns="age_band", values="age_share")
    bands = tuple(str(c) for c in wide.columns)
    wide.columns = bands
    wide["rate"] = profile.groupby("area_code")["rate"].first()
    peers = compare.nearest_neighbours(wide, filters.geo, NEIGHBOURS, mix=bands)
    table = _level_table(filters.replace(level=level), level)
    if table.empty or peers.empty:
        return pd.DataFrame()
    keep = table[table["code"].isin([filters.geo, *peers.index])].copy()
    keep["neighbour_rank"] = keep["code"].map({c: i + 1 for i, c in enumerate(peers.index)}).astype("Int64")
    keep["distance"] = keep["code"].map(peers["distance"])
    keep["profile_rate_before_2024"] = keep["code"].map(wide["rate"])
    return against_focus(keep.reset_index(drop=True))


def against_focus(frame: pd.DataFrame) -> pd.DataFrame:
    """Each neighbour's rate against the focus area's: a z test on the difference of two independent survey
    estimates (neighbours are disjoint areas). ``against_focus`` is 'lower', 'higher', 'similar' (not
    significant at 95%) or 'not compared' (either estimate unreliable or not shown)."""
    focus = frame[frame["focus"]]
    out = frame.assign(z_vs_focus=np.nan, p_vs_focus=np.nan, against_focus=compare.NOT_COMPARED)
    if focus.empty:
        return out
    f = focus.iloc[0]
    z, p_value = quality.z_test(out["rate"], out["se"], f["rate"], f["se"])
    usable = quality.comparable(out["quality"]) & bool(quality.comparable([f["quality"]])[0]) & ~out["focus"]
    words = np.where(quality.significant(p_value), np.where(z < 0, "lower", "higher"), "similar")
    out["z_vs_focus"] = np.where(usable, z, np.nan)
    out["p_vs_focus"] = np.where(usable, p_value, np.nan)
    out["against_focus"] = np.where(usable, words, np.where(out["focus"], "", compare.NOT_COMPARED))
    return out


def neighbours_summary(frame: pd.DataFrame, filters: Filters) -> str:
    focus = frame[frame["focus"]]
    peers = frame[~frame["focus"]].sort_values("neighbour_rank")
    lead = _describe(focus.iloc[0]) if not focus.empty else "The chosen area"
    counts = peers["against_focus"].value_counts()
    verdict = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("lower", "similar", "higher", compare.NOT_COMPARED)
                        if counts.get(k, 0) or k != compare.NOT_COMPARED)
    return (f"{period_label(frame['period'].iloc[0])}: {lead}. Its {len(peers)} statistical neighbours "
            f"(most alike before 2024 on rate and age mix) are {', '.join(peers['name'])}; against its rate now "
            f"(z test on each difference, 95%): {verdict}.")


register(Chart(
    id="regions-league",
    title="How areas compare with England",
    page=PAGE,
    description="Each region or ICB's long-term-sick rate in the latest quarter chosen, with its 95% confidence "
                "interval (Wilson, with the survey's design factor), against England's value: better, similar or "
                "worse than England, lower being better, and its recent trend over the last five quarters. "
                "Estimates ONS would call unreliable (CV over 20%) are marked 'u' and not compared.",
    source=SURVEY_SOURCE,
    data=league_data,
    figure=fig.league,
    summary=league_summary,
    filters=LEAGUE_FILTERS,
))

register(Chart(
    id="regions-published",
    title="Published figures: long-term sickness in the Annual Population Survey",
    page=PAGE,
    description="The long-term-sick percentage that Nomis publishes from the Annual Population Survey, for each "
                "region or ICB in the latest rolling year ending by the quarter chosen, with its 95% confidence "
                "interval and Nomis's reliability flags, against England's published value. Real figures, shown "
                "only when a Nomis download has been loaded; age, sex and condition filters do not apply.",
    source=PUBLISHED_SOURCE,
    data=published_data,
    figure=published_figure,
    summary=published_summary,
    filters=("geo", "level", "to"),
    synthetic=False,
    empty_message="No published Nomis APS series is loaded for these areas and period. Load a Nomis download "
                  "with python -m data.build --source DIR (see About the data).",
))

register(Chart(
    id="regions-fingertips",
    title="Published figures: an OHID Fingertips indicator",
    page=PAGE,
    description="An indicator from the OHID Fingertips export that was loaded, for each region or ICB in its "
                "latest period, with its 95% confidence interval and Fingertips' own comparison with England. "
                "Real figures, shown only when a Fingertips export has been loaded; the period, age, sex and "
                "condition filters do not apply.",
    source=FINGERTIPS_SOURCE,
    data=fingertips_data,
    figure=fingertips_figure,
    summary=fingertips_summary,
    filters=("geo", "level"),
    synthetic=False,
    empty_message="No OHID Fingertips export is loaded for these areas. Load one with python -m data.build "
                  "--source DIR (see About the data).",
))

register(Chart(
    id="regions-choropleth",
    title="Map of areas compared with England",
    page=PAGE,
    description="Each region or ICB on a map of its real boundaries (ONS), shaded by how its long-term-sick "
                "rate in the latest quarter chosen compares with England's, with a shape in each area, or by "
                "which fifth of areas its rate falls in. Select an area to make it the focus of the page.",
    source=f"{SURVEY_SOURCE}. {geo.ATTRIBUTION}",
    data=choropleth_data,
    figure=maps.choropleth,
    summary=choropleth_summary,
    filters=LEAGUE_FILTERS,
))

register(Chart(
    id="regions-map",
    title="Map of the 42 ICBs",
    page=PAGE,
    description="A hexagon map, one hexagon an ICB laid out roughly as on a map of England, shaded by how the "
                "area compares with England in the latest quarter chosen (at region level, by its region). "
                "Select a hexagon, or choose the area in the Area filter, to make it the focus of the page.",
    source=SURVEY_SOURCE,
    data=map_data,
    figure=fig.hex_map,
    summary=map_summary,
    filters=LEAGUE_FILTERS,
))

register(Chart(
    id="regions-spc",
    title="Is the chosen area's rate changing? (statistical process control)",
    page=PAGE,
    description="The chosen area's quarterly rate as an NHS Making Data Count XmR chart: mean and process limits "
                "fixed on the quarters before the accelerators started, and special-cause variation (improvement "
                "when lower, concern when higher).",
    source=SURVEY_SOURCE,
    data=spc_data,
    figure=fig.spc_chart,
    summary=spc_summary,
    filters=("geo", "from", "to", "condition", "age", "sex"),
))

register(Chart(
    id="regions-neighbours",
    title="Statistical neighbours",
    page=PAGE,
    description="The chosen area against the five areas of its level most like it before 2024 (on its "
                "long-term-sick rate and age mix), in the latest quarter chosen, with England for reference. "
                "Each neighbour's rate is tested against the chosen area's with a z test on the difference "
                "(both are survey estimates); unreliable estimates (CV over 20%) are not compared.",
    source=SURVEY_SOURCE,
    data=neighbours_data,
    figure=fig.neighbours,
    summary=neighbours_summary,
    filters=("geo", "to", "condition", "age", "sex"),
    empty_message="Statistical neighbours are found for a region or an ICB: choose one in Area.",
))
