"""Interventions charts on the demo warehouse: calibration, follow-up rules, CSV columns, the funnel's
default programme, return on investment, and the figure builders."""
import numpy as np
import pandas as pd
import pytest

import queries
from dashboard import registry
from dashboard.charts import interventions as iv
from dashboard.filters import Filters
from dashboard.stats import funnel

NENC = "E54000050"


@pytest.fixture(autouse=True)
def _demo(demo_warehouse):
    queries.use(demo_warehouse)


def job_rates(filters=Filters()):
    frame = iv.outcomes_data(filters)
    return frame[frame["measure"] == iv.JOB].set_index("programme")


def test_interventions_1_calibration_whp_about_21_percent_and_ips_30_to_55():
    rates = job_rates()
    assert rates.at["whp", "rate"] == pytest.approx(21, abs=1.5)  # DWP: 797 of 3,817 (21%)
    assert 30 <= rates.at["ips", "rate"] <= 55  # IPS trials: 30-60% (EQOLISE 54.5%)


def test_interventions_2_csv_has_programme_rate_and_wilson_interval():
    frame = iv.outcomes_data(Filters())
    assert {"programme_name", "measure", "participants", "eligible", "rate", "lower", "upper"} <= set(frame.columns)
    rated = frame.dropna(subset=["rate"])
    assert (rated["lower"] <= rated["rate"]).all() and (rated["rate"] <= rated["upper"]).all()


def test_interventions_3_programme_without_eligible_cohort_says_so_not_zero():
    # Universal Support starts Oct 2025: nobody has 365 days' follow-up by the June 2026 cut-off.
    rates = job_rates()
    assert np.isnan(rates.at["universal_support", "rate"])
    assert rates.at["universal_support", "note"] == "No cohort with 365 days' follow-up yet"
    sustained = iv.outcomes_data(Filters()).query("measure == @iv.SUSTAINED").set_index("programme")
    assert sustained.at["accelerator", "note"] == "No cohort with 547 days' follow-up yet"  # started Apr 2025


def test_interventions_4_recent_starters_do_not_drag_the_rate_down():
    # Counting everyone who started (not only those with a year's follow-up) gives a lower WorkWell rate.
    raw = queries.run("interventions_outcomes", **iv._period_params(Filters())).set_index("programme")
    naive = raw.at["workwell", "jobs_12m"] / raw.at["workwell", "participants"] * 100
    assert job_rates().at["workwell", "rate"] > naive + 5


def test_interventions_5_sub_national_counts_are_rounded_to_5():
    frame = iv.outcomes_data(Filters(geo=NENC))
    counts = frame[["participants", "eligible", "outcomes"]].to_numpy(dtype=float)
    counts = counts[~np.isnan(counts)]
    assert (counts % 5 == 0).all()


def test_funnel_chart_1_defaults_to_the_largest_programme_and_says_so():
    rendered = registry.render("interventions-funnel", Filters())
    assert rendered.data.attrs["programme"] == "whp" and not rendered.data.attrs["chosen"]
    assert "the largest programme" in rendered.summary
    assert len(rendered.data) == 42


def test_funnel_chart_2_chosen_programme_limits_and_outliers():
    frame = iv.funnel_data(Filters(intervention="ips", geo="E12000007"))
    assert (frame["programme"] == "ips").all() and frame.attrs["chosen"]
    assert frame["in_area"].sum() == 5  # the five London ICBs
    row = frame.dropna(subset=["rate"]).iloc[0]
    limits = funnel.funnel_limits(row["national_rate"] / 100, [row["followed_12m"]]).iloc[0]
    assert row["upper_95"] == pytest.approx(limits["upper_95"] * 100)
    # Classes from the unrounded counts; an ICB whose rate the disclosure rule hides is not compared.
    raw = queries.run("interventions_funnel", programme="ips", **iv._period_params(Filters(geo="E12000007")))
    raw = raw.set_index("area_code").loc[frame["area_code"]]
    expected = funnel.classify(raw["jobs_12m"], raw["followed_12m"], frame["national_rate"].iloc[0] / 100)
    expected = np.where(frame["rate"].isna(), funnel.NOT_COMPARED, expected)
    assert frame["comparison"].tolist() == expected.tolist()


