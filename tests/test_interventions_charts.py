"""Interventions charts on the demo warehouse: calibration, follow-up rules, CSV columns, the funnel's
default programme, return on investment, and the figure builders."""
import numpy as np
import pandas as pd
import pytest

import queries
from dashboard import registry
from dashboard.charts import interventions as iv
from dashboard.charts import interventions_cost as cost
from dashboard.charts import interventions_msk as msk
from dashboard.filters import Filters
from dashboard.stats import funnel

NENC = "E54000050"


@pytest.fixture(autouse=True)
def _demo(demo_warehouse):
    queries.use(demo_warehouse)


def job_rates(filters=None):
    frame = iv.outcomes_data(filters or Filters())
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
    raw = queries.run("interventions_outcomes", **iv.period_params(Filters())).set_index("programme")
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


def test_funnel_chart_2_chosen_programme_points_and_national_line_from_the_same_unrounded_counts():
    filters = Filters(intervention="ips", geo="E12000007")
    frame = iv.funnel_data(filters)
    assert (frame["programme"] == "ips").all() and frame.attrs["chosen"]
    assert frame["in_area"].sum() == 5  # the five London ICBs
    raw = queries.run("interventions_funnel", programme="ips", **iv.period_params(filters))
    raw = raw[raw["followed_12m"] > 0].set_index("area_code")
    national = raw["jobs_12m"].sum() / raw["followed_12m"].sum()
    assert frame["national_rate"].iloc[0] == pytest.approx(national * 100)
    spread = funnel.overdispersion(raw["jobs_12m"], raw["followed_12m"], national)
    expected = funnel.classify(raw["jobs_12m"], raw["followed_12m"], national, spread.tau2)
    shown = frame.set_index("area_code")
    for code, comparison in zip(raw.index, expected, strict=True):
        if np.isnan(shown.at[code, "rate"]):  # a suppressed count: no rate, not compared
            assert shown.at[code, "comparison"] == funnel.NOT_COMPARED
            continue
        assert shown.at[code, "rate"] == pytest.approx(raw.at[code, "jobs_12m"] / raw.at[code, "followed_12m"] * 100)
        assert shown.at[code, "comparison"] == comparison
    # Published counts are controlled; limits are drawn at the published denominator.
    assert (shown["followed_12m"].dropna() % 5 == 0).all()
    row = frame.dropna(subset=["rate"]).iloc[0]
    limits = funnel.funnel_limits(national, [row["followed_12m"]], spread.tau2).iloc[0]
    assert row["upper_95"] == pytest.approx(limits["upper_95"] * 100)
    assert "overdispersion" in registry.render("interventions-funnel", filters).summary.lower()


def test_time_to_work_chart_1_curves_rise_and_end_near_the_12_month_rate():
    frame = iv.time_to_work_data(Filters())
    whp = frame[frame["group"] == "Work and Health Programme"].sort_values("day")
    assert (np.diff(whp["in_work"]) >= 0).all()
    assert whp["in_work"].iloc[-1] == pytest.approx(job_rates().at["whp", "rate"], abs=1.0)
    assert (frame["lower"] <= frame["in_work"] + 1e-9).all() and (frame["in_work"] <= frame["upper"] + 1e-9).all()


def test_time_to_work_chart_2_one_programme_by_condition():
    frame = iv.time_to_work_data(Filters(intervention="ips"))
    assert frame.attrs["by"] == "condition" and "Mental health" in set(frame["group"])


def test_cost_chart_1_costs_per_outcome_and_estimated_return_range():
    frame = cost.cost_data(Filters()).set_index("programme")
    whp = frame.loc["whp"]
    assert whp["cost_per_participant"] == pytest.approx(2000, rel=0.05)  # demo cost £2,000 a participant
    assert whp["cost_per_job"] > whp["cost_per_participant"]
    # Society, central case: half the sustained jobs additional, 52 weeks at £195.36, over the cost per outcome.
    assert whp["return_society_central"] == pytest.approx(0.5 * 52 * 195.36 / whp["cost_per_sustained"], abs=1e-4)
    assert whp["return_society_low"] < whp["return_society_central"] < whp["return_society_high"]
    assert whp["assumed_deadweight_pct"] == 50 and whp["assumed_discount_pct"] == 3.5
    assert np.isnan(frame.at["universal_support", "cost_per_job"])


