"""Overview page charts: long-term sickness over time for the area, its region and England; and the
accelerator ICBs against the rest. Also the page's headline figures."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import facts, periods
from dashboard.charts._programmes import period_params
from dashboard.charts.common import PUBLISHED_OR_SURVEY_SOURCE, SURVEY_SOURCE, comparators, lts_rates
from dashboard.domain import domain
from dashboard.figures import overview as fig
from dashboard.filters import ENGLAND, Filters, period_label
from dashboard.labels import p_text
from dashboard.registry import Chart, register
from dashboard.stats import disclosure, quality
from dashboard.stats.intervals import disclosed_rate
from dashboard.stats.quality import survey_rates
from queries import run

COLUMNS = ["period", "area_code", "area_name", "people", "population", "rate", "lower", "upper", "se", "cv",
           "quality"]


def trend_data(filters: Filters) -> pd.DataFrame:
    if not facts.survey_cells():  # a build from published files: the published series, named as published
        if facts.asks_breakdown(filters):
            return pd.DataFrame()  # published figures are totals: ``needs`` says why
        return facts.published_series(comparators(filters.geo), filters.period_from, filters.period_to)
    frame = lts_rates(filters, areas=comparators(filters.geo))
    return frame[COLUMNS + ["period_start"]] if not frame.empty else frame


def published_trend_summary(frame: pd.DataFrame) -> str:
    """The published series in words: the measure, each area's first and last value with the publisher's period
    labels, and where it is from."""
    parts = []
    for name, rows in frame.groupby("area_name", sort=False):
        first, last = rows.iloc[0], rows.iloc[-1]
        parts.append(f"{name} {last['rate']:.1f}% ({last['period_label']})" if len(rows) == 1 else
                     f"{name} {first['rate']:.1f}% ({first['period_label']}) to {last['rate']:.1f}% "
                     f"({last['period_label']})")
    text = f"Published: {frame['measure'].iloc[0]}: " + "; ".join(parts) + "."
    if frame["period_type"].eq("rolling_year").any() and frame["period"].nunique() > 1:
        text += (" Each point is a rolling year; neighbouring points overlap, so no trend test is made."
                 if facts.overlapping(frame) else " Each point is a rolling year; the years shown share no months.")
    return text + f" Source: {frame['source'].iloc[0]} ({frame['files'].iloc[0]})."


def trend_summary(frame: pd.DataFrame, filters: Filters) -> str:
    if "measure" in frame:
        return published_trend_summary(frame)
    first, last = frame["period"].min(), frame["period"].max()
    parts = []
    for name, rows in frame.groupby("area_name", sort=False):
        rows = rows.set_index("period")
        parts.append(f"{name} {rows.at[first, 'rate']:.1f}% to {rows.at[last, 'rate']:.1f}%")
    text = (f"Share of people aged 16-64 out of work through long-term sickness, {period_label(first)} to "
            f"{period_label(last)}: " + "; ".join(parts) + ".")
    return text + area_against_region(frame, filters)


def area_against_region(frame: pd.DataFrame, filters: Filters) -> str:
    """The latest quarter's area against its region: a z test on the difference, both being survey estimates
    (the area's sample is part of the region's, so their covariance is taken out, with the population
    share standing for the sample share)."""
    chain = comparators(filters.geo)
    if len(chain) < 3:
        return ""
    last = frame[frame["period"] == frame["period"].max()].set_index("area_code")
    if not {chain[0], chain[1]} <= set(last.index):
        return ""
    area, region = last.loc[chain[0]], last.loc[chain[1]]
    if not quality.comparable([area["quality"], region["quality"]]).all():
        return (f" {area['area_name']} is not compared with {region['area_name']}: an estimate is unreliable "
                "(CV over 20%) or not shown.")
    share = min(1.0, float(area["population"]) / float(region["population"]))
    _, p_value = quality.z_test(area["rate"], area["se"], region["rate"], region["se"], overlap=share)
    if quality.significant(p_value):
        word = "higher" if area["rate"] > region["rate"] else "lower"
        verdict = f"significantly {word} than"
    else:
        verdict = "not significantly different from"
    return (f" In {period_label(frame['period'].max())}, {area['area_name']}'s rate was {verdict} "
            f"{region['area_name']}'s (z test on the difference, 95%, p {p_text(float(p_value))}).")


def accelerator_data(filters: Filters) -> pd.DataFrame:
    icbs = run(
        "long_term_sick", areas=None, level="icb", period_from=filters.period_from, period_to=filters.period_to,
        age=filters.age, sex=filters.sex, condition=filters.condition,
    )
    if icbs.empty:
        return icbs
    icbs = icbs.assign(group=icbs["accelerator"].map({True: "Accelerator ICBs (3)", False: "Other ICBs (39)"}))
    pooled = (icbs.groupby(["group", "period", "period_start"], as_index=False)
              [["people", "population", "sample_size", "sample_sick"]].sum())
    out = survey_rates(pooled)
    out["people"] = disclosure.round_count(out["people"])
    out = out[["period", "period_start", "group", "people", "population", "rate", "lower", "upper", "se", "cv",
               "quality"]]
    out.attrs["accelerator_start"] = domain().accelerator_start
    return out


def accelerator_summary(frame: pd.DataFrame, filters: Filters) -> str:
    last = frame["period"].max()
    latest = frame[frame["period"] == last].set_index("group")
    text = (f"In {period_label(last)}, " + " and ".join(f"{g}: {v:.1f}%" for g, v in latest["rate"].items())
            + " of people aged 16-64 were out of work through long-term sickness.")
    if len(latest) == 2 and quality.comparable(latest["quality"]).all():
        a, b = latest.iloc[0], latest.iloc[1]
        _, p_value = quality.z_test(a["rate"], a["se"], b["rate"], b["se"])  # disjoint groups of ICBs
        verdict = "significant" if quality.significant(p_value) else "not significant"
        text += (f" The difference, {a['rate'] - b['rate']:+.1f} points, is {verdict} "
                 f"(z test on the difference, 95%, p {p_text(float(p_value))}).")
    return text


register(Chart(
    id="overview-trend",
    needs=facts.totals_need,
    title="Long-term sickness over time",
    page="/",
    description="Share of people aged 16-64 economically inactive because of long-term sickness, "
                "for the chosen area, its region and England, with 95% confidence intervals (with the survey's "
                "design factor); the area against its region is judged by a z test on the difference. Open "
                "markers are estimates ONS would call unreliable (CV over 20%). Built from published files alone, it "
                "draws the published measure for the periods published (e.g. year to Jun 2024).",
    source=PUBLISHED_OR_SURVEY_SOURCE,
    data=trend_data,
    figure=fig.area_trend,
    summary=trend_summary,
    filters=("geo", "from", "to", "condition", "age", "sex"),
))

register(Chart(
    id="overview-accelerators",
    needs="cells",
    title="Health and Growth Accelerator ICBs against the rest",
    page="/",
    description="Long-term-sick rate in the three accelerator ICBs (South Yorkshire, West Yorkshire, "
                "North East and North Cumbria) pooled, against the other 39 ICBs pooled.",
    source=SURVEY_SOURCE,
    data=accelerator_data,
    figure=fig.accelerators_against_rest,
    summary=accelerator_summary,
    filters=("from", "to", "condition", "age", "sex"),
))


UK_SOURCE = ("ONS, INAC01: economic inactivity by reason (series LF6A; or the LF6A time series), from the files "
             "loaded into the warehouse")


def uk_data(filters: Filters) -> pd.DataFrame:
    """The published UK long-term-sick series (ONS INAC01, LF6A) for the quarters and sex chosen; empty when no
    INAC01 file has been loaded."""
    return run("published_uk_series", reason="long-term sick", sex=filters.sex or "persons",
               start=periods.first_day(filters.period_from), end=periods.last_day(filters.period_to))


def uk_summary(frame: pd.DataFrame, filters: Filters) -> str:
    first, last = frame.iloc[0], frame.iloc[-1]
    who = {"female": "women", "male": "men"}.get(filters.sex or "", "people")
    files = ", ".join(dict.fromkeys(frame["files"].dropna()))  # INAC01 workbooks, and time series for other periods
    return (f"Published by ONS ({files}): {last['people'] / 1e6:.2f} million {who} aged 16-64 in the UK were "
            f"economically inactive because of long-term sickness in {last['period']}, against "
            f"{first['people'] / 1e6:.2f} million in {first['period']}.")


register(Chart(
    id="overview-uk-published",
    title="Published figures: the UK's long-term sick",
    page="/",
    description="ONS's own estimate of people aged 16-64 in the UK who are economically inactive because of "
                "long-term sickness (INAC01, series LF6A), by rolling three-month period. Real figures, shown only "
                "when an INAC01 file has been loaded; area, age and condition filters do not apply.",
    source=UK_SOURCE,
    data=uk_data,
    figure=fig.uk_series,
    summary=uk_summary,
    filters=("from", "to", "sex"),
    synthetic=False,
    empty_message="No ONS INAC01 series is loaded for this period. Load an INAC01 download with "
                  "python -m data.build --source DIR (see About the data).",
))


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    detail: str


def headlines(filters: Filters) -> list[Headline]:
    """The overview's headline figures for the chosen area against England, at the last quarter chosen."""
    last = filters.period_to
    year_before = periods.shift(last, -4)
    areas = [filters.geo] if filters.geo == ENGLAND else [filters.geo, ENGLAND]
    out: list[Headline] = []
    frame = lts_rates(filters.replace(condition=None), areas=areas,
                      period_from=min(year_before, filters.period_from), period_to=last)
    if frame.empty:
        return out
    rows = frame.set_index(["area_code", "period"])
    now, before = rows.loc[(filters.geo, last)], rows.loc[(filters.geo, year_before)] \
        if (filters.geo, year_before) in rows.index else None
    england = rows.loc[(ENGLAND, last)]
    if quality.comparable([now["quality"]])[0]:
        out.append(Headline("Long-term sick, aged 16-64", f"{now['people']:,.0f}",
                            f"{period_label(last)}; CV {now['cv']:.1f}%, {now['quality']}"))
        out.append(Headline("Rate", f"{now['rate']:.1f}%",
                            "; ".join(filter(None, [year_on_year(now, before), f"England {england['rate']:.1f}%"]))))
    else:  # an unreliable estimate is not headlined as a rate, nor compared
        out.append(Headline("Long-term sick, aged 16-64", disclosure.show_count(now["people"]),
                            f"{period_label(last)}; estimate {now['quality']} (CV over 20% or too few "
                            "respondents): not compared"))

    mix = run("conditions_mix", areas=areas, period_from=last, period_to=last, age=filters.age, sex=filters.sex)
    if not mix.empty:
        main = mix.groupby(["area_code", "group_id"])["people"].sum()
        share = (main / main.groupby(level=0).transform("sum") * 100).xs("msk", level="group_id")
        detail = f"England {share[ENGLAND]:.0f}%" if filters.geo != ENGLAND else "about 1 in 4 nationally"
        out.append(Headline("Main condition musculoskeletal", f"{share[filters.geo]:.0f}%", detail))

    from dashboard import access  # participant records: for the viewers whose role allows them, their ICB's rows

    try:
        filters = access.admit(access.Part("overview-programme-headlines"), filters)
    except access.Denied as denied:
        return [*out, Headline("Programme participants", "Sign in" if denied.status == 401 else "Not shown",
                               denied.reason)]
    params = period_params(filters)  # the programme facts, restricted to the viewer's ICBs
    progs = run("interventions_outcomes", **params)
    progs = progs[progs["participants"] > 0]
    if not progs.empty:
        # Counts of people from records: the rule at every level; the rate from the unrounded counts.
        participants = disclosure.control(progs["participants"].sum())
        followed_raw, jobs_raw = progs["followed_12m"].sum(), progs["jobs_12m"].sum()
        out.append(Headline("Programme participants", disclosure.show_count(participants),
                            f"in {len(progs)} programmes starting in the period"))
        # A total over programmes and ICBs whose parts are published elsewhere: secondary suppression.
        parts = run("interventions_parts", **params)
        secondary = bool(disclosure.part_suppressed(parts["jobs_12m"], parts["followed_12m"]).any())
        rate, lower, upper = (float(x) for x in disclosed_rate(jobs_raw, followed_raw, secondary))
        if not np.isnan(rate):
            out.append(Headline("In work within 12 months", f"{rate:.0f}%",
                                f"95% CI {lower:.0f}-{upper:.0f}%, of "
                                f"{disclosure.show_count(disclosure.control(followed_raw))} "
                                + ("who started at least a year before the data cut-off"
                                   if not progs["followup"].str.contains("as_of_return").any()
                                   else "starts whose outcome is known (pilot returns: as of the return)")))
    return out


def year_on_year(now: pd.Series, before: pd.Series | None) -> str:
    """The change on a year earlier in words, judged by a z test on the difference of two survey estimates,
    taken as independent samples: conservative where the LFS panel carries respondents into the next year
    (their positive correlation makes the true standard error of the change smaller)."""
    if before is None or not quality.comparable([before["quality"]])[0]:
        return ""
    change = now["rate"] - before["rate"]
    _, p_value = quality.z_test(now["rate"], now["se"], before["rate"], before["se"])
    verdict = "a significant change" if quality.significant(p_value) else "not a significant change"
    return f"{change:+.1f} points on a year earlier ({verdict}, z test)"