def test_time_to_work_chart_1_curves_rise_and_end_near_the_12_month_rate():
    frame = iv.time_to_work_data(Filters())
    whp = frame[frame["group"] == "Work and Health Programme"].sort_values("day")
    assert (np.diff(whp["in_work"]) >= 0).all()
    assert whp["in_work"].iloc[-1] == pytest.approx(job_rates().at["whp", "rate"], abs=1.0)
    assert (frame["lower"] <= frame["in_work"] + 1e-9).all() and (frame["in_work"] <= frame["upper"] + 1e-9).all()


def test_time_to_work_chart_2_one_programme_by_condition():
    frame = iv.time_to_work_data(Filters(intervention="ips"))
    assert frame.attrs["by"] == "condition" and "Mental health" in set(frame["group"])


def test_cost_chart_1_costs_per_outcome_and_return_on_investment():
    frame = iv.cost_data(Filters()).set_index("programme")
    whp = frame.loc["whp"]
    assert whp["cost_per_participant"] == pytest.approx(2000, rel=0.05)  # demo cost £2,000 a participant
    assert whp["cost_per_job"] > whp["cost_per_participant"]
    benefit = (iv.HOURLY_WAGE * 16 * 52 + 5000) * 1 * 1.0
    assert whp["roi"] == pytest.approx(benefit / whp["cost_per_sustained"], rel=0.01)
    assert np.isnan(frame.at["universal_support", "cost_per_job"])


def test_cost_chart_2_every_assumption_has_a_source_or_says_assumption():
    table = iv.assumptions_table()
    assert len(table) == len(iv.ASSUMPTIONS) == 4
    for source in table["Source"]:
        assert source.startswith("Assumption") or "GOV.UK" in source or "DWP" in source


def test_digital_msk_chart_1_engagement_near_the_published_83_percent():
    frame = iv.digital_msk_data(Filters()).set_index(["measure", "group"])
    assert frame.loc[("Used the app", "All participants"), "value"] == pytest.approx(83, abs=2)
    assert ("MSK-HQ change (points; higher is better)", "Used the app") in frame.index


@pytest.mark.parametrize("chart_id", [c.id for c in registry.charts("/interventions")])
def test_figures_1_every_chart_builds_with_a_source_note(chart_id):
    for filters in (Filters(), Filters(geo=NENC, intervention="ips"), Filters(geo=NENC, period_from="2026Q2")):
        rendered = registry.render(chart_id, filters)
        notes = [a.text for a in rendered.figure.layout.annotations if a.name == "source-note"]
        assert len(notes) == 1 and "Source:" in notes[0]
        assert rendered.summary


def test_figures_2_outcomes_note_drawn_for_programme_without_cohort():
    rendered = registry.render("interventions-outcomes", Filters())
    texts = [a.text for a in rendered.figure.layout.annotations]
    assert "No cohort with 365 days' follow-up yet" in texts


def test_figures_3_funnel_labels_outliers_only():
    frame = pd.DataFrame({
        "programme": "x", "programme_name": "X", "area_code": ["a", "b"], "area_name": ["Alpha", "Beta"],
        "in_area": True, "participants": [100, 100], "followed_12m": [100, 100], "jobs_12m": [20, 40],
        "rate": [20.0, 40.0], "national_rate": 20.0, "comparison": [funnel.SIMILAR, funnel.HIGH_998]})
    fig = iv.fig.funnel_plot(frame, Filters())
    labelled = [t for tr in fig.data if tr.text is not None for t in np.atleast_1d(tr.text)]
    assert labelled == ["Beta"]


def test_catalogue_1_lists_the_interventions_charts(client):
    ids = {c["id"] for c in client.get("/api/charts").get_json()}
    assert {"interventions-outcomes", "interventions-funnel", "interventions-time-to-work", "interventions-cost",
            "interventions-digital-msk"} <= ids
    response = client.get("/export/interventions-outcomes.csv?geo=E54000050")
    assert response.status_code == 200
    assert response.data.decode().splitlines()[0].startswith("programme,programme_name,measure")


def test_funnel_chart_3_area_without_the_programme_says_so():
    # Digital MSK apps run in six ICBs, not in North East and North Cumbria.
    rendered = registry.render("interventions-funnel", Filters(geo=NENC, intervention="digital_msk"))
    assert not rendered.data["in_area"].any()
    assert "No ICB in North East and North Cumbria" in rendered.summary
