"""Interventions page, cost and estimated return: cost per participant, job and sustained outcome by programme
from the programme facts (participant records and pilot returns), and the estimated return per £1 on stated
assumptions (``dashboard.stats.economics``: HM Treasury Green Book, DWP social cost-benefit framework)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.charts._programmes import facts_synthetic, lacking, mark, period_params, programme_counts
from dashboard.charts.common import PILOT_SOURCE
from dashboard.figures import interventions as fig
from dashboard.filters import Filters
from dashboard.registry import Chart, register
from dashboard.stats import disclosure, economics
from queries import run

PAGE = "/interventions"
FILTERS = ("geo", "from", "to", "condition", "age", "sex")


# ---- cost and estimated return ------------------------------------------------------------------------

def cost_data(filters: Filters) -> pd.DataFrame:
    """Cost per participant, job and sustained outcome by programme, and the estimated return per £1 (low,
    central and high assumptions; society's and the Exchequer's view: ``dashboard.stats.economics``)."""
    frame = programme_counts(filters)
    frame = frame[frame["participants"].fillna(1) > 0].reset_index(drop=True)
    if frame.empty:
        return lacking(filters, pd.DataFrame(), "age_sex")

    raw = run("interventions_outcomes", **period_params(filters)).set_index("programme").loc[frame["programme"]]

    def per(cost, column):
        # A mean from the unrounded count, blank where that count is below the rule.
        count = raw[column].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(disclosure.mean_hidden(count), np.nan, cost.to_numpy(dtype=float) / count)

    out = pd.DataFrame({
        "programme": frame["programme"],
        "programme_name": frame["programme_name"],
        "participants": frame["participants"],
        "cost_per_participant": per(frame["cost_gbp"], "costed"),  # of the starts whose cost is known
        "cost_per_job": per(frame["cost_12m"], "jobs_costed"),
        "cost_per_sustained": per(frame["cost_26w"], "sustained_costed"),
    })
    assumptions = filters.roi_assumptions()
    out = pd.concat([out, economics.return_columns(out["cost_per_sustained"], assumptions)], axis=1)
    out = out.round({"cost_per_participant": 0, "cost_per_job": 0, "cost_per_sustained": 0})
    out.attrs["assumptions"] = economics.describe(assumptions)
    return mark(out, frame)


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
    synthetic_when=facts_synthetic,
))
