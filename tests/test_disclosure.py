"""Disclosure control through the real outputs: the rule's boundaries (0, 1, 7, 8, 12, 13) in CSV, Excel,
images, embeds and "Show as table"; the differencing, Kaplan-Meier and tiny-group attacks of issue 13
rebuilt against every chart's exports; survey respondents never published below national level."""
from __future__ import annotations

import io
import itertools
import json
import re

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import queries
from dashboard import components, registry
from dashboard.filters import Filters
from dashboard.stats import disclosure
from dashboard.stats.survival import kaplan_meier_from_counts
from data import build
from queries import Warehouse
from tests.disclosure_attack import pair_values, recovered, total_values

ICB = "E54000050"
ISSUE_QUERY = "intervention=emp_adviser_gp&from=2025Q1&to=2025Q1&age=16-24&sex=female&condition=diabetes"
# Boundary cases, each a programme in one ICB: participants (all followed 600 days) and how many found work.
BOUNDARIES = {  # programme: (participants, jobs) -> published participants, published 12-month rate
    "accelerator": (0, 0),
    "workwell": (1, 1),
    "whp": (7, 0),
    "emp_adviser_gp": (8, 0),
    "emp_adviser_msk": (12, 12),
    "ips": (13, 13),
    "msk_hub": (20, 12),
}
EXPECTED = {  # participants shown; rate shown (None: blank)
    "accelerator": (0, None), "workwell": (None, None), "whp": (None, None), "emp_adviser_gp": (10, 0.0),
    "emp_adviser_msk": (10, 100.0), "ips": (15, 100.0), "msk_hub": (20, 60.0),
}


def _people():
    rows, pid = [], 0
    for programme, (n, jobs) in BOUNDARIES.items():
        for i in range(n):
            pid += 1
            job = i < jobs
            rows.append((pid, programme, ICB, 12, "mental", "25-34", "female", 600, 100 if job else None,
                         job, 1000.0, None, None, None))
    # A second ICB with 3 people on msk_hub (2 in work): a suppressed part of England's msk_hub total.
    rows += [(900 + i, "msk_hub", "E54000061", 12, "mental", "25-34", "female", 600, 100 if i < 2 else None,
              i < 2, 1000.0, None, None, None) for i in range(3)]
    return rows


@pytest.fixture()
def boundary_warehouse(tiny_con, monkeypatch, app):
    tiny_con.executemany(
        "INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?, ?, 'GP', false, DATE '2024-01-01', ?, ?, ?, ?, ?, ?, ?)",
        _people())
    build.build_rollups(tiny_con)
    tiny_con.execute("INSERT INTO meta VALUES ('data_version', 'tiny-disclosure'), ('is_demo', 'true')")
    wh = Warehouse(connection=tiny_con)
    monkeypatch.setattr(queries, "_default", wh)
    return wh


def _csv(client, chart_id: str, query: str) -> pd.DataFrame:
    response = client.get(f"/export/{chart_id}.csv?{query}")
    assert response.status_code == 200, (chart_id, query, response.data[:300])
    frame = pd.read_csv(io.BytesIO(response.data))
    # An empty chart's CSV is its header and one "No data: ..." note row: no numbers to attack.
    no_data = len(frame) == 1 and str(frame.iloc[0, 0]).startswith("No data")
    return pd.DataFrame() if no_data else frame


def _shown(value):
    return None if pd.isna(value) else float(value)


# ---- the rule's boundaries, through real exports -------------------------------------------------------------

