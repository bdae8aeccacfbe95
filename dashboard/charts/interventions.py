"""Interventions page charts: which back-to-work programmes get people into work, where, how fast and at what
cost, from the programme facts (data/rollups.sql): participant records (outcomes on equal follow-up, as DWP
advises: 365 days for a job within 12 months, 547 for a sustained job) and ICB pilot returns (outcomes as of the
return) in one shape. What a source does not record (age, sex, days to work, app use in the returns) is said to
be not in it, never filled in. Every chart here shows unpublished management information (``restricted``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.charts._programmes import (
    AS_OF_RETURN,
    COUNTS,
    coverage,
    facts_synthetic,
    lacking,
    mark,
    period_params,
    suppressed_parts,
)
from dashboard.charts.common import PILOT_SOURCE
from dashboard.figures import interventions as fig
from dashboard.filters import ENGLAND, Filters
from dashboard.registry import Chart, register
from dashboard.stats import disclosure, funnel
from dashboard.stats.intervals import disclosed_rate
from dashboard.stats.survival import kaplan_meier_from_counts
from queries import run

PAGE = "/interventions"
FOLLOWUP_JOB, FOLLOWUP_SUSTAINED = 365, 547
JOB, SUSTAINED = "In work within 12 months", "Sustained work (26 weeks)"
NO_PARTICIPANTS = "No participants in this selection"
NOT_REPORTED = "Outcomes not yet reported"
FILTERS = ("geo", "from", "to", "condition", "age", "sex")
# ---- outcomes -----------------------------------------------------------------------------------------

def outcomes_data(filters: Filters) -> pd.DataFrame:
    """Two rows a programme (job within 12 months, sustained 26 weeks): starts, the starts whose outcome counts
    (``eligible``: followed long enough, or with the outcome reported), outcomes, rate and Wilson 95%; with the
    programme's ``followup`` ('equal', 'as_of_return' or both) and whether any row is ``synthetic``."""
    raw = run("interventions_outcomes", **period_params(filters))
    if raw.empty or not (raw["participants"] > 0).any():
        return lacking(filters, pd.DataFrame(), "age_sex")
    frame = disclosure.control_columns(raw, COUNTS)
    returned = raw["followup"].str.contains(AS_OF_RETURN).to_numpy()
    rows = []
    for measure, eligible, outcomes, days in ((JOB, "followed_12m", "jobs_12m", FOLLOWUP_JOB),
                                              (SUSTAINED, "followed_26w", "sustained_26w", FOLLOWUP_SUSTAINED)):
        part = frame[["programme", "programme_name", "participants"]].copy()
        part.insert(2, "measure", measure)
        part["eligible"], part["outcomes"] = frame[eligible], frame[outcomes]
        secondary = raw["programme"].map(suppressed_parts(filters, outcomes, eligible)).eq(True)
        part["rate"], part["lower"], part["upper"] = disclosed_rate(raw[outcomes], raw[eligible],
                                                                    secondary.to_numpy(dtype=bool))
        waiting = np.where(returned, NOT_REPORTED, f"No cohort with {days} days' follow-up yet")
        part["note"] = np.select([raw["participants"] == 0, raw[eligible] == 0, part["rate"].isna()],
                                 [NO_PARTICIPANTS, waiting, disclosure.SMALL_NOTE], default="")
        part["followup"], part["synthetic"], part["sources"] = raw["followup"], raw["synthetic"], raw["files"]
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out.attrs["followup"] = {JOB: FOLLOWUP_JOB, SUSTAINED: FOLLOWUP_SUSTAINED}
    return mark(out, raw)


def _returns_note(frame: pd.DataFrame, filters: Filters) -> str:
    """What the summary says of pilot returns in the selection: their files, outcomes as of the return."""
    text = ""
    if frame["followup"].str.contains(AS_OF_RETURN).any():
        text = (f" Pilot returns ({frame.attrs.get('files') or 'loaded'}) count outcomes as of the return, of the "
                "starts whose outcome they report, so recent starters have had less time than 12 months.")
    if (filters.age or filters.sex) and "pilot_returns" in coverage(filters).index:
        text += " Pilot returns do not record age or sex, so they are left out of this selection."
    whole = coverage(filters.replace(condition=None))
    if filters.condition and "pilot_returns" in whole.index and whole.at["pilot_returns", "unsplit"] > 0:
        unsplit = disclosure.show_count(disclosure.control(whole.at["pilot_returns", "unsplit"]))
        text += f" {unsplit} starts in pilot returns not split by condition are left out."
    return text


