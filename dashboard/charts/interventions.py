"""Interventions page charts: which back-to-work programmes get people into work, where, how fast and at
what cost. Outcome rates count only cohorts with enough follow-up, as DWP advises: 365 days for a job
within 12 months, 547 days (12 months + 26 weeks) for a sustained job."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from dashboard.charts.common import PILOT_SOURCE
from dashboard.figures import interventions as fig
from dashboard.filters import ENGLAND, Filters
from dashboard.registry import Chart, register
from dashboard.stats import disclosure, economics, funnel
from dashboard.stats.disclosure import control
from dashboard.stats.intervals import wilson
from dashboard.stats.survival import kaplan_meier_from_counts
from queries import run

PAGE = "/interventions"
FOLLOWUP_JOB, FOLLOWUP_SUSTAINED = 365, 547
JOB, SUSTAINED = "In work within 12 months", "Sustained work (26 weeks)"
NO_PARTICIPANTS = "No participants in this selection"
FILTERS = ("geo", "from", "to", "condition", "age", "sex")


def _period_params(filters: Filters) -> dict[str, object]:
    return {
        "geo": filters.geo, "age": filters.age, "sex": filters.sex, "condition": filters.condition,
        "start_from": pd.Period(filters.period_from, "Q").start_time.date(),
        "start_to": pd.Period(filters.period_to, "Q").end_time.date(),
    }


COUNTS = ["participants", "followed_12m", "jobs_12m", "followed_26w", "sustained_26w"]


def programme_counts(filters: Filters) -> pd.DataFrame:
    """Per programme counts and costs for the selection, disclosure-controlled at every level (England too:
    a national total beside controlled ICB figures would give a suppressed cell by subtraction)."""
    return disclosure.control_columns(run("interventions_outcomes", **_period_params(filters)), COUNTS)


def suppressed_parts(filters: Filters, outcomes: str, eligible: str) -> pd.Series:
    """Per programme: whether any ICB part of the selection's total has a suppressed count (secondary
    suppression, ``disclosure.total_rate``). False when the area is one ICB: it is a part, not a total."""
    if filters.geo.startswith("E54"):
        return pd.Series(dtype=bool)
    parts = run("interventions_parts", **_period_params(filters))
    flags = disclosure.part_suppressed(parts[outcomes], parts[eligible])
    return pd.Series(flags, index=parts.index).groupby(parts["programme"]).any()


def _rate_columns(part: pd.DataFrame, outcomes, eligible, parts_suppressed=False) -> pd.DataFrame:
    """``rate``, ``lower``, ``upper`` (percent) from the unrounded counts, blank where the rule hides them;
    for a total with a suppressed part, from its controlled counts (``disclosure.total_rate``)."""
    parts_suppressed = np.broadcast_to(np.asarray(parts_suppressed, dtype=bool), len(part))
    rate = disclosure.total_rate(outcomes, eligible, parts_suppressed)
    lower, upper = wilson(np.where(parts_suppressed, control(outcomes), outcomes),
                          np.where(parts_suppressed, control(eligible), eligible))
    part["rate"] = rate
    part["lower"] = np.where(np.isnan(rate), np.nan, lower * 100)
    part["upper"] = np.where(np.isnan(rate), np.nan, upper * 100)
    return part


# ---- outcomes -----------------------------------------------------------------------------------------

def outcomes_data(filters: Filters) -> pd.DataFrame:
    """Two rows a programme (job within 12 months, sustained 26 weeks): cohort, outcomes, rate and Wilson 95%."""
    raw = run("interventions_outcomes", **_period_params(filters))
    if raw.empty or not (raw["participants"] > 0).any():
        return pd.DataFrame()
    frame = disclosure.control_columns(raw, COUNTS)
    rows = []
    for measure, eligible, outcomes, days in ((JOB, "followed_12m", "jobs_12m", FOLLOWUP_JOB),
                                              (SUSTAINED, "followed_26w", "sustained_26w", FOLLOWUP_SUSTAINED)):
        part = frame[["programme", "programme_name", "participants"]].copy()
        part.insert(2, "measure", measure)
        part["eligible"] = frame[eligible]
        part["outcomes"] = frame[outcomes]
        secondary = raw["programme"].map(suppressed_parts(filters, outcomes, eligible)).eq(True)
        part = _rate_columns(part, raw[outcomes], raw[eligible], secondary.to_numpy(dtype=bool))
        part["note"] = np.select(
            [raw["participants"] == 0, raw[eligible] == 0, part["rate"].isna()],
            [NO_PARTICIPANTS, f"No cohort with {days} days' follow-up yet", disclosure.SMALL_NOTE], default="")
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out.attrs["followup"] = {JOB: FOLLOWUP_JOB, SUSTAINED: FOLLOWUP_SUSTAINED}
    return out


def outcomes_summary(frame: pd.DataFrame, filters: Filters) -> str:
    jobs = frame[(frame["measure"] == JOB) & frame["rate"].notna()].sort_values("rate", ascending=False)
    if jobs.empty:
        return f"{filters.geo_name}: no programme has a cohort with 12 months' follow-up in this selection."
    best, worst = jobs.iloc[0], jobs.iloc[-1]
    waiting = frame[(frame["measure"] == JOB) & frame["note"].str.startswith("No cohort")]["programme_name"]
    text = (f"{filters.geo_name}: of people who started at least a year ago, {best['rate']:.0f}% "
            f"(95% CI {best['lower']:.0f}-{best['upper']:.0f}%) were in work within 12 months on "
            f"{best['programme_name']}, the highest, and {worst['rate']:.0f}% on {worst['programme_name']}, "
            "the lowest.")
    if len(waiting):
        text += " Too recent for a 12-month rate: " + ", ".join(waiting) + "."
    return text


register(Chart(
    id="interventions-outcomes",
    title="Job outcomes by programme",
    page=PAGE,
    description="For each programme: participants, the share in work within 12 months of starting and the share "
                "in work sustained for 26 weeks, with 95% confidence intervals (Wilson). Only people who started "
                "long enough ago count (365 days for the 12-month rate, 547 for the sustained rate), as DWP "
                "advises, so recent starters do not drag a rate down.",
    source=PILOT_SOURCE,
    data=outcomes_data,
    figure=fig.outcomes_by_programme,
    summary=outcomes_summary,
    filters=FILTERS,
    restricted=True,
))


# ---- pilot returns (the project's template, loaded with data.build --source) ----------------------------------

RETURNS_JOB, RETURNS_SUSTAINED = "In work (reported so far)", "Sustained 26 weeks (reported so far)"
RETURNS_SOURCE = "Pilot returns sent by ICBs in the project's template, loaded into the warehouse"


def returns_data(filters: Filters) -> pd.DataFrame:
    """What pilot sites reported, a row a programme and measure (the shape of ``outcomes_data``): starts, the
    starts whose outcome is known, outcomes, rate with Wilson 95% interval, and cost. Age and sex are not in
    the returns, so those filters do not apply. Empty when no returns are loaded."""
    frame = run("published_pilot_returns", geo=filters.geo, intervention=filters.intervention,
                condition=filters.condition, period_from=filters.period_from, period_to=filters.period_to)
    if frame.empty:
        return pd.DataFrame()
    # Secondary suppression, as for the outcomes above: a total over ICBs with a suppressed ICB part.
    parts = run("published_pilot_returns_parts", geo=filters.geo, intervention=filters.intervention,
                condition=filters.condition, period_from=filters.period_from, period_to=filters.period_to)
    flags = {outcomes: pd.Series(disclosure.part_suppressed(parts[outcomes], parts[known]), index=parts.index)
             .groupby(parts["programme"]).any() & ~filters.geo.startswith("E54")
             for known, outcomes in (("starts_with_jobs_known", "job_outcomes"),
                                     ("starts_with_sustained_known", "sustained_outcomes"))}
    rows = []
    for measure, known, outcomes in ((RETURNS_JOB, "starts_with_jobs_known", "job_outcomes"),
                                     (RETURNS_SUSTAINED, "starts_with_sustained_known", "sustained_outcomes")):
        part = frame[["programme", "programme_name", "icbs", "first_period", "last_period", "cost_gbp",
                      "files"]].copy()
        part.insert(2, "measure", measure)
        part["participants"] = control(frame["starts"])
        part["eligible"] = control(frame[known].fillna(0))
        part["outcomes"] = control(frame[outcomes].fillna(0))
        part = _rate_columns(part, frame[outcomes].fillna(0), frame[known].fillna(0),
                             frame["programme"].map(flags[outcomes]).eq(True).to_numpy(dtype=bool))
        part["note"] = np.select([frame[known].fillna(0) == 0, part["rate"].isna()],
                                 ["Outcomes not yet reported", disclosure.SMALL_NOTE], default="")
        rows.append(part)
    return pd.concat(rows, ignore_index=True)


def returns_figure(frame: pd.DataFrame, filters: Filters):
    return fig.outcomes_by_programme(frame, filters, axis_title="Share of reported starts, %")


def returns_summary(frame: pd.DataFrame, filters: Filters) -> str:
    jobs = frame[frame["measure"] == RETURNS_JOB]
    parts = [f"{r.programme_name}: {r.rate:.0f}% of {r.eligible:,.0f} starts in work so far (95% CI "
             f"{r.lower:.0f}-{r.upper:.0f}%)" if not np.isnan(r.rate) else f"{r.programme_name}: {r.note.lower()}"
             for r in jobs.itertuples()]
    text = (f"Reported by pilot sites ({jobs['files'].iloc[0]}) for {filters.geo_name}, "
            f"{jobs['first_period'].min()} to {jobs['last_period'].max()}: " + "; ".join(parts) + ".")
    if filters.age or filters.sex:
        text += " Pilot returns do not record age or sex, so those filters do not apply here."
    return text


register(Chart(
    id="interventions-returns",
    title="Reported by pilot sites: starts and job outcomes",
    page=PAGE,
    description="What ICB pilot sites reported in their returns (the template on the About page): for each "
                "programme, starts and the share of them in work so far and sustained for 26 weeks, with 95% "
                "confidence intervals (Wilson). Real figures, shown only when returns have been loaded. Returns "
                "count outcomes as of the return, so recent starters have had less time than the 12-month rates "
                "above allow; age and sex filters do not apply.",
    source=RETURNS_SOURCE,
    data=returns_data,
    figure=returns_figure,
    summary=returns_summary,
    filters=("geo", "from", "to", "condition", "intervention"),
    synthetic=False,
    empty_message="No pilot returns are loaded for this selection. ICBs send them in the template on the About "
                  "page; load them with python -m data.build --source DIR.",
    restricted=True,
))


# ---- funnel -------------------------------------------------------------------------------------------

def funnel_programme(filters: Filters) -> tuple[str | None, bool]:
    """The programme for the funnel and whether it was chosen (else the largest with 12-month follow-up)."""
    if filters.intervention:
        return filters.intervention, True
    counts = run("interventions_outcomes", **{**_period_params(filters), "geo": ENGLAND})
    counts = counts[counts["followed_12m"] > 0]
    if counts.empty:
        return None, False
    return str(counts.sort_values(["participants", "programme"], ascending=[False, True]).iloc[0]["programme"]), \
        False


def funnel_data(filters: Filters) -> pd.DataFrame:
    """ICBs' 12-month job rates for one programme against the national rate, with funnel limits and outliers."""
    programme, chosen = funnel_programme(filters)
    if programme is None:
        return pd.DataFrame()
    frame = run("interventions_funnel", programme=programme, **_period_params(filters)).copy()
    frame = frame[frame["followed_12m"] > 0]
    if frame.empty:
        return pd.DataFrame()
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
    names = run("interventions_outcomes", **{**_period_params(filters), "geo": ENGLAND})
    name = names.set_index("programme").at[programme, "programme_name"]
    frame.insert(0, "programme_name", name)
    frame.insert(0, "programme", programme)
    frame = frame.drop(columns=["short_name"]).reset_index(drop=True)
    frame.attrs.update(programme=programme, programme_name=name, chosen=chosen, national_rate=national * 100,
                       tau2=spread.tau2, overdispersion=spread.describe())
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
    return text + " " + frame.attrs.get("overdispersion", "")


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
))


