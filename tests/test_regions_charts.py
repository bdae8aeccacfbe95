"""The regions page's chart data, figures, summaries and map callback, on the demo warehouse and hand-made frames."""
import dash
import numpy as np
import pandas as pd
import pytest

from dashboard import components, registry
from dashboard.charts import regions as charts
from dashboard.charts import regions_trend as trend
from dashboard.figures import regions as fig
from dashboard.filters import Filters
from dashboard.stats import compare, spc
from data import reference

SOUTH_YORKSHIRE, YORKSHIRE, LONDON = "E54000061", "E12000003", "E12000007"


def test_regions_hex_layout_1_one_cell_for_each_of_the_42_icbs(demo_warehouse):
    layout = charts.hex_layout()
    assert len(layout) == 42
    assert set(layout["code"]) == set(reference.icbs()["code"])
    assert not layout.duplicated(["col", "row"]).any()
    # Roughly geographic: North East and North Cumbria is the top row, Cornwall the bottom-left.
    north = layout.set_index("code")
    assert north.at["E54000050", "row"] == 0
    assert north.at["E54000036", "row"] == layout["row"].max() and north.at["E54000036", "col"] == 0


def test_regions_league_1_icbs_against_england(demo_warehouse):
    frame = charts.league_data(Filters.from_query({"level": "icb", "geo": SOUTH_YORKSHIRE}))
    assert len(frame) == 42
    assert {"code", "name", "rate", "lower", "upper", "compared_with_england"} <= set(frame.columns)
    assert frame["period"].unique().tolist() == ["2026Q2"]
    england = frame["england_rate"].iloc[0]
    expected = np.where(frame["lower"] > england, "worse", np.where(frame["upper"] < england, "better", "similar"))
    assert frame["compared_with_england"].tolist() == expected.tolist()
    assert frame.loc[frame["focus"], "code"].tolist() == [SOUTH_YORKSHIRE]
    assert frame["accelerator"].sum() == 3 and frame["workwell"].sum() == 15
    assert set(frame["recent_trend"]) <= {compare.INCREASING, compare.DECREASING, compare.NO_CHANGE}
    assert frame["rate"].is_monotonic_decreasing
    assert (frame["people"] % 5 == 0).all()  # disclosure-controlled counts


def test_regions_league_2_regions_and_an_icb_focus_highlights_its_region(demo_warehouse):
    frame = charts.league_data(Filters.from_query({"level": "region", "geo": SOUTH_YORKSHIRE, "to": "2024Q4"}))
    assert len(frame) == 9
    assert frame.loc[frame["focus"], "code"].tolist() == [YORKSHIRE]
    assert frame["period"].unique().tolist() == ["2024Q4"]
    assert not charts.league_data(Filters.from_query({"level": "region"}))["focus"].any()  # England


def test_regions_league_3_summary_reads_like_fingertips(demo_warehouse):
    filters = Filters.from_query({"level": "icb", "geo": SOUTH_YORKSHIRE})
    text = registry.render("regions-league", filters).summary
    assert text.startswith("Apr-Jun 2026: South Yorkshire's rate is ")
    assert "England's" in text and "Of the 42 ICBs compared with England" in text


def test_regions_map_1_icb_level_each_hexagon_its_own_icb(demo_warehouse):
    frame = charts.map_data(Filters.from_query({"level": "icb", "geo": LONDON}))
    assert len(frame) == 42 and (frame["code"] == frame["area_code"]).all()
    assert not frame["focus"].any()  # a region is not among the ICBs


def test_regions_map_2_region_level_shades_icbs_by_their_region(demo_warehouse):
    filters = Filters.from_query({"level": "region", "geo": LONDON})
    frame = charts.map_data(filters)
    league = charts.league_data(filters).set_index("code")
    assert len(frame) == 42
    assert (frame["compared_with_england"] == frame["area_code"].map(league["compared_with_england"])).all()
    assert set(frame.loc[frame["focus"], "area_code"]) == {LONDON}
    assert frame["focus"].sum() == 5  # London's five ICBs