@pytest.mark.parametrize("geo", [ICB, "E92000001"])
def test_disclosure_1_boundaries_0_1_7_8_12_13_in_csv_and_excel(client, boundary_warehouse, geo):
    query = f"geo={geo}&from=2024Q1&to=2024Q1"
    frame = _csv(client, "interventions-outcomes", query)
    jobs = frame[frame["measure"] == "In work within 12 months"].set_index("programme")
    book = load_workbook(io.BytesIO(client.get(f"/export/interventions-outcomes.xlsx?{query}").data))
    header = [c.value for c in book["Data"][1]]
    sheet = {row[header.index("programme")]: row for row in book["Data"].iter_rows(min_row=2, values_only=True)}
    for programme, (participants, rate) in EXPECTED.items():
        if programme == "msk_hub" and geo != ICB:
            continue  # England's msk_hub has a second ICB (below)
        got = _shown(jobs.at[programme, "participants"])
        assert got == participants, (programme, got)
        assert _shown(sheet[programme][header.index("participants")]) == participants  # Excel: blank, not 0
        if rate is None:
            assert pd.isna(jobs.at[programme, "rate"]) and pd.isna(jobs.at[programme, "lower"]), programme
        else:  # from the unrounded counts: 12 of 20 is 60%, not 10 of 20 (50%)
            assert jobs.at[programme, "rate"] == pytest.approx(rate), programme
    if geo == "E92000001":
        # England's msk_hub total (23 followed, 14 in work) has a suppressed ICB part (3 followed, 2 in work):
        # its rate comes from its controlled counts, 15 of 25, not the exact 14 of 23 that would give the part.
        assert jobs.at["msk_hub", "participants"] == 25
        assert jobs.at["msk_hub", "rate"] == pytest.approx(15 / 25 * 100)


def _table(component) -> pd.DataFrame:
    """The "Show as table" component tree read back as a frame of its cells' text."""
    from dash import html

    rows = []

    def walk(node):
        if isinstance(node, html.Tr):
            rows.append([str(cell.children) for cell in node.children])
            return
        children = getattr(node, "children", None)
        for child in children if isinstance(children, (list, tuple)) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(component)
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_disclosure_2_boundaries_in_the_image_the_embed_and_the_table(client, boundary_warehouse):
    query = f"geo={ICB}&from=2024Q1&to=2024Q1"
    svg = client.get(f"/export/interventions-outcomes.svg?{query}").data.decode()
    labels = set(re.findall(r"\(([^()]{1,6})\)</(?:text|tspan)>", svg))  # a wrapped label's last line is a tspan
    assert {"0", "*", "10", "15", "20"} <= labels
    assert not {"1", "7", "8", "12", "13"} & labels  # no unrounded count is drawn
    embed = client.get(f"/embed/interventions-outcomes?{query}").data.decode()
    figure = json.loads(embed.split('id="embed-figure">')[1].split("</script>")[0])
    hover = json.dumps([t.get("customdata") for t in figure["data"]]) + json.dumps(
        [t.get("y") for t in figure["data"]])
    assert not re.search(r"\((1|7|8|12|13)\)|\"(1|7|8|12|13)\"", hover)
    table = components.chart_table(registry.render("interventions-outcomes", Filters.from_query(query)))
    shown = _table(table)
    columns = ["Participants", "People with enough follow-up", "Job outcomes"]  # the table's own labels
    cells = shown[columns].stack()
    counts = pd.to_numeric(cells.str.replace(",", ""), errors="coerce").dropna()
    assert set(cells[pd.to_numeric(cells.str.replace(",", ""), errors="coerce").isna()]) <= {"", "*"}
    assert not disclosure.is_small(counts.to_numpy()).any() and not counts.isin([8, 12, 13]).any()
    assert counts.isin([0, 10, 15, 20]).all() and (counts == 15).any()


def test_disclosure_3_rule_boundaries_of_the_module():
    assert disclosure.control([0, 1, 7, 8, 12, 13]).tolist() == pytest.approx(
        [0, np.nan, np.nan, 10, 10, 15], nan_ok=True)
    # A rate hides when its denominator is under 8, or its numerator or complement is 1-7.
    assert disclosure.rate([0, 1, 8, 12, 8, 12], [8, 12, 12, 20, 7, 12]).tolist() == pytest.approx(
        [0.0, np.nan, np.nan, 60.0, np.nan, 100.0], nan_ok=True)
    assert disclosure.mean_hidden([7, 8]).tolist() == [True, False]


# ---- differencing: a total beside its controlled parts ----------------------------------------------------------

