"""One programme fact model: a warehouse built from real-layout files only (tests/fixtures/sources/real, whose
pilot return is in the project's template) draws every interventions chart from the returns, number for number
against the file, says what the returns do not record, and holds no synthetic programme row; the access-control
hook keeps only the viewer's ICBs."""
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import queries
from dashboard import figures, registry
from dashboard.charts import _programmes
from dashboard.filters import Filters
from data import build
from tests import warehouses

RETURNS = warehouses.REAL_FILES / "pilot_returns_2024q3_2025q1.csv"
SY, WY, NENC = "E54000061", "E54000054", "E54000050"


def returned() -> pd.DataFrame:
    """The file itself, totalled by programme as the template defines: every row but 'back' (part of msk)."""
    rows = pd.read_csv(RETURNS)
    return rows[rows["condition_group"] != "back"]


def notes(rendered) -> str:
    return " ".join(a.text for a in rendered.figure.layout.annotations)


def test_facts_1_no_synthetic_programme_row_and_every_start_once(real_files_db):
    with duckdb.connect(str(real_files_db), read_only=True) as con:
        facts = con.execute("""SELECT origin, bool_or(synthetic), string_agg(DISTINCT followup, ','),
                                      sum(participants), count(age_band), count(app_used)
                               FROM programme_facts GROUP BY ALL""").fetchall()
        people = con.execute("SELECT count(*) FROM participants").fetchone()[0]
        days = con.execute("SELECT count(*) FROM programme_days").fetchone()[0]
    starts = int(pd.read_csv(RETURNS)["starts"].sum())  # 'back' rows too: the facts keep every row of the file
    assert facts == [("pilot_returns", False, "as_of_return", starts, 0, 0)]
    assert people == 0 and days == 0


def test_facts_2_outcomes_number_for_number_against_the_file(real_files):
    rendered = registry.render("interventions-outcomes", Filters())
    data = rendered.data
    file = returned().groupby("programme")
    jobs = data[data["measure"] == "In work within 12 months"].set_index("programme")
    sustained = data[data["measure"] != "In work within 12 months"].set_index("programme")
    for programme, rows in file:
        known = rows[rows["job_outcomes"].notna()]
        assert jobs.at[programme, "participants"] == 5 * round(rows["starts"].sum() / 5)  # counts rounded to 5
        assert np.isclose(jobs.at[programme, "rate"], known["job_outcomes"].sum() / known["starts"].sum() * 100)
        kept = rows[rows["sustained_outcomes"].notna()]
        if len(kept):
            assert np.isclose(sustained.at[programme, "rate"],
                              kept["sustained_outcomes"].sum() / kept["starts"].sum() * 100)
    # Hand-worked: accelerator 54+40+96+84 = 274 jobs of 180+160+320+300 = 960 starts; sustained 113 of 660
    # (North East and North Cumbria's sustained outcomes are blank: not yet known).
    assert np.isclose(jobs.at["accelerator", "rate"], 274 / 960 * 100)
    assert sustained.at["accelerator", "eligible"] == 660 and sustained.at["accelerator", "outcomes"] == 115
    assert jobs.at["accelerator", "lower"] < jobs.at["accelerator", "rate"] < jobs.at["accelerator", "upper"]
    assert set(data.loc[data["participants"] > 0, "followup"]) == {"as_of_return"}
    assert not rendered.demo and figures.DEMO_NOTE not in notes(rendered)
    assert "of the starts whose outcome is reported" in rendered.summary
    assert RETURNS.name in rendered.summary


def test_facts_3_condition_and_area_filters_read_the_returns_rows(real_files):
    rendered = registry.render("interventions-outcomes", Filters(condition="msk"))
    msk = rendered.data.set_index("programme")
    assert msk.loc["accelerator", "participants"].iloc[0] == 180  # South Yorkshire's msk row; 'all' rows cannot split
    assert "620 starts in pilot returns not split by condition are left out" in rendered.summary  # 320 + 300
    back = registry.render("interventions-outcomes", Filters(condition="back")).data.set_index("programme")
    assert back.loc["accelerator", "participants"].iloc[0] == 80
    sy = registry.render("interventions-outcomes", Filters(geo=SY)).data
    assert set(sy.loc[sy["participants"] > 0, "programme"]) == {"accelerator", "workwell"}