def test_regions_spc_1_xmr_limits_fixed_on_the_quarters_before_the_accelerators(demo_warehouse):
    frame = trend.spc_data(Filters.from_query({"geo": SOUTH_YORKSHIRE, "from": "2022Q1"}))
    assert len(frame) == 18 and frame["area_code"].eq(SOUTH_YORKSHIRE).all()
    whole = trend.spc_data(Filters.from_query({"geo": SOUTH_YORKSHIRE}))
    baseline = whole[whole["period"] < "2025Q2"]
    assert len(baseline) == 25 and baseline["in_baseline"].all() and not whole["in_baseline"].iloc[25:].any()
    lim = spc.limits(baseline["rate"])
    # The same limits whatever range is shown: they do not move with "from".
    assert frame["upl"].iloc[0] == pytest.approx(lim.upl) and whole["upl"].iloc[0] == pytest.approx(lim.upl)
    assert not frame["trial"].any()
    # Nor with "to": a view ending before the start keeps the same baseline, and no later quarter flags its points.
    early = trend.spc_data(Filters.from_query({"geo": SOUTH_YORKSHIRE, "to": "2023Q4"}))
    assert early["upl"].iloc[0] == pytest.approx(lim.upl) and early["period"].max() == "2023Q4"
    assert set(frame["point_type"]) <= {spc.COMMON, spc.IMPROVEMENT, spc.CONCERN}
    summary = trend.spc_summary(frame, Filters())
    assert "the latest quarter shows" in summary and "fixed on the 25 quarters" in summary
    assert "rolling 12-month" in summary


def test_regions_spc_2_one_quarter_is_the_no_data_state(demo_warehouse):
    filters = Filters.from_query({"from": "2026Q2", "to": "2026Q2"})
    assert trend.spc_data(filters).empty
    rendered = registry.render("regions-spc", filters)
    assert "No data for this selection" in rendered.figure.layout.annotations[0].text


def test_regions_neighbours_0_england_asks_for_an_area(demo_warehouse):
    rendered = registry.render("regions-neighbours", Filters())
    assert "choose one in Area" in rendered.summary and "wider period" not in rendered.summary


def test_regions_neighbours_1_five_peers_of_the_same_level(demo_warehouse):
    frame = trend.neighbours_data(Filters.from_query({"geo": SOUTH_YORKSHIRE}))
    assert len(frame) == 6
    assert frame.loc[frame["focus"], "code"].tolist() == [SOUTH_YORKSHIRE]
    assert sorted(frame["neighbour_rank"].dropna().tolist()) == [1, 2, 3, 4, 5]
    assert frame["code"].str.startswith("E54").all()
    assert trend.neighbours_data(Filters()).empty  # England has no peers


def _league_frame():
    return pd.DataFrame({
        "code": ["A", "B", "C"], "name": ["Alpha", "Beta", "Gamma"], "short_name": ["Alpha", "Beta", "Gamma"],
        "period": "2026Q2", "people": [100.0, 200.0, 300.0], "population": [1e4] * 3,
        "rate": [7.0, 5.0, 6.0], "lower": [6.5, 4.5, 5.5], "upper": [7.5, 5.5, 6.5], "reliability": "",
        "england_rate": 6.0, "compared_with_england": ["worse", "better", "similar"],
        "recent_trend": compare.NO_CHANGE, "accelerator": [True, False, False], "workwell": [False, True, False],
        "focus": [False, False, True],
    })


def test_regions_league_figure_1_england_line_classes_focus_and_marks():
    figure = fig.league(_league_frame(), Filters())
    names = [t.name for t in figure.data]
    assert "Worse (higher) than England" in names and "Chosen area: Gamma" in names
    assert any(n.startswith(fig.ACCELERATOR_MARK) for n in names)
    assert figure.layout.shapes[0].x0 == 6.0  # England's reference line
    labels = list(figure.layout.yaxis.categoryarray)
    assert labels[::-1] == [f"Alpha {fig.ACCELERATOR_MARK}", "<b>Gamma</b>", f"Beta {fig.WORKWELL_MARK}"]


