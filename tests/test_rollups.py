"""The rollups (data/rollups.sql) answer exactly what the participant rows answer: every query that reads a
rollup is checked against the same question asked of the participants table directly, on the demo
warehouse, for selections across every filter."""
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from data import build

SELECTIONS = [
    {"geo": "E92000001", "age": None, "sex": None, "condition": None,
     "start_from": date(2019, 1, 1), "start_to": date(2026, 6, 30)},
    {"geo": "E12000003", "age": "50-64", "sex": None, "condition": "msk",
     "start_from": date(2023, 4, 1), "start_to": date(2025, 12, 31)},
    {"geo": "E54000050", "age": None, "sex": "female", "condition": "back",
     "start_from": date(2024, 1, 1), "start_to": date(2024, 12, 31)},
    {"geo": "E54000054", "age": "35-49", "sex": "male", "condition": "mental",
     "start_from": date(2019, 1, 1), "start_to": date(2026, 6, 30)},
]

# The participant-level selection every rollup query stands for.
CHOSEN = """
    FROM participants p JOIN areas a ON a.code = p.icb_code
    WHERE ($geo = 'E92000001' OR a.code = $geo OR a.parent = $geo)
      AND p.start_date BETWEEN $start_from AND $start_to
      AND ($age IS NULL OR p.age_band = $age) AND ($sex IS NULL OR p.sex = $sex)
      AND ($condition IS NULL OR p.condition_group = $condition OR ($condition = 'back' AND p.condition_code = 3))
"""


@pytest.fixture(scope="module")
def con(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        yield connection


def direct(con, select: str, params: dict, group: str = "") -> pd.DataFrame:
    return con.execute(f"SELECT {select} {CHOSEN} {group}", params).df()


@pytest.mark.parametrize("params", SELECTIONS)
def test_rollups_1_programme_outcomes_match_the_participant_rows(demo_warehouse, con, params):
    got = demo_warehouse.run("interventions_outcomes", icbs=None, **params).set_index("programme")
    want = direct(con, """p.programme, count(*) AS participants,
        count(*) FILTER (WHERE followup_days >= 365) AS followed_12m,
        count(*) FILTER (WHERE followup_days >= 365 AND days_to_job IS NOT NULL) AS jobs_12m,
        count(*) FILTER (WHERE followup_days >= 547) AS followed_26w,
        count(*) FILTER (WHERE followup_days >= 547 AND sustained_26w) AS sustained_26w,
        sum(cost_gbp) AS cost_gbp, coalesce(sum(cost_gbp) FILTER (WHERE followup_days >= 547), 0) AS cost_26w""",
                  params, "GROUP BY p.programme").set_index("programme")
    assert want["participants"].sum() > 0
    got = got.loc[got["participants"] > 0]
    assert sorted(got.index) == sorted(want.index)
    for column in ["participants", "followed_12m", "jobs_12m", "followed_26w", "sustained_26w"]:
        assert (got[column].astype(int) == want.loc[got.index, column].astype(int)).all(), column
    for column in ["cost_gbp", "cost_26w"]:
        assert np.allclose(got[column], want.loc[got.index, column]), column


@pytest.mark.parametrize("params", SELECTIONS)
def test_rollups_2_time_to_work_counts_match_the_participant_rows(demo_warehouse, con, params):
    got = demo_warehouse.run("interventions_time_to_work", icbs=None, intervention="whp", **params)
    want = direct(con, """coalesce(days_to_job, least(365, followup_days)) AS day, days_to_job IS NOT NULL AS event,
                          count(*) AS people""", params, "AND p.programme = 'whp' GROUP BY ALL")
    got = got.groupby(["day", "event"])["people"].sum()
    want = want.set_index(["day", "event"])["people"].sort_index()
    assert len(want) > 0 and got.sort_index().astype(int).equals(want.astype(int))


@pytest.mark.parametrize("params", [*SELECTIONS[:2], {**SELECTIONS[2], "geo": "E12000007"}])
def test_rollups_3_digital_msk_means_and_standard_deviations(demo_warehouse, con, params):
    got = demo_warehouse.run("interventions_digital_msk", icbs=None, **params).set_index("app_used")
    want = direct(con, """coalesce(app_used, false) AS app_used, count(*) AS participants,
                          count(adherence) AS adherence_n, avg(adherence) AS adherence_mean,
                          stddev_samp(adherence) AS adherence_sd, count(mskhq_change) AS mskhq_n,
                          avg(mskhq_change) AS mskhq_mean, stddev_samp(mskhq_change) AS mskhq_sd""",
                  params, "AND p.programme = 'digital_msk' GROUP BY ALL").set_index("app_used")
    assert len(want) > 0
    want = want.reindex(got.index)
    for column in ["participants", "adherence_n", "mskhq_n"]:
        assert (got[column].to_numpy(dtype=int) == want[column].to_numpy(dtype=int)).all(), column
    for column in ["adherence_mean", "adherence_sd", "mskhq_mean", "mskhq_sd"]:
        assert np.allclose(got[column].to_numpy(dtype=float), want[column].to_numpy(dtype=float), rtol=1e-9,
                           equal_nan=True), column


@pytest.mark.parametrize("params", SELECTIONS)
def test_rollups_4_funnel_and_accelerator_counts(demo_warehouse, con, params):
    funnel = demo_warehouse.run("interventions_funnel", icbs=None, programme="ips", **params).set_index("area_code")
    want = direct(con, "p.icb_code, count(*) AS participants", {**params, "geo": "E92000001"},
                  "AND p.programme = 'ips' GROUP BY ALL").set_index("icb_code")
    assert (funnel["participants"].astype(int) == want.loc[funnel.index, "participants"]).all()
    compare = demo_warehouse.run("accelerators_compare", icbs=None, **{k: v for k, v in params.items() if k != "geo"})
    want = direct(con, "count(*) AS n", {**params, "geo": "E92000001"}, "AND p.programme = 'accelerator'")
    assert int(compare["participants"].sum()) == int(want["n"].iloc[0])


def test_rollups_5_are_much_smaller_than_the_participant_rows(con):
    people = con.execute("SELECT count(*) FROM participants").fetchone()[0]
    cells = con.execute("SELECT count(*) FROM programme_facts").fetchone()[0]
    assert cells < people


def test_rollups_6_a_build_refuses_rollups_that_do_not_add_up(tiny_con):
    tiny_con.execute("INSERT INTO participants VALUES (1, 'whp', 'E54000050', 3, 'msk', '16-24', 'female', 'GP', "
                     "false, DATE '2024-01-01', 400, 100, true, 10.0, NULL, NULL, NULL)")
    build.build_rollups(tiny_con)
    tiny_con.execute("DELETE FROM programme_days")
    with pytest.raises(build.BuildError, match="programme_days counts 0 participants, the participants table 1"):
        build.check_rollups(tiny_con)
