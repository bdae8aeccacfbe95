"""Conditions page figure builders on hand-made frames, and the charts through the registry and routes."""
import numpy as np
import pandas as pd
import pytest

from dashboard.figures import conditions as fc
from dashboard.filters import ENGLAND, Filters

ICB = "E54000050"
GROUPS = [("msk", "Musculoskeletal", None), ("back", "Back or neck pain", "msk"), ("mental", "Mental health", None),
          ("other", "Other conditions", None)]


def mix_frame():
    rows = []
    for code, name, shares in ((ICB, "North East and North Cumbria", (40, 20, 35, 25)),
                               (ENGLAND, "England", (30, 15, 40, 30))):
        for (gid, gname, parent), share in zip(GROUPS, shares, strict=True):
            rows.append({"area_code": code, "area_name": name, "group_id": gid, "group_name": gname, "parent": parent,
                             "people": share * 10.0, "share": float(share), "lower": share - 2.0, "upper": share + 2.0,
                             "sample_n": 100, "cv": 3.0, "quality": "precise"})
    rows[-1]["people"], rows[-1]["share"] = np.nan, np.nan  # a suppressed cell
    return pd.DataFrame(rows)


def test_conditions_figures_1_mix_has_a_bar_series_per_area_with_intervals_and_counts():
    fig = fc.mix_bars(mix_frame(), Filters(geo=ICB))
    assert [t.name for t in fig.data] == ["North East and North Cumbria", "England"]
    assert list(fig.data[0].y) == ["Musculoskeletal", "Back or neck pain (within musculoskeletal)", "Mental health",
                                   "Other conditions"]
    assert fig.data[0].text[0] == "40.0% (400)"
    assert fig.data[1].text[-1] == "* (*)"  # suppressed: shown as '*', not as 0
    assert fig.data[0].error_x.array[0] == pytest.approx(2.0)


def test_conditions_figures_2_heatmap_labels_every_cell_and_marks_the_focus_area():
    frame = mix_frame().query("area_code == @ICB").assign(england_share=[30.0, 15.0, 40.0, 30.0])
    frame["difference"] = frame["share"] - frame["england_share"]
    frame["significant"] = [True, False, np.nan, True]
    frame.loc[frame["group_id"] == "mental", "quality"] = "unreliable"
    frame.loc[frame["group_id"] == "mental", "difference"] = np.nan
    fig = fc.heatmap(frame, Filters(geo=ICB, level="icb"))
    heat = fig.data[0]
    assert list(heat.y) == ["<b>North East and North Cumbria</b>"]
    assert heat.text[0][0] == "40.0%<br><b>+10.0</b>"  # colour is never the only cue; bold: significant
    assert heat.text[0][1] == "20.0%<br>+5.0 ns"  # not significant (z test): marked, and not shaded
    assert heat.z[0][1] == 0 and heat.z[0][0] == 10.0
    assert heat.text[0][2] == "35%u<br>not compared"  # unreliable (CV over 20%): never compared
    assert heat.zmid == 0 and "England 30.0%" in heat.x[0]


def test_conditions_figures_3_age_chart_stacks_top_groups_and_highlights_16_34_and_50_64():
    rows = []
    for band in ("16-24", "25-34", "35-49", "50-64"):
        for sex in ("female", "male"):
            for (gid, gname, parent), share in zip(GROUPS, (40, 20, 35, 25), strict=True):
                rows.append({"age_band": band, "sex": sex, "group_id": gid, "group_name": gname, "parent": parent,
                                 "people": share * 10.0, "share": float(share), "sample_n": 10, "cv": 4.0,
                                 "quality": "precise"})
    fig = fc.age_bars(pd.DataFrame(rows), Filters())
    assert [t.name for t in fig.data] == ["Musculoskeletal", "Mental health", "Other conditions"]  # no subgroup
    assert [(s.x0, s.x1) for s in fig.layout.shapes] == [(-0.5, 3.5), (5.5, 7.5)]
    assert [a.text for a in fig.layout.annotations] == ["<b>Young people, 16-34</b>", "<b>Aged 50-64</b>"]
    assert "of which back or neck pain: 20.0%" in fig.data[0].customdata[0][1]


def test_conditions_figures_4_index_chart_marks_the_2019_base():
    frame = pd.DataFrame({"period": ["2019Q1", "2020Q1"], "period_start": pd.to_datetime(["2019-01-01", "2020-01-01"]),
                              "group_id": "mental", "group_name": "Mental health", "parent": None, "people": [100.0, 120.0],
                              "share": [50.0, 55.0], "index": [100.0, 120.0], "quality": "precise"})
    fig = fc.index_lines(frame, Filters())
    assert list(fig.data[0].y) == [100.0, 120.0]
    assert fig.layout.shapes[0].y0 == 100


CHARTS = ["conditions-mix", "conditions-trend", "conditions-trend-index", "conditions-age", "conditions-heatmap"]


@pytest.mark.parametrize("query", ["", "?geo=E12000007", "?geo=E54000061&level=icb&sex=male"])
def test_conditions_registry_1_every_chart_renders_with_data(demo_warehouse, query, monkeypatch):
    import queries
    from dashboard import registry

    monkeypatch.setattr(queries, "_default", demo_warehouse)
    for chart_id in CHARTS:
        rendered = registry.render(chart_id, Filters.from_query(query))
        assert not rendered.data.empty, chart_id
        assert len(rendered.figure.data) >= 1, chart_id
        assert "no data" not in rendered.summary


def test_conditions_registry_2_empty_data_shows_the_empty_state(monkeypatch):
    from dashboard import registry
    from dashboard.charts import conditions as cc

    chart = registry.get("conditions-mix")
    monkeypatch.setattr(cc, "run", lambda name, **params: pd.DataFrame(
        columns=["area_code", "group_id", "subgroup", "people", "sample_n"]))
    rendered = registry.render(chart, Filters())
    assert rendered.data.empty
    assert "No data for this selection" in rendered.figure.layout.annotations[0].text


def test_conditions_routes_1_every_chart_is_in_the_catalogue(client):
    listed = {c["id"]: c for c in client.get("/api/charts").get_json()}
    for chart_id in CHARTS:
        assert listed[chart_id]["page"] == "/conditions"
