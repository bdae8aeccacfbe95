"""Real series where supplied, demo where not: the regions page's published-figures chart reads the Nomis APS
rows loaded by ``data.build --source`` (the sample download in tests/fixtures/sources/good), says they are
published figures, and never carries the synthetic label that every chart of demo facts keeps."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import queries
from dashboard import exports, figures, registry
from dashboard.filters import FilterError, Filters
from dashboard.stats import compare
from data import build
from tests import warehouses

GOOD = Path(__file__).parent / "fixtures" / "sources" / "good"


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mixed") / "w.duckdb"
    assert build.main(["--db", str(path), "--participants", "1000", "--source", str(GOOD), "--with-demo"]) == 0
    return path


@pytest.fixture()
def mixed(mixed_db, monkeypatch):
    wh = queries.Warehouse(mixed_db)
    monkeypatch.setattr(queries, "_default", wh)
    yield wh
    wh.close()


def notes(rendered) -> str:
    return " ".join(a.text for a in rendered.figure.layout.annotations)


def test_published_1_the_league_draws_the_nomis_values_intervals_and_flags(mixed):
    rendered = registry.render("regions-league", Filters(level="region"))
    frame = rendered.data.set_index("code")
    assert list(frame.index) == ["E12000001", "E12000007"]  # North East, London: highest first
    ne, london = frame.loc["E12000001"], frame.loc["E12000007"]
    assert (ne["rate"], ne["people"]) == (35.2, 148200)
    assert np.isclose(ne["lower"], 35.2 - 2.9) and np.isclose(ne["upper"], 35.2 + 2.9)
    assert london["flag"] == "*" and london["quality"] == "unreliable"
    assert ne["period_label"] == "year to Dec 2023" and "long-term sick" in ne["measure"]
    # The file has no England row: nothing is classed against England, and the summary says why.
    assert set(frame["compared_with_england"]) == {compare.NOT_COMPARED}
    assert "no value for England" in rendered.summary and "nomis_aps_lts.csv" in rendered.summary
    assert ne["measure"] in rendered.figure.layout.xaxis.title.text  # the chart says which measure it shows


def test_published_2_say_which_is_real_and_which_synthetic(mixed):
    published = registry.render("regions-league", Filters(level="region"))
    survey = registry.render("regions-spc", Filters(geo="E12000001"))
    assert not published.demo and survey.demo
    assert figures.DEMO_NOTE not in notes(published) and "Nomis" in notes(published)
    assert figures.DEMO_NOTE in notes(survey)
    ctx = exports.Context.now("http://intranet.example/regions")
    assert "Warning" not in dict(exports.provenance(published, ctx))
    assert "synthetic" in dict(exports.provenance(survey, ctx))["Warning"]


def test_published_3_where_the_files_publish_nothing_the_synthetic_rows_are_marked(mixed):
    rendered = registry.render("regions-league", Filters(level="icb"))
    # South Yorkshire's percentage is '!' (not published); West Yorkshire's row is a count, not a percentage.
    assert len(rendered.data) == 42 and rendered.data["synthetic"].all() and rendered.demo
    assert figures.DEMO_NOTE in notes(rendered)
    aged = registry.render("regions-league", Filters(level="region", age="50-64"))  # no age band is published
    assert aged.demo and len(aged.data) == 9


def test_published_4_only_years_ending_by_the_chosen_quarter(mixed):
    assert not registry.render("regions-league", Filters(level="region", period_to="2023Q4")).demo
    early = registry.render("regions-league", Filters(level="region", period_to="2023Q3"))
    assert early.demo and len(early.data) == 9  # the demo's estimates, marked


def test_published_5_a_demo_warehouse_draws_its_survey_estimates(demo_warehouse):
    rendered = registry.render("regions-league", Filters())
    assert rendered.demo and rendered.data["synthetic"].all()
    assert set(rendered.data["measure"]) == {"% of people aged 16-64 economically inactive because of long-term sickness"}


# ---- pilot returns on the interventions page (the programme facts: tests/test_programme_facts.py) --------------

def test_returns_1_programmes_reported_with_rates_of_the_starts_whose_outcome_is_known(mixed):
    rendered = registry.render("interventions-outcomes", Filters())
    jobs = rendered.data[rendered.data["measure"] == "In work within 12 months"].set_index("programme")
    sustained = rendered.data[rendered.data["measure"] != "In work within 12 months"].set_index("programme")
    # The CSV return and the NENC workbook, summed by programme; every row but 'back' (a subgroup of msk).
    assert set(jobs.index[jobs["participants"] > 0]) == {"accelerator", "workwell"}
    accel = jobs.loc["accelerator"]
    # Counts of people from records are rounded at every level, England too (506 -> 505, 111 -> 110, 44 -> 45);
    # the rate comes from the unrounded counts.
    assert accel["participants"] == 505 and accel["outcomes"] == 110
    assert np.isclose(accel["rate"], 111 / 506 * 100) and jobs.loc["workwell", "participants"] == 45
    assert accel["lower"] < accel["rate"] < accel["upper"]
    # Sustained outcomes are blank (not yet known) for South Yorkshire: only West Yorkshire's 240 starts count.
    assert sustained.loc["accelerator", "eligible"] == 240 and sustained.loc["accelerator", "outcomes"] == 40
    assert not rendered.demo and figures.DEMO_NOTE not in notes(rendered)
    assert "pilot_returns_q2.csv" in rendered.summary and "Health and Growth Accelerator" in rendered.summary


def test_returns_2_area_condition_and_period_filters(mixed):
    sy = registry.render("interventions-outcomes", Filters(geo="E54000061")).data
    sy = sy[sy["participants"] > 0]
    assert set(sy["programme"]) == {"accelerator"} and sy["participants"].iloc[0] == 195  # 196, rounded to 5
    mental = registry.render("interventions-outcomes", Filters(condition="mental")).data
    assert mental.loc[mental["programme"] == "accelerator", "participants"].iloc[0] == 100  # 101, rounded
    before = registry.render("interventions-outcomes", Filters(period_to="2025Q1"))
    assert before.data.empty and figures.DEMO_NOTE not in notes(before)
    aged = registry.render("interventions-outcomes", Filters(age="50-64"))
    assert "age and sex are not in the pilot returns" in aged.summary.lower()


def test_returns_3_a_demo_warehouse_draws_its_synthetic_records(demo_warehouse):
    rendered = registry.render("interventions-outcomes", Filters())
    assert rendered.demo and "pilot returns" not in rendered.summary.lower()


# ---- ONS INAC01 on the overview page ------------------------------------------------------------------------

def test_uk_1_the_published_uk_series_in_the_quarters_chosen(mixed):
    rendered = registry.render("overview-uk-published", Filters())
    assert set(rendered.data["series_id"]) == {"LF6A"}
    last = rendered.data.iloc[-1]
    assert (last["period"], last["people"]) == ("Mar-May 2024", 2_780_000)
    assert rendered.data["period_end"].min() >= pd.Timestamp("2019-01-01")  # 1992 is before the range chosen
    assert "2.78 million people" in rendered.summary and "inac01_people.csv" in rendered.summary
    # Published periods are dated by their end, not sorted as text ('Nov-Jan 2024' > 'Mar-May 2024').
    assert exports.data_date(rendered, exports.Context.now("x")).startswith("Data to Mar-May 2024;")
    assert not rendered.demo and figures.DEMO_NOTE not in notes(rendered)
    women = registry.render("overview-uk-published", Filters(sex="female"))  # the file has persons only
    assert women.data.empty and "No ONS INAC01 series is loaded" in women.summary.replace("no ONS", "No ONS")


def test_uk_2_a_demo_warehouse_has_none(demo_warehouse):
    rendered = registry.render("overview-uk-published", Filters())
    assert rendered.data.empty and "python -m data.build --source DIR" in rendered.summary


# ---- OHID Fingertips on the regions page --------------------------------------------------------------------

def test_fingertips_1_the_indicator_covering_most_areas_with_fingertips_own_comparison(mixed):
    rendered = registry.render("regions-fingertips", Filters(level="icb"))
    frame = rendered.data.set_index("code")
    assert set(frame["indicator_id"]) == {93881}  # two ICBs with values, against one for the back-pain indicator
    # Surrey Heartlands came under its 2022 code, E54000052, and is shown under its current one.
    assert frame.loc["E54000063", "rate"] == 70.1 and frame.loc["E54000063", "compared_with_england"] == "better"
    assert frame.loc["E54000061", "compared_with_england"] == "worse" and frame["england_rate"].iloc[0] == 65.5
    assert np.isnan(frame.loc["E54000054", "rate"]) and "Value suppressed" in rendered.summary
    # Higher is better for this indicator: the legend says better or worse, never "lower" or "higher".
    assert {t.name for t in rendered.figure.data} >= {"Better than England", "Worse than England"}
    assert not rendered.demo and figures.DEMO_NOTE not in notes(rendered)
    assert "fingertips_export.csv" in rendered.summary and "2022/23" in rendered.summary


def test_fingertips_2_none_at_a_level_the_export_does_not_cover(mixed):
    rendered = registry.render("regions-fingertips", Filters(level="region"))
    assert rendered.data.empty and "No OHID Fingertips export is loaded" in notes(rendered).replace("<br>", " ")


# ---- the same charts from real downloads (tests/fixtures/sources/real) ------------------------------------------


def test_real_1_nomis_icbs_summed_from_local_authorities_and_saying_so(real_files):
    rendered = registry.render("regions-league", Filters(level="icb"))
    frame = rendered.data.set_index("code")
    assert set(frame.index) == {"E54000054", "E54000061"}  # only the ICBs whose every local authority is there
    assert frame.loc["E54000054", "rate"] == pytest.approx(68_000 / 280_300 * 100)
    assert frame.loc["E54000061", "people"] == 47_100 and frame["aggregated"].all()
    assert "summed from local-authority estimates by best fit" in rendered.summary
    assert "best fit" in rendered.figure.layout.xaxis.title.text
    assert not rendered.demo and "nomis_query_la.csv" in rendered.summary


def test_real_2_nomis_query_regions_against_england(real_files):
    rendered = registry.render("regions-league", Filters(level="region"))
    frame = rendered.data.set_index("code")
    assert frame.loc["E12000001", "rate"] == 36.1 and frame["england_rate"].iloc[0] == 27.9
    assert frame.loc["E12000001", "compared_with_england"] == compare.WORSE  # 33.3-38.9 above 27.9
    assert not frame["aggregated"].any() and "summed" not in rendered.summary
    assert "W92000004" not in frame.index  # Wales is kept in the warehouse, not drawn
    assert frame["period_label"].unique().tolist() == ["year to Jun 2024"] and not rendered.demo


def test_real_3_overview_draws_the_newer_inac01_edition_then_the_time_series(real_files):
    rendered = registry.render("overview-uk-published", Filters())
    by_period = rendered.data.set_index("period")
    assert by_period.loc["Dec-Feb 2025", "people"] == 2_812_000  # May's revision of April's 2,805
    assert by_period.loc["Jan-Mar 2025", "people"] == 2_801_000
    # Every month of the LF6A time series here is in INAC01 too, so INAC01's rows are drawn, once each.
    assert list(rendered.data["period_end"].dt.strftime("%Y-%m")) == ["2024-11", "2024-12", "2025-01", "2025-02",
                                                                      "2025-03"]
    assert set(rendered.data["series_id"]) == {"LF6A"} and "inac01sa_2025_05.xls" in rendered.summary


def test_real_5_overview_from_an_ons_time_series_alone(tmp_path, monkeypatch):
    import shutil

    shutil.copy(warehouses.REAL_FILES / "ons_timeseries_lf6a.csv", tmp_path)
    path = tmp_path / "w.duckdb"
    assert build.main(["--db", str(path), "--participants", "1000", "--source", str(tmp_path)]) == 0
    wh = queries.Warehouse(path)
    monkeypatch.setattr(queries, "_default", wh)
    try:
        rendered = registry.render("overview-uk-published", Filters())
    finally:
        wh.close()
    # Monthly rows only (not the years or quarters), as rolling quarters; '..' (2025 FEB) left out.
    assert list(rendered.data["period"]) == ["Oct-Dec 2024", "Nov-Jan 2025", "Jan-Mar 2025"]
    assert rendered.data["people"].iloc[-1] == 2_801_000 and "ons_timeseries_lf6a.csv" in rendered.summary


def test_real_4_fingertips_website_export_on_the_regions_page(real_files):
    icbs = registry.render("regions-fingertips", Filters(level="icb")).data.set_index("code")
    assert icbs.loc["E54000061", "compared_with_england"] == compare.WORSE  # "Compared to parent": England
    assert icbs.loc["E54000054", "fingertips_comparison"] == "Similar" and icbs["england_rate"].iloc[0] == 66.0
    regions = registry.render("regions-fingertips", Filters(level="region")).data.set_index("code")
    assert regions.loc["E12000007", "count"] == 871_425 and regions.loc["E12000007", "compared_with_england"] ==\
        compare.BETTER
    assert "E40000013" not in regions.index and "E08000035" not in icbs.index  # kept, not drawn


def test_real_6_a_build_from_the_files_alone_holds_no_synthetic_row(real_files, client):
    cur = real_files.cursor()
    try:
        synthetic = cur.execute("SELECT count(*) FROM lts_facts WHERE synthetic").fetchone()[0]
        cells = sum(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for t in ("population", "long_term_sick", "participants"))
        sources = dict(cur.execute("SELECT id, synthetic FROM sources").fetchall())
        types = dict(cur.execute("SELECT source_id, any_value(period_type) FROM lts_facts GROUP BY 1").fetchall())
    finally:
        cur.close()
    assert synthetic == 0 and cells == 0 and real_files.meta["is_demo"] == "false"
    assert sources == {"nomis_aps": False, "inac01": False, "ons_series": False}
    assert types == {"nomis_aps": "rolling_year", "inac01": "three_month", "ons_series": "three_month"}
    from dashboard import facts

    assert facts.drawn_from(registry.get("conditions-mix")).startswith("Not published at this level")
    assert "Annual Population Survey (ONS regions, year to Jun 2024)" in facts.drawn_from(registry.get("regions-league"))
    # Age and sex are not published below UK level: the filters say so rather than accept a value.
    with pytest.raises(FilterError, match="Does not apply: the loaded files publish"):
        Filters.from_query("age=50-64")


def test_with_demo_is_needed_to_mix_synthetic_rows_in(tmp_path):
    path = tmp_path / "w.duckdb"
    assert build.main(["--db", str(path), "--participants", "500", "--source", str(warehouses.REAL_FILES), "--with-demo"]) == 0
    wh = queries.Warehouse(path)
    try:
        cur = wh.cursor()
        kinds = dict(cur.execute("SELECT synthetic, count(*) FROM lts_facts GROUP BY 1").fetchall())
        cur.close()
        assert wh.meta["is_demo"] == "true" and kinds[True] > 0 and kinds[False] > 0
    finally:
        wh.close()


def test_real_7_overview_trend_draws_the_published_series_named_as_published(real_files):
    # nomis_query_regions.csv, year to Jun 2024 (Jul 2023-Jun 2024): North East 36.1 (Conf 2.8), England 27.9 (0.5).
    rendered = registry.render("overview-trend", Filters(geo="E12000001"))
    frame = rendered.data.set_index("area_code")
    assert list(frame.index) == ["E12000001", "E92000001"] and not rendered.demo
    assert (frame.loc["E12000001", "rate"], frame.loc["E92000001", "rate"]) == (36.1, 27.9)
    assert frame.loc["E12000001", ["lower", "upper"]].tolist() == pytest.approx([33.3, 38.9])
    assert frame.loc["E92000001", "quality"] == "precise"  # CV = 100 * 0.5 / 1.96 / 27.9 = 0.9%
    assert set(frame["period_label"]) == {"year to Jun 2024"}
    assert rendered.summary.startswith("Published: % of economically inactive who are long-term sick: North East "
                                       "36.1% (year to Jun 2024); England 27.9% (year to Jun 2024).")
    assert "nomis_query_regions.csv" in rendered.summary
    assert "long-term sick (published)" in rendered.figure.layout.yaxis.title.text
    hover = next(t for t in rendered.figure.data if t.name == "North East")
    assert hover.customdata[0][0] == "year to Jun 2024" and str(hover.x[0])[:10] == "2024-06-30"
    # No age band is published: the chart says so rather than drawing totals as if they were 50-64.
    aged = registry.render("overview-trend", Filters(geo="E12000001", age="50-64"))
    assert aged.data.empty and "publish long-term sickness for everyone aged 16-64" in aged.summary


def test_real_8_spc_on_one_published_rolling_year_says_why_it_cannot(real_files):
    rendered = registry.render("regions-spc", Filters(geo="E12000001"))
    assert rendered.data.empty and not rendered.demo
    assert "not enough independent points for SPC: the loaded files publish 1 period of % of economically "\
           "inactive who are long-term sick for North East (year to Jun 2024)" in rendered.summary
    assert "need at least 7" in rendered.summary


def test_independent_periods_keep_every_fourth_rolling_year():
    from dashboard import facts

    ends = pd.period_range("2022Q1", "2024Q2", freq="Q")  # 10 rolling years published quarterly
    frame = pd.DataFrame({"period": [str(p) for p in ends], "period_end": [p.end_time.normalize() for p in ends],
                          "period_start": [(p - 3).start_time for p in ends], "rate": range(10)})
    kept, note = facts.independent_periods(frame)
    # Latest first: year to Jun 2024 (Jul 2023-Jun 2024), then year to Jun 2023, then year to Jun 2022.
    assert list(kept["period"]) == ["2022Q2", "2023Q2", "2024Q2"]
    assert note.startswith("The 10 published periods overlap") and "only the 3 that share no months" in note
    quarters = frame.assign(period_start=[p.start_time for p in ends])  # three-month periods: none overlap
    kept_quarters, note_quarters = facts.independent_periods(quarters)
    assert len(kept_quarters) == 10 and note_quarters == ""