def test_regions_league_figure_2_sorts_from_a_whitelist():
    figure = fig.league(_league_frame(), Filters(), sort="name")
    assert list(figure.layout.yaxis.categoryarray)[-1].startswith("Alpha")
    # The orders ride in meta for the page's real buttons; nothing to click is drawn in the figure (or exports).
    assert not figure.layout.updatemenus
    assert figure.layout.meta["sort"] == "name"
    assert figure.layout.meta["sorts"]["name"] == list(figure.layout.yaxis.categoryarray)
    assert figure.layout.meta["sorts"]["value"][-1] == f"Alpha {fig.ACCELERATOR_MARK}"
    with pytest.raises(ValueError):
        fig.league(_league_frame(), Filters(), sort="rate; DROP TABLE areas")


def test_regions_spc_figure_1_trial_limits_named_and_variation_in_words():
    frame = spc.xmr(pd.DataFrame({
        "period": [f"2025Q{q}" for q in range(1, 5)], "period_start": pd.date_range("2025-01-01", periods=4, freq="QS"),
        "rate": [5.0, 5.2, 5.1, 5.3], "lower": 4.0, "upper": 6.0}), "rate")
    figure = fig.spc_chart(frame, Filters())
    assert "Trial process limits" in {t.name for t in figure.data}
    assert figure.layout.title.text.startswith("Latest quarter: common cause variation (trial limits")
    assert not [a for a in figure.layout.annotations if a.name == "spc-notes"]


def test_regions_spc_figure_2_says_when_the_series_is_rolling_annual_and_shades_the_baseline(demo_warehouse):
    frame = trend.spc_data(Filters.from_query({"geo": SOUTH_YORKSHIRE}))
    figure = fig.spc_chart(frame, Filters())
    notes = [a.text for a in figure.layout.annotations if a.name == "spc-notes"]
    assert len(notes) == 1 and "Rolling 12-month estimates" in notes[0]
    assert "Limits fixed on Jan-Mar 2019 to Jan-Mar 2025" in notes[0]
    assert len(figure.layout.shapes) == 1  # the shaded baseline


def test_regions_map_figure_1_hexagons_have_shapes_and_codes_to_click(demo_warehouse):
    frame = charts.map_data(Filters.from_query({"level": "icb", "geo": SOUTH_YORKSHIRE}))
    figure = fig.hex_map(frame, Filters())
    points = [t for t in figure.data if t.mode == "markers+text"]
    assert sum(len(t.x) for t in points) == 42
    codes = {row[7] for t in points for row in t.customdata}
    assert SOUTH_YORKSHIRE in codes and len(codes) == 42
    assert "Chosen area" in {t.name for t in figure.data}


def test_regions_catalogue_1_lists_the_charts(client):
    ids = {c["id"] for c in client.get("/api/charts").get_json()}
    assert {"regions-league", "regions-map", "regions-spc", "regions-neighbours"} <= ids


def test_regions_page_1_map_click_sets_the_focus(app):
    import pages.regions as page

    click = {"points": [{"customdata": [SOUTH_YORKSHIRE, "South Yorkshire", "South Yorkshire", 7.0, 6.0, 8.0,
                                        "worse", SOUTH_YORKSHIRE]}]}
    search, geo = page.update_focus_from_map(click, "?level=icb&condition=msk")
    assert geo == SOUTH_YORKSHIRE
    assert Filters.from_query(search) == Filters.from_query({"level": "icb", "condition": "msk",
                                                              "geo": SOUTH_YORKSHIRE})
    assert page.update_focus_from_map(None, "?level=icb") == (dash.no_update, dash.no_update)
    bad = {"points": [{"customdata": ["x"] * 7 + ["'; DROP TABLE areas"]}]}
    assert page.update_focus_from_map(bad, "") == (dash.no_update, dash.no_update)


def test_regions_page_2_renders_every_chart_through_the_shared_callback(app):
    for chart_id in ("regions-league", "regions-map", "regions-spc", "regions-neighbours"):
        figure, summary, *_ = components.update_chart("?level=icb&geo=E54000050", {"type": "chart-graph",
                                                                             "chart": chart_id})
        assert len(figure["data"]) >= 2
        if chart_id != "regions-map":  # the map's summary counts areas rather than naming the focus
            assert "North East and North Cumbria" in summary


