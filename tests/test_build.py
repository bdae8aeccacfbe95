"""The demo generator's calibration against published figures, and the build's atomic publishing."""
import duckdb
import pytest

from data import build, demo

UK = 1 / demo.ENGLAND_SHARE_OF_UK


@pytest.fixture(scope="module")
def con(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as c:
        yield c


def england_people(con, period, ages=None):
    sql = "SELECT sum(people) FROM long_term_sick WHERE level = 'england' AND period = $p"
    params = {"p": period}
    if ages:
        sql += " AND list_contains($ages, age_band)"
        params["ages"] = ages
    return con.execute(sql, params).fetchone()[0]


def test_national_1_path_matches_the_published_uk_figures(con):
    # ONS: about 2.05m (2019), 2.5m (Jun-Aug 2022), 2.8m record (Dec 2023-Feb 2024); England scaled to its share.
    assert england_people(con, "2019Q1") * UK == pytest.approx(2.05e6, rel=0.04)
    assert england_people(con, "2022Q3") * UK == pytest.approx(2.50e6, rel=0.04)
    assert england_people(con, "2024Q1") * UK == pytest.approx(2.80e6, rel=0.04)


def test_national_2_young_people_aged_16_34_in_early_2023(con):
    # ONS: 560,000 aged 16-34 inactive through long-term sickness, Jan-Mar 2023.
    assert england_people(con, "2023Q1", ["16-24", "25-34"]) * UK == pytest.approx(560_000, rel=0.10)


def test_regions_1_north_east_highest_london_lowest(con):
    rates = con.execute("""
        WITH s AS (SELECT area_code, sum(people) p FROM long_term_sick WHERE level='region' AND period='2024Q1' GROUP BY 1),
             n AS (SELECT area_code, sum(population) n FROM population WHERE level='region' AND period='2024Q1' GROUP BY 1)
        SELECT a.name FROM s JOIN n USING (area_code) JOIN areas a ON a.code = area_code ORDER BY p / n DESC
    """).fetchall()
    names = [r[0] for r in rates]
    assert names[0] == "North East" and names[-1] == "London" and len(names) == 9


def test_regions_2_rollups_add_up_to_england(con):
    totals = dict(con.execute("""SELECT level, sum(people) FROM long_term_sick WHERE period='2025Q1' GROUP BY 1""").fetchall())
    assert totals["icb"] == pytest.approx(totals["england"]) == pytest.approx(totals["region"])


def test_conditions_1_msk_about_one_in_four_and_mental_health_most_reported(con):
    shares = dict(con.execute("""
        SELECT c.group_id, sum(people) / (SELECT sum(people) FROM long_term_sick WHERE level='england' AND period='2024Q1')
        FROM long_term_sick l JOIN conditions c ON c.code = l.condition_code
        WHERE level='england' AND period='2024Q1' GROUP BY 1""").fetchall())
    assert 0.20 <= shares["msk"] <= 0.30  # ONS: 646,000 of about 2.8m
    specific = {k: v for k, v in shares.items() if k != "other"}
    assert max(specific, key=specific.get) == "mental"


def job_rate(con, where):
    return con.execute(f"""SELECT avg((days_to_job IS NOT NULL)::INT) FROM participants
                           WHERE followup_days >= 365 AND {where}""").fetchone()[0]


def test_programmes_1_work_and_health_programme_about_21_percent(con):
    # DWP: 797 of 3,817 (21%) in work after 12 months; the long-term unemployed 8%.
    assert job_rate(con, "programme = 'whp'") == pytest.approx(0.21, abs=0.015)
    assert job_rate(con, "programme = 'whp' AND long_term_unemployed") == pytest.approx(0.08, abs=0.02)


def test_programmes_2_ips_within_the_trial_range(con):
    assert 0.30 <= job_rate(con, "programme = 'ips'") <= 0.55


def test_programmes_3_only_where_and_when_they_ran(con):
    outside = con.execute("""
        SELECT count(*) FROM participants p
        WHERE NOT EXISTS (SELECT 1 FROM programme_areas a WHERE a.programme = p.programme AND a.icb_code = p.icb_code)
    """).fetchone()[0]
    assert outside == 0
    windows = {r[0]: r[1:] for r in con.execute(
        "SELECT programme, min(start_date), max(start_date), count(DISTINCT icb_code) FROM participants GROUP BY 1"
    ).fetchall()}
    assert str(windows["workwell"][0]) >= "2024-10-01" and str(windows["workwell"][1]) <= "2026-03-31"
    assert windows["workwell"][2] == 15
    assert str(windows["accelerator"][0]) >= "2025-04-01" and windows["accelerator"][2] == 3
    accel = {r[0] for r in con.execute("SELECT DISTINCT icb_code FROM participants WHERE programme='accelerator'").fetchall()}
    assert accel == {"E54000061", "E54000054", "E54000050"}


def test_programmes_4_outcomes_only_seen_after_enough_follow_up(con):
    assert con.execute("SELECT count(*) FROM participants WHERE days_to_job > followup_days OR days_to_job > 365"
                       ).fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM participants WHERE sustained_26w IS NOT NULL "
                       "AND days_to_job + 182 > followup_days").fetchone()[0] == 0