# ---- time to work -------------------------------------------------------------------------------------

MIN_GROUP = disclosure.THRESHOLD  # groups (and means) for fewer people than the rule are not shown


def time_to_work_data(filters: Filters) -> pd.DataFrame:
    """Kaplan-Meier share in work by day since start (1 - survival), by programme or, for one programme,
    by main condition, with 95% intervals."""
    frame = run("interventions_time_to_work", intervention=filters.intervention, **_period_params(filters))
    if frame.empty:
        return pd.DataFrame()
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
    return out


def time_to_work_summary(frame: pd.DataFrame, filters: Filters) -> str:
    last = frame.sort_values("day").groupby("group").tail(1).sort_values("in_work", ascending=False)
    parts = [f"{g} {v:.0f}%" for g, v in zip(last["group"], last["in_work"], strict=True)]
    return ("Estimated share in work within a year of starting (Kaplan-Meier, people without a job counted "
            f"until 12 months or the data cut-off): {'; '.join(parts)}.")


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
))


# ---- cost and estimated return ------------------------------------------------------------------------

def cost_data(filters: Filters) -> pd.DataFrame:
    """Cost per participant, job and sustained outcome by programme, and the estimated return per £1 (low,
    central and high assumptions; society's and the Exchequer's view: ``dashboard.stats.economics``)."""
    frame = programme_counts(filters)
    frame = frame[frame["participants"].fillna(1) > 0].reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame()

    raw = run("interventions_outcomes", **_period_params(filters)).set_index("programme").loc[frame["programme"]]

    def per(cost, column):
        # A mean from the unrounded count, blank where that count is below the rule.
        count = raw[column].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(disclosure.mean_hidden(count), np.nan, cost.to_numpy(dtype=float) / count)

    out = pd.DataFrame({
        "programme": frame["programme"],
        "programme_name": frame["programme_name"],
        "participants": frame["participants"],
        "cost_per_participant": per(frame["cost_gbp"], "participants"),
        "cost_per_job": per(frame["cost_12m"], "jobs_12m"),
        "cost_per_sustained": per(frame["cost_26w"], "sustained_26w"),
    })
    assumptions = filters.roi_assumptions()
    returns = economics.returns(out["cost_per_sustained"], assumptions).add_prefix("return_")
    out = pd.concat([out, returns], axis=1)
    for column, value in economics.columns(assumptions).items():
        out[f"assumed_{column}"] = value
    out = out.round({"cost_per_participant": 0, "cost_per_job": 0, "cost_per_sustained": 0,
                     **{c: 4 for c in returns.columns}})
    out.attrs["assumptions"] = economics.describe(assumptions)
    return out