def _attack(client, query: str, programme: str) -> tuple[list, int]:
    """The outcomes export (England) and the funnel export for the same filters, set against each other."""
    outcomes = _csv(client, "interventions-outcomes", query)
    funnel = _csv(client, "interventions-funnel", query)
    england = outcomes[(outcomes["programme"] == programme) & (outcomes["measure"] == "In work within 12 months")]
    if england.empty or funnel.empty:
        return [], 0
    row = england.iloc[0]
    regional = Filters.from_query(query).geo != "E92000001"
    area = funnel[funnel["in_area"]] if regional else funnel  # a region's total is its own ICBs'
    parts = [pair_values(r.followed_12m, r.jobs_12m, r.rate) for r in area.itertuples()]
    suppressed = bool(area["rate"].isna().any())
    total = total_values(row["eligible"], row["outcomes"], row["rate"], suppressed)
    if not suppressed and not regional:
        national = funnel["national_rate"].iloc[0]
        total = [(f, j) for f, j in total if abs(j / f * 100 - national) < 1e-6]
    return recovered(parts, total), int(area["jobs_12m"].isna().sum())


def test_disclosure_4_the_issues_differencing_attack_recovers_nothing(client, demo_warehouse):
    found, _ = _attack(client, ISSUE_QUERY, "emp_adviser_gp")
    assert found == []
    england = _csv(client, "interventions-outcomes", ISSUE_QUERY)
    counts = england[["participants", "eligible", "outcomes"]].to_numpy(dtype=float).ravel()
    assert not disclosure.is_small(counts).any()  # England's counts obey the rule too (2 and 1 in the issue)


@pytest.fixture(scope="module")
def default_size_warehouse(tmp_path_factory) -> Warehouse:
    """The demo warehouse at the size `python app.py` builds (200,000 participants): the issue's own numbers."""
    path = tmp_path_factory.mktemp("warehouse200k") / "warehouse.duckdb"
    build.build_demo(path, participants=200_000, seed=build.demo.SEED)
    return Warehouse(path)


def test_disclosure_4b_the_issues_numbers_at_the_default_size(client, default_size_warehouse, monkeypatch):
    monkeypatch.setattr(queries, "_default", default_size_warehouse)
    raw = queries.run("interventions_outcomes", geo="E92000001", icbs=None, age="16-24", sex="female", condition="diabetes",
                      **iv_period("2025Q1"))
    raw = raw.set_index("programme").loc["emp_adviser_gp"]
    assert (raw["participants"], raw["followed_12m"], raw["jobs_12m"]) == (2, 2, 1)  # as the issue found
    england = _csv(client, "interventions-outcomes", ISSUE_QUERY)
    row = england[(england["programme"] == "emp_adviser_gp")
                  & (england["measure"] == "In work within 12 months")].iloc[0]
    assert row[["participants", "eligible", "outcomes", "rate"]].isna().all()  # '*', and no rate
    assert _csv(client, "interventions-funnel", ISSUE_QUERY).empty  # its national line would give them away
    found, _ = _attack(client, ISSUE_QUERY, "emp_adviser_gp")
    assert found == []


def iv_period(quarter: str) -> dict:
    start = pd.Period(quarter, "Q")
    return {"start_from": start.start_time.date(), "start_to": start.end_time.date()}


@pytest.mark.parametrize("query, programme", [
    ("intervention=ips&from=2024Q1&to=2024Q1&age=35-49&sex=female", "ips"),
    ("intervention=whp&from=2024Q1&to=2024Q1&age=16-24&sex=female", "whp"),
    ("intervention=emp_adviser_gp&from=2024Q1&to=2024Q4&age=35-49&sex=female", "emp_adviser_gp"),
    ("geo=E12000003&intervention=whp&from=2024Q1&to=2024Q4&age=16-24", "whp"),  # a region and its ICBs
])
def test_disclosure_5_england_against_its_icbs_recovers_no_suppressed_icb(client, demo_warehouse, query, programme):
    found, suppressed = _attack(client, query, programme)
    assert suppressed > 0  # the attack has something to aim at
    assert found == [], found


