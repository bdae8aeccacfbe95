"""Accelerators page: chart data on the demo warehouse, the query on a tiny warehouse, figures, page."""
from datetime import date

import numpy as np
import pandas as pd
import pytest

import queries
from dashboard import registry
from dashboard.filters import Filters
from dashboard.labels import p_text
from data import build

IDS = ("accelerators-did", "accelerators-event-study", "accelerators-compare")


@pytest.fixture()
def demo(demo_warehouse):
    queries.use(demo_warehouse)
    return demo_warehouse


def test_accelerators_1_every_chart_is_in_the_catalogue(client):
    listed = {c["id"]: c for c in client.get("/api/charts").get_json()}
    for chart_id in IDS:
        assert listed[chart_id]["page"] == "/accelerators"


def test_accelerators_2_did_recovers_the_injected_effect_on_demo_data(demo):
    truth = float(demo.meta["accelerator_effect_pp"])
    assert truth == -0.6
    frame = registry.get("accelerators-did").data(Filters())
    assert list(frame.columns[:4]) == ["comparison", "estimate", "lower", "upper"]
    assert frame["comparison"].tolist() == ["All other ICBs (39)", "Matched ICBs (9)"]
    for row in frame.itertuples():
        assert row.lower < truth < row.upper, row
        assert row.upper < 0
    assert frame["n_treated"].tolist() == [3, 3] and frame["n_comparison"].tolist() == [39, 9]
    assert frame["start"].tolist() == ["2025Q2", "2025Q2"]


def test_accelerators_3_did_csv_has_estimate_lower_upper(client, demo):
    response = client.get("/export/accelerators-did.csv?condition=msk")
    assert response.status_code == 200
    header = response.get_data(as_text=True).splitlines()
    assert any({"estimate", "lower", "upper"} <= set(line.split(",")) for line in header[:10])


def test_accelerators_4_no_post_period_is_an_empty_state_not_an_error(demo):
    for chart_id in IDS[:2]:
        rendered = registry.render(chart_id, Filters(period_to="2024Q4"))
        assert rendered.data.empty
        assert "no data" in rendered.summary


def test_accelerators_5_geo_is_harmless(demo):
    chart = registry.get("accelerators-did")
    a, b = chart.data(Filters()), chart.data(Filters(geo="E12000007", level="icb"))
    pd.testing.assert_frame_equal(a, b)


def test_accelerators_6_event_study_reference_is_the_quarter_before_the_start(demo):
    frame = registry.get("accelerators-event-study").data(Filters(condition="msk"))
    assert set(frame["comparison"]) == {"All other ICBs (39)", "Matched ICBs (9)"}
    reference = frame[frame["reference"]]
    assert set(reference["period"]) == {"2025Q1"} and (reference["estimate"] == 0).all()
    post = frame[(frame["relative"] >= 0) & (frame["comparison"] == "All other ICBs (39)")]
    assert post["estimate"].mean() < 0


def test_accelerators_7_compare_matches_the_participants_table(demo):
    frame = registry.get("accelerators-compare").data(Filters())
    assert sorted(frame["icb_code"]) == ["E54000050", "E54000054", "E54000061"]
    con = demo.cursor()
    raw = con.execute("""
        SELECT icb_code, count(*) AS n,
               count(*) FILTER (WHERE followup_days >= 365) AS f,
               count(*) FILTER (WHERE followup_days >= 365 AND days_to_job IS NOT NULL) AS j,
               sum(cost_gbp) FILTER (WHERE followup_days >= 365) AS c
        FROM participants WHERE programme = 'accelerator' GROUP BY 1""").df().set_index("icb_code")
    con.close()
    for row in frame.itertuples():
        assert row.participants == np.floor(raw.at[row.icb_code, "n"] / 5 + 0.5) * 5
        assert abs(row.jobs_12m - raw.at[row.icb_code, "j"]) <= 2.5
        # Rates and costs from the unrounded counts (8 of 12 is 67%, not 10 of 10); counts published rounded.
        assert row.rate == pytest.approx(raw.at[row.icb_code, "j"] / raw.at[row.icb_code, "f"] * 100)
        assert row.lower < row.rate < row.upper
        assert row.cost_per_job_gbp == pytest.approx(raw.at[row.icb_code, "c"] / raw.at[row.icb_code, "j"], abs=0.5)
        shares = [getattr(row, f"participants_{g}") for g in ("msk", "mental", "heart", "diabetes", "other")]
        assert abs(sum(shares) - row.participants) <= 15