def test_cost_chart_2_assumptions_from_the_link_change_the_numbers_and_are_recorded():
    default = cost.cost_data(Filters()).set_index("programme")
    changed = cost.cost_data(Filters.from_query("deadweight=80&persistence=26")).set_index("programme")
    # 20% additional over 26 weeks instead of 50% over 52: a fifth of the central return.
    assert changed.at["whp", "return_society_central"] == pytest.approx(
        0.2 * 26 * 195.36 / default.at["whp", "cost_per_sustained"], abs=1e-4)
    assert changed.at["whp", "assumed_deadweight_pct"] == 80
    rendered = registry.render("interventions-cost", Filters.from_query("deadweight=80&persistence=26"))
    assert "estimated" in rendered.summary and "deadweight 80%" in rendered.summary
    assert "low and high assumptions" in rendered.summary


def test_cost_chart_3_every_export_records_the_assumptions(client):
    query = "?deadweight=35&discount=1.5"
    csv = client.get("/export/interventions-cost.csv" + query).get_data(as_text=True)
    header, first = csv.splitlines()[:2]
    assert "assumed_deadweight_pct" in header.split(",") and "return_society_low" in header.split(",")
    row = dict(zip(header.split(","), first.split(","), strict=False))
    assert float(row["assumed_deadweight_pct"]) == 35 and float(row["assumed_discount_pct"]) == 1.5
    from io import BytesIO

    from openpyxl import load_workbook
    book = load_workbook(BytesIO(client.get("/export/interventions-cost.xlsx" + query).data))
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True)}
    assert "deadweight 35%" in about["Assumptions"] and "discount rate 1.5%" in about["Assumptions"]
    from dashboard import exports

    rendered = registry.render("interventions-cost", Filters.from_query(query))
    footer = " ".join(exports.footer_lines(rendered, exports.Context.now("http://x/")))
    assert "Assumptions: Estimated return" in footer
    from pptx import Presentation

    deck = Presentation(BytesIO(client.get("/export/briefing.pptx?charts=interventions-cost&deadweight=35").data))
    texts = "\n".join(shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame)
    assert "returns an estimated" in texts and "low and high assumptions" in texts and "deadweight 35%" in texts


def test_cost_chart_3b_the_embed_shows_the_assumptions_it_was_drawn_on(client):
    page = client.get("/embed/interventions-cost?persistence=78").get_data(as_text=True)
    assert 'class="assumptions"' in page and "job lasts 78 weeks" in page
    assert 'class="assumptions"' not in client.get("/embed/interventions-funnel").get_data(as_text=True)


def test_cost_chart_4_an_assumption_out_of_range_is_refused_in_one_line(client):
    response = client.get("/export/interventions-cost.csv?deadweight=120")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "deadweight" in text and "0 to 95" in text and "Traceback" not in text


def test_digital_msk_chart_1_engagement_near_the_published_83_percent():
    frame = msk.digital_msk_data(Filters()).set_index(["measure", "group"])
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


def test_figures_3_funnel_labels_only_the_outliers_beyond_99_8_percent_as_the_about_page_says():
    frame = pd.DataFrame({
        "programme": "x", "programme_name": "X", "area_code": ["a", "b", "c"], "area_name": ["Alpha", "Beta", "Gamma"],
        "in_area": True, "participants": [100, 100, 100], "followed_12m": [100, 100, 100], "jobs_12m": [20, 40, 29],
        "rate": [20.0, 40.0, 29.0], "national_rate": 20.0,
        "comparison": [funnel.SIMILAR, funnel.HIGH_998, funnel.HIGH_95]})
    frame.attrs.update(tau2=0.0, overdispersion="No overdispersion found")
    fig = iv.fig.funnel_plot(frame, Filters())
    labelled = [t for tr in fig.data if tr.text is not None for t in np.atleast_1d(tr.text)]
    assert labelled == ["Beta"]
    assert any("no overdispersion found" in (a.text or "") for a in fig.layout.annotations)


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


def test_page_1_assumption_inputs_prefilled_from_the_link_with_defaults_and_sources(client):
    import dash

    page = next(p for p in dash.page_registry.values() if p["path"] == "/interventions")
    layout = page["layout"](deadweight="30", persistence="not a number")
    text = str(layout)
    assert "'name': 'deadweight'" in text and "value='30'" in text
    assert "value='52'" in text  # a value not accepted falls back to the default (and the page says why)
    assert "persistence" in text and "not accepted" in text
    assert "EQOLISE" in text and "Green Book" in text