@pytest.mark.parametrize("query", ["from=2025Q2&to=2025Q2&age=16-24&sex=female", "from=2025Q2&to=2025Q3&sex=male",
                                   "from=2024Q1&to=2025Q4&age=50-64&condition=mental"])
def test_disclosure_5b_the_three_accelerators_against_englands_accelerator_total(client, demo_warehouse, query):
    """The accelerator programme runs only in the three accelerator ICBs: England's total in the outcomes export
    is the sum of the three rows of the accelerators' comparison, for the same filters."""
    outcomes = _csv(client, "interventions-outcomes", query)
    three = _csv(client, "accelerators-compare", query)
    row = outcomes[(outcomes["programme"] == "accelerator") & (outcomes["measure"] == "In work within 12 months")]
    if three.empty or row.empty:
        return
    row = row.iloc[0]
    parts = [pair_values(r.followed_12m, r.jobs_12m, r.rate) for r in three.itertuples()]
    suppressed = bool((three["rate"].isna() & (three["followed_12m"].fillna(1) > 0)).any())
    assert recovered(parts, total_values(row["eligible"], row["outcomes"], row["rate"], suppressed)) == []


def test_disclosure_6_digital_msk_users_and_non_users_cannot_be_subtracted_from_the_total(boundary_warehouse,
                                                                                         tiny_con):
    # 9 followed users, 8 in work; 2 followed non-users, 1 in work: the non-users' rate is hidden, so the
    # users' must be too, or the programme total (outcomes) less the users would give the 2 and the 1.
    rows = [(1000 + i, "digital_msk", ICB, 3, "msk", "50-64", "male", 600, 100 if i < 8 else None, False, 150.0,
             True, 0.5, None) for i in range(9)]
    rows += [(1100 + i, "digital_msk", ICB, 3, "msk", "50-64", "male", 600, 100 if i < 1 else None, False, 150.0,
              False, None, None) for i in range(2)]
    tiny_con.executemany(
        "INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?, ?, 'GP', false, DATE '2024-01-01', ?, ?, ?, ?, ?, ?, ?)",
        rows)
    build.build_rollups(tiny_con)
    tiny_con.execute("UPDATE meta SET value = 'tiny-disclosure-2' WHERE key = 'data_version'")
    frame = registry.get("interventions-digital-msk").data(Filters(geo=ICB, period_from="2024Q1",
                                                                   period_to="2024Q1", sex="male"))
    assert "In work within 12 months" not in set(frame["measure"])
    # 9 users of 11: the 2 non-users are a complement of 1-7, so the share who used the app is hidden too.
    assert frame.set_index("measure").at["Used the app", "value"] != frame.set_index("measure").at[
        "Used the app", "value"]
    adherence = frame[frame["measure"].str.startswith("Adherence")]
    assert len(adherence) == 1 and adherence["n"].iloc[0] == 10  # 9 users: a mean over 8 or more, n rounded


def test_disclosure_7_means_over_fewer_than_8_are_not_shown(boundary_warehouse, tiny_con):
    rows = [(2000 + i, "digital_msk", ICB, 3, "msk", "50-64", "male", 600, None, False, 150.0, True, 0.9, 5.0)
            for i in range(7)]
    tiny_con.executemany(
        "INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?, ?, 'GP', false, DATE '2024-01-01', ?, ?, ?, ?, ?, ?, ?)",
        rows)
    build.build_rollups(tiny_con)
    tiny_con.execute("UPDATE meta SET value = 'tiny-disclosure-3' WHERE key = 'data_version'")
    frame = registry.get("interventions-digital-msk").data(Filters(geo=ICB, period_from="2024Q1",
                                                                   period_to="2024Q1", sex="male"))
    assert not frame["measure"].str.startswith(("Adherence", "MSK-HQ")).any()  # 7 users: no mean
    assert np.isnan(frame.set_index("measure").at["Used the app", "n"])  # 7 participants: '*'


# ---- Kaplan-Meier -----------------------------------------------------------------------------------------------