def cost_summary(frame: pd.DataFrame, filters: Filters) -> str:
    rated = frame.dropna(subset=["cost_per_job"]).sort_values("cost_per_job")
    if rated.empty:
        return f"{filters.geo_name}: no programme has a cohort with 12 months' follow-up to cost outcomes."
    best = rated.iloc[0]
    text = (f"{filters.geo_name}: the lowest cost per job outcome is {best['programme_name']} at "
            f"£{best['cost_per_job']:,.0f}.")
    roi = frame.dropna(subset=["return_society_central"])
    if not roi.empty:
        top = roi.sort_values("return_society_central", ascending=False).iloc[0]
        text += (f" On central assumptions, {top['programme_name']} returns an estimated "
                 f"£{top['return_society_central']:.2f} to society for each £1 spent (£"
                 f"{top['return_society_low']:.2f} to £{top['return_society_high']:.2f} on low and high "
                 f"assumptions) and £{top['return_exchequer_central']:.2f} to the Exchequer (£"
                 f"{top['return_exchequer_low']:.2f} to £{top['return_exchequer_high']:.2f}). "
                 "These are estimates resting on assumptions, not measured returns: " + frame.attrs["assumptions"])
    return text


register(Chart(
    id="interventions-cost",
    title="Cost per outcome and estimated return on investment",
    page=PAGE,
    description="Cost per participant, per job outcome within 12 months and per sustained (26-week) outcome, by "
                "programme (outcomes from cohorts with enough follow-up), and the estimated return per £1 spent "
                "with its range: to society (earnings of people in work who would not otherwise have been) and "
                "to the Exchequer (benefits saved and tax received), net of deadweight, over the weeks a job is "
                "assumed to last, discounted at 3.5% a year (HM Treasury Green Book). Change the assumptions "
                "below the chart.",
    source=f"{PILOT_SOURCE}; estimated return on the stated assumptions (Green Book; DWP social cost-benefit "
           "framework)",
    data=cost_data,
    figure=fig.cost_and_return,
    summary=cost_summary,
    filters=(*FILTERS, *(s.param for s in economics.SETTINGS)),
    restricted=True,
))