def test_facts_4_what_the_returns_lack_is_said_not_made_up(real_files):
    aged = registry.render("interventions-outcomes", Filters(age="50-64"))
    assert aged.data.empty and "age and sex are not in the pilot returns" in aged.summary.lower()
    days = registry.render("interventions-time-to-work", Filters())
    assert days.data.empty and "time to work is not in the pilot returns" in days.summary.lower()
    app = registry.render("interventions-digital-msk", Filters())
    assert app.data.empty and "app use, adherence and msk-hq scores are not in the pilot returns" in app.summary.lower()
    for rendered in (aged, days, app):
        assert not rendered.demo and figures.DEMO_NOTE not in notes(rendered)


def test_facts_5_funnel_and_cost_from_the_returns(real_files):
    funnel = registry.render("interventions-funnel", Filters(intervention="accelerator")).data.set_index("area_code")
    assert set(funnel.index) == {SY, WY, NENC}
    assert np.isclose(funnel.at[WY, "rate"], 96 / 320 * 100) and np.isclose(funnel.at[SY, "rate"], 94 / 340 * 100)
    assert np.isclose(funnel["national_rate"].iloc[0], 274 / 960 * 100)
    cost = registry.render("interventions-cost", Filters()).data.set_index("programme")
    assert cost.at["accelerator", "cost_per_participant"] == round(1_440_000 / 960)
    assert cost.at["accelerator", "cost_per_job"] == round(1_440_000 / 274)
    assert cost.at["accelerator", "cost_per_sustained"] == round(990_000 / 113)  # the rows with sustained known
    assert not registry.render("interventions-cost", Filters()).demo


def test_facts_6_only_the_viewers_icbs(real_files):
    params = {"geo": "E92000001", "age": None, "sex": None, "condition": None,
              "start_from": date(2019, 1, 1), "start_to": date(2026, 6, 30)}
    everyone = real_files.run("interventions_parts", icbs=None, **params)
    mine = real_files.run("interventions_parts", icbs=[SY], **params)
    assert len(set(everyone["icb_code"])) == 4 and set(mine["icb_code"]) == {SY}
    assert real_files.run("interventions_outcomes", icbs=[], **params)["participants"].sum() == 0
    assert all(registry.get(c).restricted for c in ("interventions-outcomes", "interventions-funnel",
               "interventions-time-to-work", "interventions-cost", "interventions-digital-msk",
               "accelerators-compare"))
    assert not registry.get("regions-league").restricted


def test_facts_7_a_demo_warehouse_is_marked_synthetic(demo_warehouse):
    assert _programmes.facts_synthetic()
    rendered = registry.render("interventions-outcomes", Filters())
    assert rendered.demo and set(rendered.data["followup"]) <= {"equal", ""}


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory) -> Path:
    """Demo participant records and the real pilot return in one warehouse (what a build --with-demo makes)."""
    from data import demo

    path = tmp_path_factory.mktemp("mixed-facts") / "w.duckdb"
    sources = build.read_sources(warehouses.REAL_FILES)
    meta = {"data_version": "mixedfacts", "built_at": "2026-07-01T00:00:00+00:00", "is_demo": "true",
            "seed": demo.SEED, "participants": 2000, "data_cutoff": demo.DATA_CUTOFF.isoformat()}
    build.publish(path, demo.generate(participants=2000, seed=demo.SEED), meta,
                  extra=lambda con: build.load_sources(con, sources))
    return path


def test_facts_8_mixed_with_demo_records_each_synthetic_programme_is_named_so(mixed_db, monkeypatch):
    wh = queries.Warehouse(mixed_db)
    monkeypatch.setattr(queries, "_default", wh)
    try:
        sources = wh.run("programme_sources")
        assert set(zip(sources["origin"], sources["synthetic"], sources["followup"], strict=True)) == {
            ("participant_records", True, "equal"), ("pilot_returns", False, "as_of_return")}
        rendered = registry.render("interventions-outcomes", Filters())
        data = rendered.data[rendered.data["participants"] > 0].drop_duplicates("programme").set_index("programme")
        # The accelerator has both demo records and the returns; the WHP only demo records.
        assert data.at["accelerator", "programme_name"] == "Health and Growth Accelerators (partly synthetic)"
        assert data.at["whp", "programme_name"].endswith(" (synthetic)") and data.at["accelerator", "synthetic"]
        assert data.at["accelerator", "followup"] == "as_of_return,equal"
        assert rendered.demo and figures.DEMO_NOTE in notes(rendered)
        assert not wh.run("programme_sources").query("origin == 'pilot_returns'")["synthetic"].any()
    finally:
        wh.close()
