"""Accelerators page charts: did the Health and Growth Accelerators lower long-term sickness in their three
ICBs (a difference-in-differences against all other ICBs and against ICBs matched on the rate before the
start, and an event study to judge pre-trends), and the three side by side on their participants."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import facts, periods
from dashboard.charts._accelerators_published import detectable, published_panel
from dashboard.charts._accelerators_published import usable as _usable
from dashboard.charts._programmes import facts_synthetic, viewer_icbs
from dashboard.charts.common import PILOT_SOURCE, SURVEY_SOURCE
from dashboard.domain import domain, quarter_label
from dashboard.figures import accelerators as fig
from dashboard.filters import Filters, period_label
from dashboard.labels import p_text
from dashboard.registry import Chart, register
from dashboard.stats import did as did_stats
from dashboard.stats import disclosure
from dashboard.stats.intervals import disclosed_rate
from queries import run

FILTERS = ("from", "to", "condition", "age", "sex")  # geo and level do not apply: the areas are fixed
MATCHED_PER_ACCELERATOR = 3
CONDITION_GROUPS = ("msk", "mental", "heart", "diabetes", "other")
DID_COLUMNS = ["comparison", "estimate", "lower", "upper", "se", "p_value", "ri_p_value", "ri_placebo_sets",
               "n_treated", "n_comparison", "pre_periods", "post_periods", "start", "comparison_areas"]
EVENT_COLUMNS = ["comparison", "period", "period_start", "relative", "estimate", "lower", "upper", "reference",
                 "pretrend_f", "pretrend_df_num", "pretrend_df_den", "pretrend_p_value", "pretrend_quarters"]


def accelerator_start() -> str:
    return domain().accelerator_start


def _panel(filters: Filters) -> pd.DataFrame:
    """ICB x quarter long-term-sick rates (percent) with the accelerator flag as ``treated``.

    Every cell with respondents is kept, its rate from the unrounded weighted count over the population: cells
    blanked for display because few sick people answered would be dropped for having a low outcome, and dropping
    them would make which cells are missing depend on the outcome. The panel is analysed, never published cell by
    cell (the charts publish only the estimates). Quarters are not weighted by sample size: the two-step averages
    each ICB's quarters, an ICB's sample is much the same from quarter to quarter, and the ICB, not the
    respondent, is the unit the interval treats as independent.
    """
    if not facts.survey_cells():
        return published_panel(filters)
    frame = run("long_term_sick", areas=None, level="icb", period_from=filters.period_from,
                period_to=filters.period_to, age=filters.age, sex=filters.sex, condition=filters.condition)
    if frame.empty:
        return frame
    frame = frame[(frame["population"] > 0) & (frame["sample_size"] > 0)]
    panel = frame.assign(rate=frame["people"] / frame["population"] * 100)
    return panel[["area_code", "area_name", "period", "period_start", "rate", "accelerator"]].rename(
        columns={"accelerator": "treated"}).reset_index(drop=True)


def _comparisons(panel: pd.DataFrame, start: str) -> list[tuple[str, pd.DataFrame]]:
    """(label, panel) for each comparison: all other ICBs, and the ICBs matched on the pre-start rate."""
    others = panel.loc[~panel["treated"], "area_code"].nunique()
    matched = did_stats.matched_comparison(panel, start, per_treated=MATCHED_PER_ACCELERATOR)
    return [
        (f"All other ICBs ({others})", panel),
        (f"Matched ICBs ({len(matched)})", panel[panel["treated"] | panel["area_code"].isin(matched)]),
    ]


def _empty(columns: list[str], panel: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(columns=columns)
    if panel.attrs.get("empty_message"):
        out.attrs["empty_message"] = panel.attrs["empty_message"]
    return out


def did_data(filters: Filters) -> pd.DataFrame:
    start = accelerator_start()
    panel = _panel(filters)
    if not _usable(panel, start):
        return _empty(DID_COLUMNS, panel)
    rows = []
    for label, sub in _comparisons(panel, start):
        try:
            result = did_stats.did(sub, start)
            placebo = did_stats.randomisation_inference(sub, start)
        except ValueError:  # e.g. too few areas with respondents for a narrow age and sex group
            continue
        names = sorted(sub.loc[~sub["treated"], "area_name"].unique())
        rows.append({"comparison": label, "estimate": result.estimate, "lower": result.lower,
                     "upper": result.upper, "se": result.se, "p_value": result.p_value,
                     "ri_p_value": placebo.p_value, "ri_placebo_sets": placebo.placebos,
                     "n_treated": result.n_treated, "n_comparison": result.n_comparison,
                     "pre_periods": result.pre_periods, "post_periods": result.post_periods, "start": start,
                     "comparison_areas": "; ".join(names)})
    out = pd.DataFrame(rows, columns=DID_COLUMNS)
    out.attrs["published"] = panel.attrs.get("published", "")
    return out


def did_summary(frame: pd.DataFrame, filters: Filters) -> str:
    start = frame["start"].iloc[0]
    parts = [f"against {_phrase(row.comparison)} {row.estimate:+.2f} points "
             f"(95% CI {row.lower:+.2f} to {row.upper:+.2f}; randomisation p {p_text(row.ri_p_value)} from "
             f"{row.ri_placebo_sets:,} placebo sets of {_count(row.n_treated)} comparison ICBs)"
             for row in frame.itertuples()]
    treated = _count(frame["n_treated"].iloc[0])
    # The start is a quarter whatever the loaded period type ('year to Jun 2025' would misdate it).
    return (f"After the accelerators started ({quarter_label(start)}), the long-term-sick rate in the {treated} "
            f"accelerator ICBs changed relative to comparison ICBs by: " + "; ".join(parts)
            + ". Negative means a fall." + (" " + frame.attrs["published"] + " " + detectable(frame.iloc[0])
                                            if frame.attrs.get("published") else ""))


def _count(n: int) -> str:
    return {1: "one", 2: "two", 3: "three"}.get(int(n), str(int(n)))


def _phrase(label: str) -> str:
    """'All other ICBs (39)' -> 'all other ICBs (39)' for use inside a sentence."""
    return label[0].lower() + label[1:]


def event_study_data(filters: Filters) -> pd.DataFrame:
    start = accelerator_start()
    panel = _panel(filters)
    if not _usable(panel, start):
        return _empty(EVENT_COLUMNS, panel)
    starts = panel.groupby("period")["period_start"].first()
    frames = []
    for label, sub in _comparisons(panel, start):
        try:
            gaps = did_stats.event_study(sub, start)
        except ValueError:
            continue
        gaps.insert(0, "comparison", label)
        gaps.insert(2, "period_start", gaps["period"].map(starts))
        try:
            test = did_stats.pre_trend_test(sub, start)
            gaps["pretrend_f"], gaps["pretrend_df_num"], gaps["pretrend_df_den"] = test.f_value, test.df_num, \
                test.df_den
            gaps["pretrend_p_value"], gaps["pretrend_quarters"] = test.p_value, test.quarters
        except ValueError:  # too few units or quarters for the joint test: say nothing rather than guess
            gaps["pretrend_f"] = gaps["pretrend_p_value"] = np.nan
            gaps["pretrend_df_num"] = gaps["pretrend_df_den"] = gaps["pretrend_quarters"] = 0
        frames.append(gaps)
    if not frames:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out.attrs["accelerator_start"] = start
    out.attrs["published"] = panel.attrs.get("published", "")
    out.attrs["unit"] = "period" if out.attrs["published"] else "quarter"  # published periods are rolling years
    return out


def event_study_summary(frame: pd.DataFrame, filters: Filters) -> str:
    main = frame[frame["comparison"] == frame["comparison"].iloc[0]]
    pre = main[(main["relative"] < 0) & ~main["reference"]]
    post = main[main["relative"] >= 0]
    outside = int(((pre["lower"] > 0) | (pre["upper"] < 0)).sum())
    unit = frame.attrs.get("unit", "quarter")
    reference = main.loc[main["reference"], "period"]
    before = (f"{period_label(reference.iloc[0])}, the last {unit} before the start" if unit != "quarter"
              and len(reference) else f"the {unit} before the start")
    text = (f"Against {_phrase(main['comparison'].iloc[0])}: before the start, the gap's interval excluded zero "
            f"in {outside} of {len(pre)} {unit}s")
    if not post.empty:
        text += f"; after it the gap averaged {post['estimate'].mean():+.2f} points"
    text += f" (relative to {before})."
    for label, rows in frame.groupby("comparison", sort=False):
        text += " " + pretrend_words(rows.iloc[0], label, unit)
    return text + (" " + frame.attrs["published"] if frame.attrs.get("published") else "")


def pretrend_words(row, label: str, unit: str = "quarter") -> str:
    """The joint pre-trend test in a sentence."""
    if not row["pretrend_quarters"]:
        return f"Against {_phrase(label)}: too few ICBs for a joint test of the gaps before the start."
    verdict = "no evidence against parallel trends" if row["pretrend_p_value"] >= 0.05 else \
        "evidence that the groups were not moving in parallel before the start"
    return (f"Against {_phrase(label)}, a joint test that the {int(row['pretrend_quarters'])} gaps before "
            f"the reference {unit} are all zero gives F({int(row['pretrend_df_num'])}, {int(row['pretrend_df_den'])})"
            f" = {row['pretrend_f']:.2f}, p {p_text(row['pretrend_p_value'])}: {verdict}.")


def compare_data(filters: Filters) -> pd.DataFrame:
    rows = run("accelerators_compare", icbs=viewer_icbs(filters), age=filters.age, sex=filters.sex,
               condition=filters.condition,
               start_from=periods.first_day(filters.period_from), start_to=periods.last_day(filters.period_to))
    if rows.empty:
        return rows
    keys = ["icb_code", "icb_name", "short_name"]
    totals = rows.groupby(keys, as_index=False)[["participants", "followed_12m", "jobs_12m", "cost_12m_gbp"]].sum()
    mix = rows.pivot_table(index=keys, columns="condition_group", values="participants", aggfunc="sum",
                           fill_value=0).reindex(columns=list(CONDITION_GROUPS), fill_value=0)
    mix.columns = [f"participants_{c}" for c in mix.columns]
    out = totals.merge(mix.reset_index(), on=keys)
    # Rates and costs from the unrounded counts, blank where the rule hides them; then the counts controlled.
    jobs, followed = out["jobs_12m"].to_numpy(float), out["followed_12m"].to_numpy(float)
    out["rate"], out["lower"], out["upper"] = disclosed_rate(jobs, followed)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cost_per_job_gbp"] = np.where(disclosure.mean_hidden(jobs), np.nan, out["cost_12m_gbp"] / jobs)
    out = disclosure.control_columns(out, ["participants", "followed_12m", "jobs_12m", *mix.columns])
    out["cost_per_job_gbp"] = out["cost_per_job_gbp"].round(0)
    columns = [*keys, "participants", "followed_12m", "jobs_12m", "rate", "lower", "upper", "cost_per_job_gbp",
               *mix.columns]
    return out[columns].sort_values("icb_name", ignore_index=True)


def compare_summary(frame: pd.DataFrame, filters: Filters) -> str:
    parts = []
    for row in frame.itertuples():
        if row.followed_12m == 0:
            rate = "none started a year before the data cut-off yet"
        elif np.isnan(row.rate):
            rate = "too few started a year before the data cut-off to show a job outcome rate"
        else:
            rate = f"{row.rate:.0f}% in work within 12 months (95% CI {row.lower:.0f}-{row.upper:.0f}%)"
        cost = "" if np.isnan(row.cost_per_job_gbp) else f", £{row.cost_per_job_gbp:,.0f} a job outcome"
        starts = "fewer than 8" if np.isnan(row.participants) else f"{row.participants:,.0f}"
        parts.append(f"{row.icb_name}: {starts} participants, {rate}{cost}")
    return "; ".join(parts) + "."


register(Chart(
    id="accelerators-did",
    needs=facts.totals_need,
    title="Did long-term sickness fall in the accelerator areas?",
    page="/accelerators",
    description="Difference-in-differences: the change in the long-term-sick rate (percentage points) in the "
                "three Health and Growth Accelerator ICBs after they started, beyond the change in comparison "
                "ICBs, against all other ICBs and against the ICBs whose rate before the start was closest, "
                "with 95% confidence intervals. Negative means a fall.",
    source=SURVEY_SOURCE,
    data=did_data,
    figure=fig.did_estimates,
    summary=did_summary,
    filters=FILTERS,
))

register(Chart(
    id="accelerators-event-study",
    needs=facts.totals_need,
    title="The gap, quarter by quarter",
    page="/accelerators",
    description="The difference in long-term-sick rate between the accelerator ICBs and comparison ICBs each "
                "quarter, relative to the quarter before the accelerators started, with 95% confidence "
                "intervals. Gaps near zero before the start support the comparison.",
    source=SURVEY_SOURCE,
    data=event_study_data,
    figure=fig.event_study,
    summary=event_study_summary,
    filters=FILTERS,
))

register(Chart(
    id="accelerators-compare",
    needs="cells",
    title="The three accelerators side by side",
    page="/accelerators",
    description="Health and Growth Accelerator participants in each ICB: how many started, the share in work "
                "within 12 months (of those who started at least a year before the data cut-off) with 95% "
                "confidence intervals, the main conditions served and the cost per job outcome.",
    source=PILOT_SOURCE,
    data=compare_data,
    figure=fig.accelerators_compare,
    summary=compare_summary,
    filters=FILTERS,
    restricted=True,
    synthetic_when=facts_synthetic,
))
