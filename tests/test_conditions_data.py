"""Conditions page data: groups from the reference table, shares that sum to 100%, disclosure control,
Wilson intervals and the 2019 index, on a tiny hand-made warehouse and on the demo warehouse."""
import numpy as np
import pandas as pd
import pytest

import queries
from dashboard import registry
from dashboard.charts import conditions as cc
from dashboard.filters import ENGLAND, Filters
from dashboard.stats import quality
from dashboard.stats.intervals import wilson
from queries import Warehouse

ICB = "E54000050"
# period, area, level, age, sex, condition code, people, sample_n
CELLS = {  # condition code -> (people, sample_n) in the ICB, each quarter
    1: (103.0, 10), 3: (212.0, 20), 12: (401.0, 40), 11: (0.0, 0), 17: (297.0, 30),
}
ROWS = (
    [(q, ICB, "icb", "16-24", "female", code, people, n) for q in ("2024Q1", "2024Q2")
     for code, (people, n) in CELLS.items()]
    + [("2024Q1", ICB, "icb", "16-24", "female", 9, 5.0, 1)]  # heart: 5 in one quarter of two -> 2.5: suppressed
    + [("2024Q1", ENGLAND, "england", "16-24", "female", code, people, n) for code, people, n in (
        (1, 1000.4, 100), (3, 2000.2, 200), (12, 4000.3, 400), (9, 3.0, 1), (11, 0.0, 0), (17, 3000.1, 300))]
    + [("2019Q1", ICB, "icb", "50-64", "male", 12, 100.0, 10), ("2019Q3", ICB, "icb", "50-64", "male", 12, 300.0, 30),
       ("2026Q2", ICB, "icb", "50-64", "male", 12, 400.0, 40)]
)


