"""Interventions page, digital MSK exercise apps: engagement and outcomes from participant records (the pilot
returns do not record app use, adherence or MSK-HQ scores)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.charts._programmes import facts_synthetic, lacking, period_params
from dashboard.charts.common import PILOT_SOURCE
from dashboard.figures import interventions as fig
from dashboard.filters import Filters
from dashboard.registry import Chart, register
from dashboard.stats import disclosure
from dashboard.stats.disclosure import control
from dashboard.stats.intervals import disclosed_rate, mean_interval
from queries import run

PAGE = "/interventions"
FILTERS = ("geo", "from", "to", "condition", "age", "sex")


# ---- digital MSK ---------------------------------------------------------------------------------------

def digital_msk_data(filters: Filters) -> pd.DataFrame:
    """Engagement and outcomes for digital MSK apps: share who used the app (Wilson 95%), mean adherence among
    users, MSK-HQ change by app use and 12-month job rate by app use (means with t 95% intervals).

    Shares and means come from the unrounded counts; ``n`` is the controlled count behind each row. A share
    whose count (or complement) is 1-7, or a mean over fewer than 8 people, is left out."""
    frame = run("interventions_digital_msk", **period_params(filters))
    if frame.empty:
        return lacking(filters, pd.DataFrame(), "age_sex" if filters.age or filters.sex else "app")
    rows = frame.set_index("app_used")
    total = float(frame["participants"].sum())
    used = float(rows["participants"].get(True, 0))
    value, lo, hi = (float(x) for x in disclosed_rate(used, total))
    out = [{"measure": "Used the app", "group": "All participants", "value": value, "lower": lo, "upper": hi,
            "n": control(total), "unit": "%"}]
    if True in rows.index and not disclosure.mean_hidden(rows.at[True, "adherence_n"]):
        r = rows.loc[True]
        lo, hi = mean_interval(r["adherence_mean"], r["adherence_sd"], r["adherence_n"])
        out.append({"measure": "Adherence (share of prescribed sessions done)", "group": "Used the app",
                    "value": r["adherence_mean"] * 100, "lower": lo * 100, "upper": hi * 100,
                    "n": control(r["adherence_n"]), "unit": "%"})
    for flag, label in ((True, "Used the app"), (False, "Did not use the app")):
        if flag in rows.index and not disclosure.mean_hidden(rows.at[flag, "mskhq_n"]):
            r = rows.loc[flag]
            lo, hi = mean_interval(r["mskhq_mean"], r["mskhq_sd"], r["mskhq_n"])
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
            rate, lo, hi = (float(x) for x in disclosed_rate(r["jobs_12m"], r["followed_12m"]))
            if not np.isnan(rate):
                out.append({"measure": "In work within 12 months", "group": label, "value": rate,
                            "lower": lo, "upper": hi, "n": control(r["followed_12m"]), "unit": "%"})
    result = pd.DataFrame(out)
    result.attrs["benchmark"] = float(pd.to_numeric(frame["app_use_benchmark"], errors="coerce").iloc[0])  # published, from the programmes table
    result.attrs["synthetic"] = bool(frame["synthetic"].any())
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
                "the app")
        if not np.isnan(frame.attrs.get("benchmark", np.nan)):
            text += f" ({frame.attrs['benchmark']:.0%} in the Physitrack NHS survey)"
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
    synthetic_when=facts_synthetic,
))
