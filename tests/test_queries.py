"""Queries on a tiny hand-made warehouse with exact expected rows, the NULL-means-all case, and hostile input."""
import pandas as pd
import pytest

import queries
from data import build
from queries import QueryError, Warehouse

ROWS = [
    # period, area, level, age, sex, condition, people, sample_n
    ("2024Q1", "E54000050", "icb", "16-24", "female", 3, 100.0, 10),
    ("2024Q1", "E54000050", "icb", "16-24", "male", 12, 50.0, 5),
    ("2024Q1", "E54000050", "icb", "50-64", "female", 9, 30.0, 3),
    ("2024Q2", "E54000050", "icb", "16-24", "female", 3, 80.0, 8),
    ("2024Q1", "E54000061", "icb", "16-24", "female", 3, 70.0, 7),
]
POP = [
    ("2024Q1", "E54000050", "icb", "16-24", "female", 1000.0, 100),
    ("2024Q1", "E54000050", "icb", "16-24", "male", 1000.0, 100),
    ("2024Q1", "E54000050", "icb", "50-64", "female", 500.0, 50),
    ("2024Q2", "E54000050", "icb", "16-24", "female", 1000.0, 100),
    ("2024Q1", "E54000061", "icb", "16-24", "female", 700.0, 70),
]


@pytest.fixture()
def wh(tiny_con):
    tiny_con.executemany("INSERT INTO long_term_sick VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ROWS)
    tiny_con.executemany("INSERT INTO population VALUES (?, make_date(?::INT, (?::INT - 1) * 3 + 1, 1), ?, ?, ?, ?, ?, ?)",
                         [(p, int(p[:4]), int(p[5]), *rest) for p, *rest in POP])
    tiny_con.execute("INSERT INTO meta VALUES ('data_version', 'tiny'), ('is_demo', 'true')")
    return Warehouse(connection=tiny_con)


def lts(wh, **overrides):
    params = {"areas": None, "level": "icb", "period_from": "2024Q1", "period_to": "2024Q2", "age": None, "sex": None, "condition": None}
    params.update(overrides)
    return wh.run("long_term_sick", **params)


def test_long_term_sick_1_sums_every_cell_when_filters_are_null(wh):
    frame = lts(wh)
    got = frame[["period", "area_code", "people", "population", "sample_size", "sample_sick"]].values.tolist()
    assert got == [
        ["2024Q1", "E54000050", 180.0, 2500.0, 250, 18],
        ["2024Q2", "E54000050", 80.0, 1000.0, 100, 8],
        ["2024Q1", "E54000061", 70.0, 700.0, 70, 7],
    ]


def test_long_term_sick_2_filters_by_age_sex_condition_and_area(wh):
    frame = lts(wh, areas=["E54000050"], period_to="2024Q1", age="16-24", sex="female", condition="msk")
    assert frame[["people", "population"]].values.tolist() == [[100.0, 1000.0]]
    back = lts(wh, areas=["E54000050"], period_to="2024Q1", condition="back")
    assert back["people"].tolist() == [100.0]  # back pain (code 3) is a subgroup of MSK
    mental = lts(wh, areas=["E54000050"], period_to="2024Q1", condition="mental")
    assert mental[["people", "population"]].values.tolist() == [[50.0, 2500.0]]


def test_long_term_sick_3_area_with_no_sick_rows_reports_zero_not_missing(wh):
    frame = lts(wh, areas=["E54000061"], condition="heart")
    assert frame[["people", "population", "sample_sick"]].values.tolist() == [[0.0, 700.0, 0]]


def test_long_term_sick_4_hostile_strings_are_values_not_sql(wh):
    hostile = "E54000050' OR '1'='1"
    assert lts(wh, areas=[hostile]).empty
    assert lts(wh, age="x'); DROP TABLE population; --").empty
    assert wh.run("long_term_sick", areas=None, level="icb", period_from="2024Q1", period_to="2024Q2",
                  age=None, sex=None, condition=None).shape[0] == 3  # the table is still there


def test_runner_1_missing_and_unknown(wh):
    with pytest.raises(QueryError, match="needs parameters"):
        wh.run("long_term_sick", areas=None)
    with pytest.raises(QueryError, match="no query called"):
        wh.run("no_such_query")
    with pytest.raises(QueryError, match="not a query name"):
        wh.run("../data/schema")


def test_runner_2_results_are_cached_per_version(wh):
    first = lts(wh)
    assert lts(wh) is first
    assert wh.version == "tiny" and wh.is_demo


def test_runner_3_notices_a_new_warehouse_file(tmp_path):
    from data import build

    path = tmp_path / "w.duckdb"
    build.build_demo(path, participants=500, seed=1)
    wh = Warehouse(path)
    old = wh.version
    build.build_demo(path, participants=500, seed=2)
    assert wh.version != old


def test_runner_4_missing_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(queries.WarehouseMissing, match="python -m data.build"):
        _ = Warehouse(tmp_path / "none.duckdb").version


def test_interventions_outcomes_1_counts_only_cohorts_with_a_year_of_follow_up(tiny_con):
    rows = [
        # id, programme, icb, cond, group, age, sex, referral, ltu, start, followup, days_to_job, sustained, cost
        (1, "whp", "E54000050", 3, "msk", "16-24", "female", "GP", False, "2020-01-01", 400, 100, True, 10.0),
        (2, "whp", "E54000050", 3, "msk", "16-24", "female", "GP", False, "2020-01-01", 400, None, None, 10.0),
        (3, "whp", "E54000050", 3, "msk", "16-24", "female", "GP", False, "2026-01-01", 100, 50, None, 10.0),
        (4, "ips", "E54000008", 12, "mental", "50-64", "male", "self", False, "2020-01-01", 900, None, None, 10.0),
    ]
    tiny_con.executemany("INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)",
                         rows)
    build.build_rollups(tiny_con)
    wh = Warehouse(connection=tiny_con)
    params = {"icbs": None, "age": None, "sex": None, "condition": None,
                  "start_from": pd.Timestamp("2019-01-01").date(), "start_to": pd.Timestamp("2026-06-30").date()}
    ne = wh.run("interventions_outcomes", geo="E12000001", **params)  # the North East region: NENC only
    ne = ne[ne["participants"] > 0]
    assert ne[["programme", "participants", "followed_12m", "jobs_12m"]].values.tolist() == [["whp", 3, 2, 1]]
    england = wh.run("interventions_outcomes", geo="E92000001", **params)
    assert sorted(england.loc[england["participants"] > 0, "programme"]) == ["ips", "whp"]