def outcomes_summary(frame: pd.DataFrame, filters: Filters) -> str:
    jobs = frame[(frame["measure"] == JOB) & frame["rate"].notna()].sort_values("rate", ascending=False)
    if jobs.empty:
        return (f"{filters.geo_name}: no programme has a 12-month job rate to show in this selection."
                + _returns_note(frame, filters))
    best, worst = jobs.iloc[0], jobs.iloc[-1]
    waiting = frame[(frame["measure"] == JOB) & frame["note"].str.startswith("No cohort")]["programme_name"]
    text = (f"{filters.geo_name}: of people who started at least a year ago, {best['rate']:.0f}% "
            f"(95% CI {best['lower']:.0f}-{best['upper']:.0f}%) were in work within 12 months on "
            f"{best['programme_name']}, the highest, and {worst['rate']:.0f}% on {worst['programme_name']}, "
            "the lowest.")
    if frame.loc[frame["participants"] > 0, "followup"].eq(AS_OF_RETURN).all():
        text = (f"{filters.geo_name}: of the starts whose outcome is reported, {best['rate']:.0f}% (95% CI "
                f"{best['lower']:.0f}-{best['upper']:.0f}%) were in work on {best['programme_name']}, the highest, "
                f"and {worst['rate']:.0f}% on {worst['programme_name']}, the lowest.")
    if len(waiting):
        text += " Too recent for a 12-month rate: " + ", ".join(waiting) + "."
    return text + _returns_note(frame, filters)


register(Chart(
    id="interventions-outcomes",
    title="Job outcomes by programme",
    page=PAGE,
    description="For each programme: participants, the share in work within 12 months of starting and the share "
                "in work sustained for 26 weeks, with 95% confidence intervals (Wilson). From participant records, "
                "only people who started long enough ago count (365 days for the 12-month rate, 547 for the "
                "sustained rate), as DWP advises, so recent starters do not drag a rate down; from ICB pilot "
                "returns, outcomes are as of the return, of the starts whose outcome is reported.",
    source=PILOT_SOURCE,
    data=outcomes_data,
    figure=fig.outcomes_by_programme,
    summary=outcomes_summary,
    filters=FILTERS,
    restricted=True,
    synthetic_when=facts_synthetic,
))


# ---- funnel -------------------------------------------------------------------------------------------

def funnel_programme(filters: Filters) -> tuple[str | None, bool]:
    """The programme for the funnel and whether it was chosen (else the largest with 12-month follow-up)."""
    if filters.intervention:
        return filters.intervention, True
    counts = run("interventions_outcomes", **{**period_params(filters), "geo": ENGLAND})
    counts = counts[counts["followed_12m"] > 0]
    if counts.empty:
        return None, False
    return str(counts.sort_values(["participants", "programme"], ascending=[False, True]).iloc[0]["programme"]), \
        False


def funnel_data(filters: Filters) -> pd.DataFrame:
    """ICBs' 12-month job rates for one programme against the national rate, with funnel limits and outliers."""
    programme, chosen = funnel_programme(filters)
    if programme is None:
        return lacking(filters, pd.DataFrame(), "age_sex")
    frame = run("interventions_funnel", programme=programme, **period_params(filters)).copy()
    frame = frame[frame["followed_12m"] > 0]
    if frame.empty:
        return lacking(filters, pd.DataFrame(), "age_sex")
    national_jobs, national_followed = frame["jobs_12m"].sum(), frame["followed_12m"].sum()
    if disclosure.rate_hidden(national_jobs, national_followed):
        return pd.DataFrame()  # the national rate would disclose a small count: no funnel to draw
    raw_jobs, raw_followed = frame["jobs_12m"].to_numpy(float), frame["followed_12m"].to_numpy(float)
    # The national line from the unrounded counts; from the controlled ones when an ICB is suppressed, so
    # that it cannot be set against the ICBs shown to give a suppressed ICB back (secondary suppression).
    national = float(disclosure.total_rate(national_jobs, national_followed,
                                           disclosure.part_suppressed(raw_jobs, raw_followed).any(), scale=1.0))
    # Overdispersion and the classification from the same unrounded counts as the points.
    spread = funnel.overdispersion(raw_jobs, raw_followed, national)
    frame = disclosure.control_columns(frame, ("participants", "followed_12m", "jobs_12m"))
    frame["rate"] = disclosure.rate(raw_jobs, raw_followed)  # unrounded; blank where the rule hides it
    # Limits at the published (controlled) denominators: limits at the exact denominator would give it away.
    limits = funnel.funnel_limits(national, frame["followed_12m"].fillna(0), spread.tau2)
    for column in ("lower_95", "upper_95", "lower_998", "upper_998"):
        frame[column] = limits[column].to_numpy() * 100
    frame["national_rate"] = national * 100
    frame["comparison"] = np.where(frame["rate"].isna(), funnel.NOT_COMPARED,
                                   funnel.classify(raw_jobs, raw_followed, national, spread.tau2))
    frame["overdispersion_tau2"] = spread.tau2
    names = run("interventions_outcomes", **{**period_params(filters), "geo": ENGLAND}).set_index("programme")
    name = names.at[programme, "programme_name"]
    frame.insert(0, "programme_name", name)
    frame.insert(0, "programme", programme)
    frame = frame.drop(columns=["short_name"]).reset_index(drop=True)
    frame.attrs.update(programme=programme, programme_name=name, chosen=chosen, national_rate=national * 100,
                       tau2=spread.tau2, overdispersion=spread.describe(), synthetic=bool(names.at[programme, "synthetic"]),
                       followup=names.at[programme, "followup"])
    return frame