# ---- digital MSK ---------------------------------------------------------------------------------------

def _mean_interval(mean, sd, n, confidence: float = 0.95):
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = stats.t.ppf(1 - (1 - confidence) / 2, np.maximum(n - 1, 1)) * np.asarray(sd, float) / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean - half, mean + half


def digital_msk_data(filters: Filters) -> pd.DataFrame:
    """Engagement and outcomes for digital MSK apps: share who used the app (Wilson 95%), mean adherence among
    users, MSK-HQ change by app use and 12-month job rate by app use (means with t 95% intervals).

    Shares and means come from the unrounded counts; ``n`` is the controlled count behind each row. A share
    whose count (or complement) is 1-7, or a mean over fewer than 8 people, is left out."""
    frame = run("interventions_digital_msk", **_period_params(filters))
    if frame.empty:
        return pd.DataFrame()
    rows = frame.set_index("app_used")
    total = float(frame["participants"].sum())
    used = float(rows["participants"].get(True, 0))
    value = float(disclosure.rate(used, total))
    lo, hi = wilson(used, total)
    out = [{"measure": "Used the app", "group": "All participants", "value": value,
            "lower": np.nan if np.isnan(value) else lo * 100, "upper": np.nan if np.isnan(value) else hi * 100,
            "n": control(total), "unit": "%"}]
    if True in rows.index and not disclosure.mean_hidden(rows.at[True, "adherence_n"]):
        r = rows.loc[True]
        lo, hi = _mean_interval(r["adherence_mean"], r["adherence_sd"], r["adherence_n"])
        out.append({"measure": "Adherence (share of prescribed sessions done)", "group": "Used the app",
                    "value": r["adherence_mean"] * 100, "lower": lo * 100, "upper": hi * 100,
                    "n": control(r["adherence_n"]), "unit": "%"})
    for flag, label in ((True, "Used the app"), (False, "Did not use the app")):
        if flag in rows.index and not disclosure.mean_hidden(rows.at[flag, "mskhq_n"]):
            r = rows.loc[flag]
            lo, hi = _mean_interval(r["mskhq_mean"], r["mskhq_sd"], r["mskhq_n"])
            out.append({"measure": "MSK-HQ change (points; higher is better)", "group": label,
                        "value": r["mskhq_mean"], "lower": lo, "upper": hi,
                        "n": control(r["mskhq_n"]), "unit": "points"})
    # Users and non-users are the two parts of the programme's total (published with the outcomes): when one
    # part's job rate is hidden, the other's is too, or it and the total would give the hidden one back.
    jobs_parts = [(rows.at[f, "jobs_12m"], rows.at[f, "followed_12m"]) for f in (True, False) if f in rows.index]
    both_or_none = any(bool(disclosure.rate_hidden(j, n)) and n > 0 for j, n in jobs_parts)
    for flag, label in ((True, "Used the app"), (False, "Did not use the app")):
        if flag in rows.index and not both_or_none:
            r = rows.loc[flag]
            rate = float(disclosure.rate(r["jobs_12m"], r["followed_12m"]))
            if not np.isnan(rate):
                lo, hi = wilson(r["jobs_12m"], r["followed_12m"])
                out.append({"measure": "In work within 12 months", "group": label, "value": rate,
                            "lower": lo * 100, "upper": hi * 100, "n": control(r["followed_12m"]), "unit": "%"})
    result = pd.DataFrame(out)
    for column in ("value", "lower", "upper", "n"):
        result[column] = result[column].astype(float)
    for column in ("value", "lower", "upper"):
        result[column] = result[column].round(2)
    return result