def test_disclosure_8_kaplan_meier_from_rounded_counts_by_hand():
    # 12 people: jobs on days 10 (1), 20 (1), 30 (8); 2 censored at day 365. Rounded running totals of jobs:
    # 0, 0 (2 < 8), 10 (10); censored: 0, 0, 0, 0 (2 < 8). People: 12 -> 10. One step, 10 of 10 at risk.
    table = disclosure.kaplan_meier_table([10, 20, 30, 365], [True, True, True, False], [1, 1, 8, 2])
    assert table[["time", "at_risk", "events"]].to_numpy().tolist() == [[30, 10, 10]]
    curve = kaplan_meier_from_counts(table)
    assert curve["survival"].tolist() == pytest.approx([1.0, 0.0])
    # 40 people: 10 jobs on day 5, 12 more by day 9 (running total 22 -> 20), 18 censored at 365 (-> 20).
    table = disclosure.kaplan_meier_table([5, 9, 365], [True, True, False], [10, 12, 18])
    assert table[["time", "at_risk", "events"]].to_numpy().tolist() == [[5, 40, 10], [9, 30, 10], [365, 20, 0]]
    assert kaplan_meier_from_counts(table)["survival"].tolist() == pytest.approx([1.0, 0.75, 0.5, 0.5])
    # 24 people (-> 25): 16 in work on day 3 (-> 15), then 1 a day and 2 on day 10. The rounded running total
    # steps to 20 on day 5 (18 -> 20), with 25 - 15 = 10 at risk, and to 25 on day 10, with 5 at risk: the
    # curve stops before that step.
    days = [3, 4, 5, 6, 7, 8, 9, 10]
    table = disclosure.kaplan_meier_table(days, [True] * 8, [16, 1, 1, 1, 1, 1, 1, 2])
    assert table[["time", "at_risk", "events"]].to_numpy().tolist() == [[3, 25, 15], [5, 10, 5]]
    assert (table["at_risk"] >= disclosure.THRESHOLD).all()


@pytest.mark.parametrize("query", ["", "from=2024Q1&to=2024Q1&age=16-24&sex=female",
                                   "geo=E54000061&intervention=ips", ISSUE_QUERY])
def test_disclosure_9_kaplan_meier_exports_reveal_no_group_under_5_and_no_risk_set_under_8(client, demo_warehouse,
                                                                                           query):
    frame = _csv(client, "interventions-time-to-work", query)
    if frame.empty:
        return
    assert (frame["at_risk"] >= disclosure.THRESHOLD).all() and (frame["at_risk"] % 5 == 0).all()
    for _, rows in frame.groupby("group"):
        rows = rows.sort_values("day")
        survival = 1 - rows["in_work"].to_numpy() / 100
        ratio = survival[1:] / np.where(survival[:-1] > 0, survival[:-1], 1)
        events = rows["at_risk"].to_numpy()[1:] * (1 - ratio)  # the intruder's events at each step
        assert np.all((np.abs(events) < 1e-6) | (events > 5 - 1e-6)), events  # never 1 of 12 (8.33%)


# ---- every chart, every data export -------------------------------------------------------------------------------

COUNT_COLUMNS = re.compile(r"^(participants.*|eligible|outcomes|followed_.*|jobs_.*|sustained_.*|at_risk|n|people)$")


@pytest.mark.parametrize("query", ["geo=E54000050&from=2024Q1&to=2024Q1&age=16-24&sex=female", ISSUE_QUERY])
def test_disclosure_10_no_chart_exports_a_count_of_1_to_7_in_csv_or_excel(client, demo_warehouse, query):
    for chart in registry.charts():
        frame = _csv(client, chart.id, query)
        for column in [c for c in frame.columns if COUNT_COLUMNS.match(c)]:
            values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
            assert not disclosure.is_small(values).any(), (chart.id, column)
        assert "sample_size" not in frame.columns and "sample_sick" not in frame.columns, chart.id
        book = load_workbook(io.BytesIO(client.get(f"/export/{chart.id}.xlsx?{query}").data), read_only=True)
        rows = list(book["Data"].iter_rows(values_only=True)) if "Data" in book.sheetnames else []
        if rows:
            sheet = pd.DataFrame(rows[1:], columns=rows[0])
            for column in [c for c in sheet.columns if isinstance(c, str) and COUNT_COLUMNS.match(c)]:
                values = pd.to_numeric(sheet[column], errors="coerce").to_numpy(dtype=float)
                assert not disclosure.is_small(values).any(), (chart.id, column, "xlsx")
        if "sample_n" in frame.columns and "area_code" in frame.columns:
            assert frame.loc[frame["area_code"] != "E92000001", "sample_n"].isna().all(), chart.id
        elif "sample_n" in frame.columns and Filters.from_query(query).geo != "E92000001":
            assert frame["sample_n"].isna().all(), chart.id  # one sub-national area: no respondent counts


