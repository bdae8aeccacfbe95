"""The interventions queries on a tiny hand-made warehouse: exact rows, follow-up rules, NULL means all,
and a hostile string bound as a value."""
from datetime import date

import pytest

from data import build
from queries import Warehouse

NENC, SY, LONDON_ICB = "E54000050", "E54000061", "E54000027"  # NENC is in the North East region E12000001
START = {"start_from": date(2019, 1, 1), "start_to": date(2026, 6, 30)}
NONE = {"icbs": None, "age": None, "sex": None, "condition": None}

# id, programme, icb, condition_code, group, age, sex, followup, days_to_job, sustained, cost, app, adherence, mskhq
PEOPLE = [
    (1, "whp", NENC, 3, "msk", "50-64", "female", 800, 100, True, 2000, None, None, None),
    (2, "whp", NENC, 12, "mental", "25-34", "male", 800, None, None, 2000, None, None, None),
    (3, "whp", NENC, 12, "mental", "25-34", "female", 400, 200, None, 1000, None, None, None),  # 12m, not 26w
    (4, "whp", SY, 1, "msk", "35-49", "male", 100, 50, None, 500, None, None, None),  # too recent for either
    (5, "ips", LONDON_ICB, 12, "mental", "16-24", "female", 600, None, None, 3000, None, None, None),
    (6, "digital_msk", NENC, 3, "msk", "50-64", "female", 700, 30, True, 150, True, 0.5, 8.0),
    (7, "digital_msk", NENC, 2, "msk", "35-49", "male", 700, None, None, 150, True, 0.7, None),
    (8, "digital_msk", SY, 1, "msk", "35-49", "male", 700, None, None, 150, False, 0.0, 2.0),
]


@pytest.fixture()
def wh(tiny_con):
    tiny_con.executemany(
        "INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?, ?, 'GP', false, DATE '2024-01-01', ?, ?, ?, ?, ?, ?, ?)",
        PEOPLE)
    build.build_rollups(tiny_con)
    tiny_con.execute("INSERT INTO meta VALUES ('data_version', 'tiny'), ('is_demo', 'true')")
    return Warehouse(connection=tiny_con)


def outcomes(wh, **params):
    frame = wh.run("interventions_outcomes", **{"geo": "E92000001", **NONE, **START, **params})
    return frame.set_index("programme")


def test_outcomes_1_counts_only_cohorts_with_enough_follow_up(wh):
    whp = outcomes(wh).loc["whp"]
    assert (whp["participants"], whp["followed_12m"], whp["jobs_12m"]) == (4, 3, 2)
    assert (whp["followed_26w"], whp["sustained_26w"]) == (2, 1)
    assert (whp["cost_gbp"], whp["cost_12m"], whp["cost_26w"]) == (5500, 5000, 4000)


def test_outcomes_2_every_programme_listed_even_with_no_participants(wh):
    frame = outcomes(wh)
    assert len(frame) == 10
    assert frame.loc["universal_support", "participants"] == 0


def test_outcomes_3_geo_region_means_its_icbs_and_filters_narrow(wh):
    assert outcomes(wh, geo="E12000001").loc["whp", "participants"] == 3  # NENC only
    assert outcomes(wh, geo=SY).loc["whp", "participants"] == 1
    assert outcomes(wh, sex="female").loc["whp", "participants"] == 2
    assert outcomes(wh, condition="back").loc["whp", "participants"] == 1  # code 3
    assert outcomes(wh, start_to=date(2023, 12, 31))["participants"].sum() == 0


def test_outcomes_4_hostile_strings_are_values(wh):
    frame = outcomes(wh, sex="female' OR '1'='1", geo="x'; DROP TABLE participants; --")
    assert frame["participants"].sum() == 0
    assert outcomes(wh)["participants"].sum() == 8


def test_funnel_query_1_one_programme_by_icb_with_area_flag(wh):
    frame = wh.run("interventions_funnel", programme="whp", geo="E12000001", **NONE, **START).set_index("area_code")
    assert frame.loc[NENC, ["participants", "followed_12m", "jobs_12m"]].tolist() == [3, 3, 2]
    assert bool(frame.loc[NENC, "in_area"]) and not bool(frame.loc[SY, "in_area"])
    assert frame.loc[SY, "followed_12m"] == 0


def test_time_to_work_query_1_events_and_censoring_at_min_365_followup(wh):
    frame = wh.run("interventions_time_to_work", geo="E92000001", intervention=None, **NONE, **START)
    whp = frame[frame["grp"] == "Work and Health Programme"]
    rows = sorted(zip(whp["day"], whp["event"], whp["people"], strict=True))
    # jobs at 50, 100, 200; no job: censored at min(365, 800) = 365
    assert rows == [(50, True, 1), (100, True, 1), (200, True, 1), (365, False, 1)]
    ips = frame[frame["grp"] == "Individual Placement and Support"]
    assert ips[["day", "event"]].values.tolist() == [[365, False]]


def test_time_to_work_query_2_one_programme_splits_by_condition(wh):
    frame = wh.run("interventions_time_to_work", geo="E92000001", intervention="whp", **NONE, **START)
    assert set(frame["grp"]) == {"Musculoskeletal", "Mental health"}


def test_digital_msk_query_1_engagement_by_app_use(wh):
    frame = wh.run("interventions_digital_msk", geo="E92000001", **NONE, **START).set_index("app_used")
    assert frame.loc[True, "participants"] == 2 and frame.loc[False, "participants"] == 1
    assert frame.loc[True, "adherence_mean"] == pytest.approx(0.6)
    assert frame.loc[True, "mskhq_n"] == 1 and frame.loc[True, "mskhq_mean"] == 8.0
    assert frame.loc[True, "jobs_12m"] == 1