def test_accelerators_8_compare_query_filters_on_a_tiny_warehouse(tiny_con):
    rows = [
        (1, "accelerator", "E54000050", 7, "msk", "50-64", "female", 400, 30, 1000.0),
        (2, "accelerator", "E54000050", 3, "msk", "50-64", "male", 100, None, 2000.0),
        (3, "accelerator", "E54000061", 12, "mental", "16-24", "female", 500, None, 3000.0),
        (4, "workwell", "E54000061", 12, "mental", "16-24", "female", 500, 20, 3000.0),
    ]
    for r in rows:
        tiny_con.execute(
            "INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?, ?, 'GP', false, DATE '2025-04-01', ?, ?, NULL, ?, "
            "NULL, NULL, NULL)", list(r))
    build.build_rollups(tiny_con)
    wh = queries.Warehouse(connection=tiny_con)
    params = {"icbs": None, "age": None, "sex": None, "condition": None, "start_from": date(2025, 1, 1),
              "start_to": date(2026, 6, 30)}
    out = wh.run("accelerators_compare", **params)
    assert out[["icb_code", "condition_group", "participants", "followed_12m", "jobs_12m", "cost_12m_gbp"]] \
        .values.tolist() == [["E54000050", "msk", 2, 1, 1, 1000.0], ["E54000061", "mental", 1, 1, 0, 3000.0]]
    assert wh.run("accelerators_compare", **{**params, "condition": "back"})["participants"].tolist() == [1]
    assert wh.run("accelerators_compare", **{**params, "sex": "' OR 1=1 --"}).empty


def test_accelerators_9_figures_draw_every_estimate_and_comparison():
    from dashboard.figures import accelerators as fig

    did_frame = pd.DataFrame({"comparison": ["All other ICBs (39)", "Matched ICBs (9)"], "estimate": [-0.6, -0.5],
                              "lower": [-0.8, -0.9], "upper": [-0.4, -0.1]})
    figure = fig.did_estimates(did_frame, Filters())
    points = [t for t in figure.data if t.error_y.array is not None]
    assert [t.y[0] for t in points] == [-0.6, -0.5]
    assert [t.marker.symbol for t in points] == ["circle", "diamond"]  # not colour alone
    assert points[1].error_y.arrayminus[0] == pytest.approx(0.4)

    es = pd.DataFrame({"comparison": ["All"] * 3, "period": ["2025Q1", "2025Q2", "2025Q3"],
                       "period_start": pd.to_datetime(["2025-01-01", "2025-04-01", "2025-07-01"]),
                       "relative": [-1, 0, 1], "estimate": [0.0, -0.5, -0.7], "lower": [np.nan, -0.9, -1.0],
                       "upper": [np.nan, -0.1, -0.4], "reference": [True, False, False]})
    figure = fig.event_study(es, Filters())
    assert list(figure.data[0].y) == [0.0, -0.5, -0.7]
    assert list(figure.data[0].error_y.array) == pytest.approx([0.0, 0.4, 0.3])


def test_accelerators_10_page_lists_the_charts_and_the_caveat(client, demo):
    import dash

    page = next(p for p in dash.page_registry.values() if p["path"] == "/accelerators")
    assert page["nav_order"] == 4
    layout = str(page["layout"]())
    for chart_id in IDS:
        assert chart_id in layout
    assert "parallel-trends assumption" in layout
    assert client.get("/accelerators").status_code == 200