def test_survey_1_reliability_flags_appear_for_small_cells(con):
    small = con.execute("""SELECT count(*) FROM (SELECT area_code, period, age_band, sex, sum(sample_n) s
                           FROM long_term_sick WHERE level='icb' GROUP BY ALL) WHERE s BETWEEN 3 AND 9""").fetchone()[0]
    assert small > 0


def test_generator_1_is_deterministic():
    a = demo.generate(participants=2_000, seed=7)
    b = demo.generate(participants=2_000, seed=7)
    c = demo.generate(participants=2_000, seed=8)
    assert a.long_term_sick.equals(b.long_term_sick) and a.participants.equals(b.participants)
    assert not a.long_term_sick["people"].equals(c.long_term_sick["people"])


def test_build_1_meta_says_demo(con):
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    assert meta["is_demo"] == "true" and len(meta["data_version"]) == 12
    assert meta["accelerator_effect_pp"] == str(demo.ACCELERATOR_EFFECT_PP)


def test_build_2_failure_leaves_the_existing_warehouse_untouched(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    build.build_demo(path, participants=1_000, seed=1)
    before = path.read_bytes()

    def broken(con, data):
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C half way through loading

    monkeypatch.setattr(build, "load_facts", broken)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    assert build.main(["--participants", "1000"]) == 130
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_build_3_bad_arguments_exit_with_a_message(tmp_path, monkeypatch, capsys):
    path = tmp_path / "w.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    for bad in (["--participants", "lots"], ["--participants", "0"]):
        with pytest.raises(SystemExit) as exit_info:
            build.main(bad)
        assert exit_info.value.code == 2
        assert "--participants" in capsys.readouterr().err
    assert not path.exists()


def test_build_4_rebuild_keeps_a_backup_and_changes_the_version(tmp_path):
    path = tmp_path / "w.duckdb"
    first = build.build_demo(path, participants=500, seed=1)["data_version"]
    second = build.build_demo(path, participants=500, seed=1)["data_version"]
    assert first != second
    assert (tmp_path / "w.duckdb.bak").exists()


def _set_meta(path, key, value):
    with duckdb.connect(str(path)) as c:
        c.execute("DELETE FROM meta WHERE key = $k", {"k": key})
        c.execute("INSERT INTO meta VALUES ($k, $v)", {"k": key, "v": value})


def test_build_5_app_rebuilds_a_demo_warehouse_built_by_older_code(tmp_path, capsys):
    import app
    from dashboard.settings import Settings

    path = tmp_path / "w.duckdb"
    build.build_demo(path, participants=500, seed=1)
    assert build.built_meta(path)["schema_version"] == build.schema_version()
    settings = Settings.from_env({"DASHBOARD_DB": str(path)})
    old_version = build.built_meta(path)["data_version"]
    app.ensure_warehouse(settings)  # current: left alone
    assert build.built_meta(path)["data_version"] == old_version
    _set_meta(path, "schema_version", "older")
    app.ensure_warehouse(settings)
    meta = build.built_meta(path)
    assert meta["schema_version"] == build.schema_version() and meta["data_version"] != old_version
    assert "built by an older version: rebuilding" in capsys.readouterr().err


def test_build_6_app_never_replaces_a_real_data_warehouse_built_by_older_code(tmp_path):
    import app
    from dashboard.settings import Settings

    path = tmp_path / "w.duckdb"
    build.build_demo(path, participants=500, seed=1)
    _set_meta(path, "schema_version", "older")
    _set_meta(path, "real_tables", "source_long_term_sick")
    before = path.read_bytes()
    with pytest.raises(SystemExit, match="python -m data.build --source DIR"):
        app.ensure_warehouse(Settings.from_env({"DASHBOARD_DB": str(path)}))
    assert path.read_bytes() == before