def digital_msk_summary(frame: pd.DataFrame, filters: Filters) -> str:
    rows = frame.set_index(["measure", "group"])
    used = rows.loc[("Used the app", "All participants")]
    if np.isnan(used["value"]):
        text = (f"{filters.geo_name}: {disclosure.show_count(used['n'])} participants; too few used (or did not "
                "use) the app to show the share without disclosing it")
    else:
        text = (f"{filters.geo_name}: {used['value']:.0f}% of {disclosure.show_count(used['n'])} participants used "
                "the app (83% in the Physitrack NHS survey)")
    key = ("Adherence (share of prescribed sessions done)", "Used the app")
    if key in rows.index:
        text += f"; users did {rows.loc[key, 'value']:.0f}% of prescribed sessions on average"
    key = ("MSK-HQ change (points; higher is better)", "Used the app")
    if key in rows.index:
        text += f" and gained {rows.loc[key, 'value']:.1f} MSK-HQ points where recorded"
    return text + "."


register(Chart(
    id="interventions-digital-msk",
    title="Digital MSK exercise apps: engagement and outcomes",
    page=PAGE,
    description="For digital MSK exercise apps: the share of participants who used the app, adherence among users, "
                "change in MSK-HQ score where recorded, and the 12-month job rate, for users and non-users, with "
                "95% confidence intervals. Users and non-users differ in more than app use, so the gap is not "
                "the app's effect.",
    source=f"{PILOT_SOURCE}; MSK-HQ as recommended in NICE HTE16",
    data=digital_msk_data,
    figure=fig.digital_msk,
    summary=digital_msk_summary,
    filters=FILTERS,
    restricted=True,
))