def test_accelerators_11_randomisation_p_small_for_the_planted_effect_not_for_a_placebo_set(demo):
    from dashboard.charts import accelerators as acc
    from dashboard.stats import did

    frame = registry.get("accelerators-did").data(Filters())
    all_others = frame.set_index("comparison").loc["All other ICBs (39)"]
    assert all_others["ri_placebo_sets"] == 9139  # every set of 3 of the 39 comparison ICBs
    assert all_others["ri_p_value"] < 0.01
    assert frame.set_index("comparison").at["Matched ICBs (9)", "ri_p_value"] < 0.05  # 84 sets: p >= 1/85
    # Three comparison ICBs given the accelerator flag instead (the real three left out): nothing to find.
    panel = acc._panel(Filters())
    controls = panel[~panel["treated"]].copy()
    placebo = {"E54000057", "E54000027", "E54000042"}  # Greater Manchester, North West London, Hampshire
    controls["treated"] = controls["area_code"].isin(placebo)
    result = did.randomisation_inference(controls, acc.accelerator_start())
    assert result.placebos == 7140 and result.p_value > 0.1  # C(36, 3)


def test_accelerators_12_joint_pre_trend_test_does_not_reject_on_the_demo_data(demo):
    frame = registry.get("accelerators-event-study").data(Filters())
    tests = frame.groupby("comparison").first()
    assert (tests["pretrend_p_value"] > 0.05).all()
    assert tests.at["All other ICBs (39)", "pretrend_quarters"] == 24
    rendered = registry.render("accelerators-event-study", Filters())
    assert "no evidence against parallel trends" in rendered.summary
    assert any(a.name == "pretrend-test" for a in rendered.figure.layout.annotations)


def test_accelerators_13_cells_are_kept_whatever_their_outcome(demo):
    # A narrow group: many cells have 0-2 sick respondents (blanked on the regions page); the evaluation keeps
    # every cell with respondents, so which cells are missing cannot depend on the rate.
    from dashboard.charts import accelerators as acc

    filters = Filters.from_query("age=16-24&sex=female&condition=diabetes")
    raw = queries.run("long_term_sick", areas=None, level="icb", period_from=filters.period_from,
                      period_to=filters.period_to, age=filters.age, sex=filters.sex, condition=filters.condition)
    assert (raw["sample_sick"] <= 2).sum() > 0
    panel = acc._panel(filters)
    assert len(panel) == int(((raw["population"] > 0) & (raw["sample_size"] > 0)).sum())
    assert panel["rate"].notna().all()


def test_accelerators_on_published_files_say_exactly_why_they_cannot_compare(real_files):
    """tests/fixtures/sources/real publishes ICB rates only as Nomis local-authority rows summed to West and South
    Yorkshire (both accelerators), for the one year to Dec 2024: nothing after the start, no other ICB."""
    for chart in ("accelerators-did", "accelerators-event-study"):
        rendered = registry.render(chart, Filters())
        assert rendered.data.empty and not rendered.demo
        assert ("cannot compare: the loaded files publish % of economically inactive who are long-term sick "
                "for 2 ICBs (2 of them accelerators) in 1 period sharing no months (year to Dec 2024): 1 before "
                "the start (Apr-Jun 2025) and 0 after") in rendered.summary


def test_accelerators_14_a_small_p_value_reads_below_0_001_never_0_000(demo):
    assert (p_text(0.0004), p_text(0.001), p_text(0.012), p_text(0.5)) == ("< 0.001", "= 0.001", "= 0.012", "= 0.500")
    frame = registry.get("accelerators-did").data(Filters())
    assert frame.set_index("comparison").at["All other ICBs (39)", "ri_p_value"] < 0.001  # 1 / 9,140
    rendered = registry.render("accelerators-did", Filters())
    assert "randomisation p < 0.001 from 9,139 placebo sets" in rendered.summary
    assert "0.000" not in rendered.summary