def test_disclosure_11_survey_values_blank_where_the_estimate_is_not_shown(client, demo_warehouse):
    frame = _csv(client, "overview-trend", "geo=E54000050&age=16-24&sex=female&condition=diabetes")
    hidden = frame[frame["quality"] == "not shown"]
    assert len(hidden) and hidden[["rate", "lower", "upper", "people", "population", "cv"]].isna().all().all()
    mix = _csv(client, "conditions-mix", "geo=E54000050&age=16-24&sex=female&from=2024Q1&to=2024Q1")
    gone = mix[mix["quality"] == "not shown"]
    assert len(gone) and gone[["share", "lower", "upper", "people"]].isna().all().all()


def test_disclosure_12_every_export_states_the_rule(client, demo_warehouse):
    book = load_workbook(io.BytesIO(client.get("/export/interventions-outcomes.xlsx").data))
    notes = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}["Notes"]
    assert disclosure.NOTE in notes and "design factor" in notes


def test_disclosure_13_round_cumulative_is_monotone_and_steps_by_5():
    running = np.cumsum([1, 1, 5, 1, 3, 2, 9, 1])
    rounded = disclosure.round_cumulative(running)
    steps = np.diff(rounded, prepend=0)
    assert (steps >= 0).all() and set(steps.tolist()) <= {0.0} | {float(v) for v in range(5, 100, 5)}
    assert list(itertools.accumulate(steps)) == rounded.tolist()


def test_disclosure_14_pilot_returns_total_with_a_suppressed_icb_takes_its_rate_from_rounded_counts(monkeypatch):
    from dashboard.charts import _programmes
    from dashboard.charts import interventions as iv

    # A programme's total over two ICBs from pilot returns (the programme facts: outcomes as of the return).
    totals = pd.DataFrame({
        "programme": ["workwell"], "programme_name": ["WorkWell vanguards"], "short_name": ["WorkWell"],
        "participants": [53], "followed_12m": [53], "jobs_12m": [21], "followed_26w": [0], "sustained_26w": [0],
        "cost_gbp": [1.0e5], "cost_12m": [1.0e5], "cost_26w": [0.0], "costed": [53], "jobs_costed": [21],
        "sustained_costed": [0], "synthetic": [False], "followup": ["as_of_return"], "files": ["returns.csv"]})
    parts = pd.DataFrame({"programme": ["workwell", "workwell"], "icb_code": ["E54000050", "E54000061"],
                          "participants": [50, 3], "followed_12m": [50, 3], "jobs_12m": [20, 1],
                          "followed_26w": [0, 0], "sustained_26w": [0, 0]})

    def fake(name, **_):
        return parts if name.endswith("_parts") else totals
    monkeypatch.setattr(iv, "run", fake)
    monkeypatch.setattr(_programmes, "run", fake)
    england = iv.outcomes_data(Filters()).set_index("measure").loc[iv.JOB]
    # 21 of 53 exactly would pin England's counts, and less the 20 of 50 shown for one ICB give the other's 1 of 3.
    assert (england["participants"], england["outcomes"]) == (55, 20)
    assert england["rate"] == pytest.approx(20 / 55 * 100)
    icb = iv.outcomes_data(Filters(geo="E54000050")).set_index("measure").loc[iv.JOB]  # a part: exact
    assert icb["rate"] == pytest.approx(21 / 53 * 100)