def funnel_summary(frame: pd.DataFrame, filters: Filters) -> str:
    name = frame["programme_name"].iloc[0]
    how = "" if filters.intervention else " (the largest programme; choose another under Programme)"
    area = frame[frame["in_area"]]
    high = area[area["comparison"].str.startswith("High")]["area_name"].tolist()
    low = area[area["comparison"].str.startswith("Low")]["area_name"].tolist()
    text = f"{name}{how}: England {frame['national_rate'].iloc[0]:.1f}% in work within 12 months. "
    if area.empty:
        return text + (f"No ICB in {filters.geo_name} has participants with 12 months' follow-up; "
                       "the chart shows the other ICBs.")
    text += f"Of {len(area)} ICB{'s' if len(area) != 1 else ''} in {filters.geo_name}, "
    text += f"{len(high)} above the 95% limits" + (f" ({', '.join(high)})" if high else "")
    text += f" and {len(low)} below" + (f" ({', '.join(low)})" if low else "") + "."
    text += " " + frame.attrs.get("overdispersion", "")
    if AS_OF_RETURN in frame.attrs.get("followup", ""):
        text += " Pilot returns' rates are as of the return, of the starts whose outcome they report."
    return text


register(Chart(
    id="interventions-funnel",
    title="Which ICBs are outliers? Job outcome rate by ICB",
    page=PAGE,
    description="Each ICB's 12-month job outcome rate for the chosen programme against the number of participants "
                "with 12 months' follow-up, with 95% and 99.8% funnel limits around the national rate: exact "
                "binomial limits, widened when ICBs vary more than chance allows (Spiegelhalter's method; the "
                "chart says which). ICBs outside the 99.8% limits are labelled. With no programme chosen, the "
                "largest programme is shown.",
    source=PILOT_SOURCE,
    data=funnel_data,
    figure=fig.funnel_plot,
    summary=funnel_summary,
    filters=(*FILTERS, "intervention"),
    restricted=True,
    synthetic_when=facts_synthetic,
))


# ---- time to work -------------------------------------------------------------------------------------

MIN_GROUP = disclosure.THRESHOLD  # groups (and means) for fewer people than the rule are not shown


def time_to_work_data(filters: Filters) -> pd.DataFrame:
    """Kaplan-Meier share in work by day since start (1 - survival), by programme or, for one programme,
    by main condition, with 95% intervals."""
    frame = run("interventions_time_to_work", intervention=filters.intervention, **period_params(filters))
    if frame.empty:
        return lacking(filters, pd.DataFrame(), "days") if not (filters.age or filters.sex) else \
            lacking(filters, pd.DataFrame(), "age_sex")
    # Each curve from disclosure-controlled counts (rounded running totals of jobs and censorings), stopped
    # where fewer than 8 remain at risk: no step reveals fewer than 5 people, no at-risk count is below 8.
    parts = []
    for group, rows in frame.groupby("grp", sort=False):
        curve = kaplan_meier_from_counts(disclosure.kaplan_meier_table(rows["day"], rows["event"], rows["people"]))
        if not curve.empty:
            parts.append(curve.assign(grp=group))
    if not parts:
        return pd.DataFrame()
    curves = pd.concat(parts, ignore_index=True)
    out = pd.DataFrame({
        "group": curves["grp"],
        "day": curves["time"].astype(int),
        "in_work": (1 - curves["survival"]) * 100,
        "lower": (1 - curves["upper"]) * 100,
        "upper": (1 - curves["lower"]) * 100,
        "at_risk": curves["at_risk"],
    })
    out.attrs["by"] = "condition" if filters.intervention else "programme"
    out.attrs["synthetic"] = bool(frame["synthetic"].any())
    return out


def time_to_work_summary(frame: pd.DataFrame, filters: Filters) -> str:
    last = frame.sort_values("day").groupby("group").tail(1).sort_values("in_work", ascending=False)
    parts = [f"{g} {v:.0f}%" for g, v in zip(last["group"], last["in_work"], strict=True)]
    text = ("Estimated share in work within a year of starting (Kaplan-Meier, people without a job counted "
            f"until 12 months or the data cut-off): {'; '.join(parts)}.")
    if "pilot_returns" in coverage(filters).index:
        text += " From participant records only: the pilot returns have no day-level outcomes."
    return text


register(Chart(
    id="interventions-time-to-work",
    title="How quickly do people get into work?",
    page=PAGE,
    description="Kaplan-Meier estimate of the share of participants who have started work, by days since starting, "
                "with 95% intervals; by programme, or by main condition when one programme is chosen. People "
                "without a job are counted until 12 months or the data cut-off, whichever comes first (censored).",
    source=PILOT_SOURCE,
    data=time_to_work_data,
    figure=fig.time_to_work,
    summary=time_to_work_summary,
    filters=(*FILTERS, "intervention"),
    restricted=True,
    synthetic_when=facts_synthetic,
))