def test_regions_query_1_profile_on_a_tiny_warehouse(tiny_con):
    import queries

    tiny_con.execute("""INSERT INTO population VALUES
        ('2023Q4', '2023-10-01', 'E54000061', 'icb', '16-24', 'female', 300, 3),
        ('2023Q4', '2023-10-01', 'E54000061', 'icb', '50-64', 'male', 700, 7),
        ('2024Q1', '2024-01-01', 'E54000061', 'icb', '16-24', 'female', 5000, 50)""")
    tiny_con.execute("""INSERT INTO long_term_sick VALUES
        ('2023Q4', 'E54000061', 'icb', '50-64', 'male', 3, 50, 1),
        ('2024Q1', 'E54000061', 'icb', '16-24', 'female', 3, 999, 9)""")
    frame = queries.Warehouse(connection=tiny_con).run("regions_profile", level="icb", before="2024Q1")
    assert frame["age_share"].tolist() == [0.3, 0.7]
    assert frame["rate"].tolist() == [5.0, 5.0]
    empty = queries.Warehouse(connection=tiny_con).run("regions_profile", level="icb'; --", before="2024Q1")
    assert empty.empty


def test_league_areas_keeps_a_chosen_set_together_in_chart_and_exports(demo_warehouse, client):
    from dashboard import registry
    from dashboard.filters import Filters

    chosen = ("E54000061", "E54000027", "E54000050")
    rendered = registry.render("regions-league", Filters(level="icb", areas=chosen))
    assert sorted(rendered.data["code"]) == sorted(chosen)
    assert "3 chosen ICBs" in rendered.summary
    # With a focus outside the set, the focus is shown beside it.
    with_focus = registry.render("regions-league", Filters(level="icb", areas=chosen, geo="E54000008")).data
    assert sorted(with_focus["code"]) == sorted([*chosen, "E54000008"])
    # A set of ICBs on the regions league is ignored: every region shows.
    assert len(registry.render("regions-league", Filters(level="region", areas=chosen)).data) == 9
    body = client.get("/export/regions-league.csv?level=icb&areas=E54000061,E54000027,E54000050").data.decode()
    assert body.count("E54000") == 3
    assert client.get("/export/regions-league.csv?areas=E54000061,nope").status_code == 400


def test_regions_spc_3_a_small_cell_with_fewer_than_two_shown_quarters_says_so(demo_warehouse):
    """Young women with MSK in one ICB: every quarter but one is suppressed (too few respondents), so there is
    no XmR chart to draw. It says so; it used to raise "an XmR chart needs at least two points" (a 500 under load)."""
    filters = Filters.from_query("?geo=E54000056&from=2023Q1&to=2023Q4&condition=msk&age=16-24&sex=female")
    rendered = registry.render("regions-spc", filters)
    assert rendered.data.empty
    assert "at least two" in rendered.summary and "suppressed" in rendered.summary


def test_regions_shared_1_the_league_map_and_choropleth_work_out_the_survey_table_once(demo_warehouse, monkeypatch):
    import threading

    import queries
    from dashboard.charts import common

    calls = []
    real = charts._survey_table

    def counted(filters, level):
        calls.append(level)
        return real(filters, level)

    monkeypatch.setattr(charts, "_survey_table", counted)
    queries.warehouse().clear_cache()
    view = Filters.from_query({"level": "icb", "geo": SOUTH_YORKSHIRE, "sex": "female"})
    threads = [threading.Thread(target=f, args=(view,)) for f in (charts.league_data, charts.map_data,
                                                                  charts.choropleth_data, trend.neighbours_data)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["icb"]  # four charts asking at once, one piece of work
    league = charts.league_data(view)
    league.loc[0, "rate"] = -1.0  # a caller's copy: changing it changes nothing for the next
    assert charts.league_data(view)["rate"].iloc[0] != -1.0 and calls == ["icb"]
    charts.league_data(view.replace(age="25-34"))  # another view: worked out anew
    queries.warehouse().clear_cache()  # as a new build or the benchmark's "new filters" does
    charts.league_data(view)
    assert calls == ["icb", "icb", "icb"]
    assert common.SHARED_SIZE >= 8