@pytest.fixture()
def tiny(tiny_con, monkeypatch):
    tiny_con.executemany("INSERT INTO long_term_sick VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ROWS)
    tiny_con.execute("INSERT INTO meta VALUES ('data_version', 'tiny-conditions'), ('is_demo', 'true')")
    wh = Warehouse(connection=tiny_con)
    monkeypatch.setattr(queries, "_default", wh)
    return wh


def tiny_filters(**changes):
    base = {"geo": ICB, "level": "icb", "period_from": "2024Q1", "period_to": "2024Q2", "age": "16-24", "sex": "female"}
    return Filters(**{**base, **changes})


def top_share_sums(frame, keys):
    return frame[frame["parent"].isna()].groupby(keys)["share"].sum()


def test_conditions_mix_1_groups_come_from_the_reference_table_in_its_order(tiny):
    mix = cc.mix_data(tiny_filters())
    groups = queries.run("conditions_groups")
    assert mix[mix["area_code"] == ICB]["group_id"].tolist() == groups["id"].tolist()
    assert mix.loc[mix["group_id"] == "back", "parent"].tolist() == ["msk", "msk"]
    assert mix["area_code"].drop_duplicates().tolist() == [ICB, ENGLAND]  # focus area first


def test_conditions_mix_2_subnational_counts_are_rounded_and_thin_estimates_not_shown(tiny):
    icb = cc.mix_data(tiny_filters()).query("area_code == @ICB").set_index("group_id")
    assert icb.loc["msk", "people"] == 315  # (103 + 212) a quarter
    assert icb.loc["back", "people"] == 210  # 212 -> nearest 5
    assert icb.loc["mental", "people"] == 400  # 401 -> 400
    # 0 respondents with diabetes, 1 with heart: not shown (as Nomis does for 0-2), people and share blank.
    assert np.isnan(icb.loc["diabetes", "people"]) and np.isnan(icb.loc["diabetes", "share"])
    assert np.isnan(icb.loc["heart", "people"]) and np.isnan(icb.loc["heart", "share"])


def test_conditions_mix_3_national_counts_are_not_rounded(tiny):
    england = cc.mix_data(tiny_filters()).query("area_code == @ENGLAND").set_index("group_id")
    assert england.loc["msk", "people"] == pytest.approx(3000.6)
    assert england.loc["msk", "sample_n"] == 300  # respondent counts are published for England only
    assert np.isnan(england.loc["heart", "people"])  # 1 respondent: not shown, even nationally


def test_conditions_mix_4_shares_from_unrounded_estimates_over_every_group(tiny):
    mix = cc.mix_data(tiny_filters())
    icb = mix.query("area_code == @ICB").set_index("group_id")
    # Shares come from the unrounded estimates over every top-level group, hidden ones included:
    # 315 of 315 + 401 + 0 + 297 + 2.5 (heart, 5 in one quarter of two); not from the rounded counts.
    total = 315 + 401 + 0 + 297 + 2.5
    assert icb.loc["msk", "share"] == pytest.approx(315 / total * 100)
    assert icb.loc["back", "share"] == pytest.approx(212 / total * 100)  # within msk, not added to the total
    # The shares shown sum to 100% less the hidden groups' shares.
    assert top_share_sums(mix, "area_code")[ICB] == pytest.approx((315 + 401 + 297) / total * 100)


def test_conditions_mix_5_intervals_are_wilson_on_the_respondents(tiny):
    icb = cc.mix_data(tiny_filters()).query("area_code == @ICB").set_index("group_id")
    respondents = 2 * (10 + 20 + 40 + 0 + 30) + 1  # every respondent behind the top-level groups, both quarters
    effective = respondents / quality.design_factor() ** 2  # the design factor widens the interval
    share = 315 / (315 + 401 + 0 + 297 + 2.5)
    lower, upper = wilson(share * effective, effective)
    assert np.isnan(icb.loc["msk", "sample_n"])  # respondent counts are not published below national level
    assert icb.loc["msk", "lower"] == pytest.approx(lower * 100)
    assert icb.loc["msk", "upper"] == pytest.approx(upper * 100)
    assert icb.loc["msk", "lower"] < icb.loc["msk", "share"] < icb.loc["msk", "upper"]


def test_conditions_mix_6_an_empty_selection_gives_an_empty_frame(tiny):
    assert cc.mix_data(tiny_filters(age="35-49")).empty
    assert cc.heatmap_data(tiny_filters(age="35-49")).empty
    assert cc.age_data(tiny_filters(geo="E54000061")).empty


def test_conditions_mix_7_a_hostile_area_code_is_bound_not_run(tiny):
    rows = queries.run("conditions_mix", areas=["x'); DROP TABLE long_term_sick; --"], period_from="2024Q1",
                       period_to="2024Q2", age=None, sex=None)
    assert rows.empty
    assert tiny.run("conditions_groups").shape[0] == 6
    assert not queries.run("conditions_mix", areas=[ICB], period_from="2024Q1", period_to="2024Q2",
                           age=None, sex=None).empty  # NULL filters mean every age and sex


def test_conditions_mix_8_ignores_the_condition_filter(tiny):
    every = cc.mix_data(tiny_filters())
    pd.testing.assert_frame_equal(cc.mix_data(tiny_filters(condition="msk")), every)
    assert "condition" not in registry.get("conditions-mix").filters


def test_conditions_index_1_the_mean_of_2019_is_100_whatever_the_period(tiny):
    f = tiny_filters(age="50-64", sex="male", period_from="2026Q2", period_to="2026Q2")
    index = cc.index_data(f).set_index("group_id")
    # 2019 mean of the quarters with data (100 and 300) is 200; 400 in 2026Q2 is 200.
    assert index.loc["mental", "index"] == pytest.approx(200.0)
    assert index["period"].unique().tolist() == ["2026Q2"]


def test_conditions_heatmap_1_difference_is_share_minus_england(tiny):
    heat = cc.heatmap_data(tiny_filters()).set_index(["area_code", "group_id"])
    mix = cc.mix_data(tiny_filters()).set_index(["area_code", "group_id"])
    assert heat.loc[(ICB, "mental"), "difference"] == pytest.approx(
        mix.loc[(ICB, "mental"), "share"] - mix.loc[(ENGLAND, "mental"), "share"])
    assert ENGLAND not in heat.index.get_level_values(0)


@pytest.mark.parametrize("query", ["", "?geo=E12000001&level=icb", "?geo=E54000050&sex=female&age=16-24",
                                   "?geo=E54000057&from=2023Q1&to=2023Q1&age=25-34&sex=male"])
def test_conditions_demo_1_top_level_shares_sum_to_100_for_every_chart(demo_warehouse, query, monkeypatch):
    monkeypatch.setattr(queries, "_default", demo_warehouse)
    f = Filters.from_query(query)
    # Shown shares sum to 100% where every top-level group is shown, and to less where some are hidden.
    for frame, keys in ((cc.mix_data(f), "area_code"), (cc.heatmap_data(f), "area_code"),
                        (cc.trend_data(f), "period"), (cc.age_data(f), ["age_band", "sex"])):
        top = frame[frame["parent"].isna()]
        sums = top.groupby(keys)["share"].sum()
        complete = top.groupby(keys)["share"].apply(lambda s: s.notna().all())
        assert sums[complete].to_numpy() == pytest.approx(100.0)
        assert (sums[~complete] < 100.0 + 1e-9).all()


def test_conditions_demo_2_subnational_counts_are_multiples_of_5(demo_warehouse, monkeypatch):
    monkeypatch.setattr(queries, "_default", demo_warehouse)
    f = Filters.from_query("?geo=E54000061&level=icb")
    for frame in (cc.mix_data(f).query("area_code != @ENGLAND"), cc.heatmap_data(f), cc.trend_data(f),
                  cc.age_data(f)):
        people = frame["people"].dropna()
        assert len(people) and (people % 5 == 0).all()
    england = cc.mix_data(f).query("area_code == @ENGLAND")["people"]
    assert (england % 5 != 0).any()  # national counts are left unrounded


def test_conditions_demo_3_mental_health_rises_fastest_among_the_young(demo_warehouse, monkeypatch):
    monkeypatch.setattr(queries, "_default", demo_warehouse)
    index = cc.index_data(Filters.from_query("?to=2023Q4"))
    latest = index[(index["period"] == "2023Q4") & index["parent"].isna()].set_index("group_id")["index"]
    assert latest.idxmax() == "mental"
    assert pd.Series(latest).notna().all()
