"""Regions page charts about one area over time and its peers: the focus area's SPC chart (limits fixed on the
quarters before the accelerators started) and its statistical neighbours. Both are computed from survey cells, so
a warehouse built from published files alone says they are not published at this level (``Chart.needs``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import facts, periods
from dashboard.charts.common import PUBLISHED_OR_SURVEY_SOURCE, SURVEY_SOURCE, lts_rates
from dashboard.charts.regions import PAGE, areas_by_code, describe_area, survey_table
from dashboard.domain import domain
from dashboard.figures import regions as fig
from dashboard.filters import Filters, period_label
from dashboard.registry import Chart, register
from dashboard.stats import compare, quality, spc
from queries import run, warehouse

NEIGHBOURS = 5
NEIGHBOURS_BEFORE = "2024Q1"  # neighbours are matched on the years before the programmes began

SPC_MIN_BASELINE = 15  # Making Data Count: limits from at least 15-20 points, else trial limits
ROLLING_NOTE = ("Each point is a rolling 12-month survey estimate: neighbouring quarters share 9 of their 12 months, "
                "so the points are not independent and runs and trends appear more often than the rules expect. "
                "Read special cause as a prompt to look, not a finding.")


def spc_data(filters: Filters) -> pd.DataFrame:
    """The area's quarterly rate as an XmR chart against limits fixed on every quarter before the accelerators
    started (a known change), whatever range is chosen; the rules run over the quarters up to ``to`` (never on
    later ones), and the chosen range is shown."""
    from dashboard.charts.accelerators import accelerator_start

    if not facts.survey_cells():
        return published_spc_data(filters)
    start = accelerator_start()
    before_start = periods.shift(start, -1)
    frame = lts_rates(filters, areas=[filters.geo], period_from=Filters().period_from,
                      period_to=max(filters.period_to, before_start))
    frame = frame.dropna(subset=["rate"]).sort_values("period") if not frame.empty else frame
    if frame.empty:
        return pd.DataFrame()
    columns = ["period", "period_start", "area_code", "area_name", "rate", "lower", "upper", "cv", "quality"]
    whole = frame[columns].reset_index(drop=True)
    if len(whole) < 2:  # the other quarters' estimates are withheld (too few respondents): no variation to chart
        return _saying(f"Only {len(whole)} quarter of this selection has a rate that can be shown (the others are "
                       "suppressed: too few respondents); an SPC chart needs at least two. Try fewer filters.")
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


SPC_MIN_POINTS = 7  # the shortest run a rule looks for (a shift): fewer independent points, no SPC


def published_spc_data(filters: Filters) -> pd.DataFrame:
    """On a build from published files: the area's published measure as an XmR chart on the periods that share no
    months (every 4th rolling year), with trial limits from all of them; or, with too few such periods, an empty
    frame that says why (the overview's trend draws the series itself)."""
    if facts.asks_breakdown(filters):
        return pd.DataFrame()  # published figures are totals: ``needs`` says why
    series = facts.published_series([filters.geo], Filters().period_from, filters.period_to)
    name = domain().area_names.get(filters.geo, filters.geo)
    if series.empty:
        return _saying(f"No published percentage of long-term sickness for {name} is loaded up to "
                       f"{period_label(filters.period_to)}, so there is no series to chart.")
    points, dropped = facts.independent_periods(series)
    if len(points) < SPC_MIN_POINTS:
        return _saying(
            f"Not enough independent points for SPC: the loaded files publish {len(series)} period"
            f"{'s' if len(series) != 1 else ''} of {series['measure'].iloc[0]} for {name} "
            f"({series['period_label'].iloc[0]}" + (f" to {series['period_label'].iloc[-1]}" if len(series) > 1
                                                     else "") + f"), {len(points)} sharing no months; the rules "
            f"need at least {SPC_MIN_POINTS}. The published series is drawn on the overview's trend.")
    chart = spc.xmr(points, "rate", improvement="decrease", minimum_points=SPC_MIN_BASELINE)
    chart["in_baseline"] = False
    shown = chart[chart["period"] >= filters.period_from].reset_index(drop=True)
    if len(shown) < 2:
        return _saying(f"Only {len(shown)} of the {len(points)} independent published periods for {name} falls in "
                       "the range chosen; an SPC chart needs at least two. Choose an earlier From.")
    earlier = len(chart) - len(shown)
    limits = f"Trial limits from all {len(points)} independent points" + (
        f", {earlier} of them before the range shown." if earlier else ".")
    shown.attrs.update(published_note=(dropped + ". " if dropped else "") + limits, baseline_points=len(points))
    return shown


def _saying(message: str) -> pd.DataFrame:
    out = pd.DataFrame()
    out.attrs["empty_message"] = message
    return out


def spc_summary(frame: pd.DataFrame, filters: Filters) -> str:
    if "period_label" in frame:  # the published measure
        last = frame.iloc[-1]
        special = int((frame["point_type"] != spc.COMMON).sum())
        return (f"Published: {last['measure']}: {last['area_name']} {last['rate']:.1f}% in {last['period_label']} "
                f"against a mean of {last['mean']:.1f}% (trial process limits {last['lpl']:.1f}-{last['upl']:.1f}); "
                f"{special} of {len(frame)} points show special cause. {frame.attrs.get('published_note', '')}"
                f" Source: {last['source']} ({last['files']}).")
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
    areas = areas_by_code()
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
    table = survey_table(filters.replace(level=level), level)  # the neighbours are matched on survey cells
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
    lead = describe_area(focus.iloc[0]) if not focus.empty else "The chosen area"
    counts = peers["against_focus"].value_counts()
    verdict = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("lower", "similar", "higher", compare.NOT_COMPARED)
                        if counts.get(k, 0) or k != compare.NOT_COMPARED)
    return (f"{period_label(frame['period'].iloc[0])}: {lead}. Its {len(peers)} statistical neighbours "
            f"(most alike before 2024 on rate and age mix) are {', '.join(peers['name'])}; against its rate now "
            f"(z test on each difference, 95%): {verdict}.")


register(Chart(
    id="regions-spc",
    needs=facts.totals_need,
    title="Is the chosen area's rate changing? (statistical process control)",
    page=PAGE,
    description="The chosen area's quarterly rate as an NHS Making Data Count XmR chart: mean and process limits "
                "fixed on the quarters before the accelerators started, and special-cause variation (improvement "
                "when lower, concern when higher). Built from published files alone, it charts the published measure "
                "on the periods that share no months, or says why it cannot.",
    source=PUBLISHED_OR_SURVEY_SOURCE,
    data=spc_data,
    figure=fig.spc_chart,
    summary=spc_summary,
    filters=("geo", "from", "to", "condition", "age", "sex"),
))

register(Chart(
    id="regions-neighbours",
    needs="cells",
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
