"""Methods that need many independent periods, on a warehouse built from real-layout files alone with many periods
(tests/fixtures/sources/real_series, README there): the published SPC chart against limits worked by hand, the
accelerator difference-in-differences, event study and pre-trend test against a hand computation from the files,
and the fallbacks when the loaded rolling years overlap or straddle the start."""
import csv
import itertools
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import queries
from dashboard import registry
from dashboard.domain import domain
from dashboard.filters import Filters
from tests import warehouses

SERIES = Path(__file__).parent / "fixtures" / "sources" / "real_series"
LAD_ICB = Path(__file__).parents[1] / "data" / "reference" / "lad_icb.csv"
ACCELERATORS = {"E54000061", "E54000054", "E54000050"}


def warehouse(path: Path, source: Path, monkeypatch) -> queries.Warehouse:
    wh = queries.Warehouse(warehouses.built(path.parent, source))
    monkeypatch.setattr(queries, "_default", wh)
    return wh


@pytest.fixture(scope="module")
def years_db(tmp_path_factory) -> Path:
    return warehouses.built(tmp_path_factory.mktemp("years"), SERIES / "years")


@pytest.fixture()
def years(years_db, monkeypatch):
    with warehouses.opened(years_db, monkeypatch) as wh:
        yield wh


def nomis_tables(path: Path) -> dict[str, list[list[str]]]:
    """A Nomis query download's tables by their 'Date' line, read with the csv module (not the app's reader)."""
    tables, date, header = {}, None, False
    with path.open(newline="") as handle:
        for row in csv.reader(handle):
            if len(row) == 2 and row[0].startswith("Date"):
                date, header = row[1], False
            elif row and row[1:2] == ["mnemonic"]:
                header = True
                tables[date] = []
            elif header and len(row) > 2:
                tables[date].append(row)
            elif not row:
                header = False
    return tables


def icb_rates_by_hand() -> pd.DataFrame:
    """ICB x year rates from the LA file: numerators and denominators summed over each ICB's best-fit local
    authorities, only where every one of them is published; rows: ICB, columns: the period labels in file order."""
    fit = {}
    with LAD_ICB.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["best_fit"] == "true":
                fit[row["lad_code"]] = row["icb_code"]
    out = {}
    for date, rows in nomis_tables(SERIES / "years" / "nomis_query_la_2017_2026.csv").items():
        sums: dict[str, list[float]] = {}
        withheld = set()
        for _, code, numerator, denominator, *_ in rows:
            if numerator == "!":
                withheld.add(fit[code])
                continue
            total = sums.setdefault(fit[code], [0.0, 0.0])
            total[0] += float(numerator.replace(",", ""))
            total[1] += float(denominator.replace(",", ""))
        out[date] = {icb: 100 * n / d for icb, (n, d) in sums.items() if icb not in withheld}
    return pd.DataFrame(out)


# ---- SPC on the published North East series (year to Dec 2016 ... 2024) ------------------------------------------

def test_series_1_spc_on_nine_published_years_matches_the_hand_worked_limits(years):
    rendered = registry.render("regions-spc", Filters(geo="E12000001"))
    frame = rendered.data
    assert not rendered.demo and len(frame) == 9
    assert frame["period_label"].tolist() == [f"year to Dec {y}" for y in range(2016, 2025)]
    assert frame["rate"].tolist() == [30.2, 29.8, 30.9, 31.4, 32.0, 33.1, 34.5, 35.2, 36.0]  # as the file prints
    # By hand: mean = 293.1 / 9 = 32.5667; moving ranges 0.4 1.1 0.5 0.6 1.1 1.4 0.7 0.8, mean 6.6 / 8 = 0.825
    # (none is 3.267 x 0.825 = 2.695 or more, so none is screened out); limits 32.5667 +/- 2.66 x 0.825 = 2.1945.
    assert frame["mean"].iloc[0] == pytest.approx(32.566667, abs=1e-6)
    assert frame["upl"].iloc[0] == pytest.approx(34.761167, abs=1e-6)
    assert frame["lpl"].iloc[0] == pytest.approx(30.372167, abs=1e-6)
    assert frame["upper_two_sigma"].iloc[0] == pytest.approx(32.566667 + 2.1945 * 2 / 3, abs=1e-6)
    assert frame["trial"].all()  # 9 points: trial limits (fewer than 15)
    # 30.2 and 29.8 fall below 30.37, 35.2 and 36.0 above 34.76; 29.8 to 36.0 is 8 rising points (a trend of 7+);
    # no 7 on one side (5 below, 4 above); no 2-of-3 in the outer third (30.9 and 34.5 are each alone there).
    assert frame["beyond_limits"].tolist() == [-1, -1, 0, 0, 0, 0, 0, 1, 1]
    assert frame["trend"].tolist() == [0, 1, 1, 1, 1, 1, 1, 1, 1]
    assert not frame["shift"].any() and not frame["two_of_three"].any()
    # Lower is better: the special-cause points below the mean are improvement, those above concern.
    assert frame["point_type"].tolist() == ["improvement"] * 5 + ["concern"] * 4
    assert rendered.summary.startswith(
        "Published: % of economically inactive who are long-term sick: North East 36.0% in year to Dec 2024 against "
        "a mean of 32.6% (trial process limits 30.4-34.8); 9 of 9 points show special cause. Trial limits from all 9 "
        "independent points.")
    assert "nomis_query_regions_2016_2024.csv" in rendered.summary
    layout = rendered.figure.layout  # the measure as published, in periods, not the survey rate by quarter
    assert layout.yaxis.title.text == "% of economically inactive who are long-term sick (published)"
    assert layout.title.text.startswith("Latest period: special cause concern (high) (trial limits: too few periods")


def test_series_1b_a_later_from_shows_fewer_points_on_the_same_limits(years):
    whole = registry.render("regions-spc", Filters(geo="E12000001")).data
    later = registry.render("regions-spc", Filters(geo="E12000001", period_from="2020Q1"))
    assert later.data["period_label"].tolist() == [f"year to Dec {y}" for y in range(2020, 2025)]
    assert later.data["upl"].iloc[0] == whole["upl"].iloc[0]  # the limits still come from all nine
    assert "Trial limits from all 9 independent points, 4 of them before the range shown." in later.summary
    last = registry.render("regions-spc", Filters(geo="E12000001", period_from="2024Q4"))
    assert last.data.empty and "only 1 of the 9 independent published periods for North East" in last.summary


def test_series_2_spc_points_are_the_file_values_for_every_region(years):
    published = nomis_tables(SERIES / "years" / "nomis_query_regions_2016_2024.csv")
    london = [float(next(r for r in rows if r[1] == "E12000007")[2]) for rows in published.values()]
    frame = registry.render("regions-spc", Filters(geo="E12000007")).data
    assert frame["rate"].tolist() == london
    y = np.array(london)
    amr = np.abs(np.diff(y)).mean()
    kept = np.abs(np.diff(y))[np.abs(np.diff(y)) < 3.267 * amr].mean()
    assert frame["upl"].iloc[0] == pytest.approx(y.mean() + 2.66 * kept)


# ---- the accelerator evaluation on the ICBs summed from local authorities (year to Mar 2017 ... 2026) ----------

def test_series_3_did_against_a_hand_computation_from_the_files(years):
    rates = icb_rates_by_hand()
    # Cornwall and the Isles of Scilly is left out ('!' for the Isles of Scilly): 3 accelerators and 10 others.
    assert "E54000036" not in rates.index and len(rates) == 13 and ACCELERATORS <= set(rates.index)
    post = rates.columns == "Apr 2025-Mar 2026"  # the one year wholly after the April 2025 start
    change = rates.loc[:, post].mean(axis=1) - rates.loc[:, ~post].mean(axis=1)
    treated = change.index.isin(ACCELERATORS)
    estimate = change[treated].mean() - change[~treated].mean()
    residuals = np.concatenate([change[treated] - change[treated].mean(), change[~treated] - change[~treated].mean()])
    se = np.sqrt((residuals ** 2).sum() / (13 - 2) * (1 / 3 + 1 / 10))
    half = stats.t.ppf(0.975, 13 - 2) * se
    placebos = [np.mean(s) - (change[~treated].sum() - sum(s)) / 7
                for s in itertools.combinations(change[~treated], 3)]
    ri_p = (sum(abs(p) >= abs(estimate) - 1e-12 for p in placebos) + 1) / (len(placebos) + 1)

    rendered = registry.render("accelerators-did", Filters())
    row = rendered.data.set_index("comparison").loc["All other ICBs (10)"]
    assert not rendered.demo
    assert row["estimate"] == pytest.approx(estimate) and row["se"] == pytest.approx(se)
    assert (row["lower"], row["upper"]) == pytest.approx((estimate - half, estimate + half))
    assert row["ri_placebo_sets"] == 120 and row["ri_p_value"] == pytest.approx(ri_p)
    assert (row["pre_periods"], row["post_periods"], row["n_treated"], row["n_comparison"]) == (9, 1, 3, 10)
    summary = rendered.summary
    assert summary.startswith("After the accelerators started (Apr-Jun 2025), the long-term-sick rate in the three")
    assert "Reduced power: the loaded files publish % of economically inactive who are long-term sick for 13 ICBs " \
           "(3 of them accelerators) in 10 periods sharing no months (year to Mar 2017," in summary
    assert "9 before the start (Apr-Jun 2025) and 1 after." in summary
    # Power in numbers: (t(0.975, 11) + t(0.80, 11)) x se = (2.201 + 0.876) x se.
    smallest = (stats.t.ppf(0.975, 11) + stats.t.ppf(0.8, 11)) * se
    assert summary.endswith(f"With 13 ICBs, only a change of about {smallest:.1f} points or more would be detected "
                            "8 times in 10 (80% power, 5% test, against all other ICBs (10)).")


def test_series_4_matched_icbs_are_the_nearest_before_the_start(years):
    rates = icb_rates_by_hand()
    before = rates.loc[:, rates.columns != "Apr 2025-Mar 2026"].mean(axis=1)
    pool, chosen = before.drop(list(ACCELERATORS)), []
    for code in before[list(ACCELERATORS)].sort_values(ascending=False).index:
        chosen += list((pool.drop(chosen) - before[code]).abs().sort_values(kind="stable").index[:3])
    frame = registry.render("accelerators-did", Filters()).data.set_index("comparison")
    expected = sorted(domain().area_names[c] for c in chosen)
    assert frame.loc["Matched ICBs (9)", "comparison_areas"].split("; ") == expected


def test_series_5_event_study_gaps_and_pretrend_test_against_hand_computations(years):
    rates = icb_rates_by_hand()
    treated = rates.index.isin(ACCELERATORS)
    reference = "Apr 2024-Mar 2025"  # the last year before the start
    gaps = rates.sub(rates[reference], axis=0)
    gap = gaps[treated].mean() - gaps[~treated].mean()
    rendered = registry.render("accelerators-event-study", Filters())
    main = rendered.data[rendered.data["comparison"] == "All other ICBs (10)"].set_index("period")
    assert list(main.index) == [f"{y}Q1" for y in range(2017, 2027)]
    assert main["estimate"].tolist() == pytest.approx(gap.tolist())
    assert main.loc["2025Q1", "reference"] and main.loc["2025Q1", "estimate"] == 0
    # The joint pre-trend test is a two-group comparison of 8-vector gaps: Hotelling's T squared, by hand.
    earlier = list(rates.columns[:8])  # the eight years before the reference, as the file orders them
    x, z = gaps.loc[treated, earlier].to_numpy(), gaps.loc[~treated, earlier].to_numpy()
    n1, n0, k = len(x), len(z), len(earlier)
    pooled = ((n1 - 1) * np.cov(x, rowvar=False) + (n0 - 1) * np.cov(z, rowvar=False)) / (n1 + n0 - 2)
    d = x.mean(axis=0) - z.mean(axis=0)
    t2 = n1 * n0 / (n1 + n0) * d @ np.linalg.solve(pooled, d)
    f = (n1 + n0 - k - 1) / (k * (n1 + n0 - 2)) * t2
    first = main.iloc[0]
    assert (first["pretrend_df_num"], first["pretrend_df_den"]) == (8, 13 - 8 - 1)
    assert first["pretrend_f"] == pytest.approx(f) and first["pretrend_p_value"] == pytest.approx(
        stats.f.sf(f, 8, 4))
    summary = rendered.summary
    assert "excluded zero in" in summary and "of 8 periods" in summary
    assert "(relative to year to Mar 2025, the last period before the start)" in summary
    assert "quarter" not in summary.replace("Apr-Jun 2025", "")  # published rolling years, not quarters
    assert rendered.figure.layout.xaxis.title.text == "Published period (each point at its start)"


def test_series_9_the_overview_trend_says_whether_its_years_overlap(years, tmp_path, monkeypatch):
    summary = registry.render("overview-trend", Filters(geo="E12000001")).summary
    assert "North East 30.2% (year to Dec 2016) to 36.0% (year to Dec 2024)" in summary
    assert "the years shown share no months" in summary and "overlap" not in summary
    wh = warehouse(tmp_path / "w.duckdb", SERIES / "overlapping", monkeypatch)
    try:
        summary = registry.render("overview-trend", Filters(geo="E12000001")).summary
    finally:
        wh.close()
    assert "neighbouring points overlap, so no trend test is made" in summary


# ---- fallbacks: overlapping rolling years, a year across the start -----------------------------------------------

def test_series_6_overlapping_rolling_years_fall_back_and_say_so(tmp_path, monkeypatch):
    wh = warehouse(tmp_path / "w.duckdb", SERIES / "overlapping", monkeypatch)
    try:
        spc = registry.render("regions-spc", Filters(geo="E12000001"))
        did = registry.render("accelerators-did", Filters())
        event = registry.render("accelerators-event-study", Filters())
    finally:
        wh.close()
    assert spc.data.empty and not spc.demo
    assert ("the loaded files publish 2 periods of % of economically inactive who are long-term sick for North East "
            "(year to Mar 2024 to year to Jun 2024), 1 sharing no months; the rules need at least 7") in spc.summary
    assert did.data.empty and event.data.empty
    for text in (did.summary, event.summary):
        assert "cannot compare: the loaded files publish % of economically inactive who are long-term sick for 13 " \
               "ICBs (3 of them accelerators) in 1 period sharing no months (year to Jun 2024)" in text
        assert "The 2 published periods overlap" in text and "only the 1 that share no months" in text


def test_series_7_a_rolling_year_across_the_start_is_left_out(tmp_path, monkeypatch):
    # The last year relabelled Jan-Dec 2025: three of its months are before the April 2025 start.
    text = (SERIES / "years" / "nomis_query_la_2017_2026.csv").read_text()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "la.csv").write_text(text.replace("Apr 2025-Mar 2026", "Jan 2025-Dec 2025"))
    wh = warehouse(tmp_path / "w.duckdb", tmp_path / "src", monkeypatch)
    try:
        did = registry.render("accelerators-did", Filters())
    finally:
        wh.close()
    assert did.data.empty
    assert "Left out year to Dec 2025: its months fall both before and after the start" in did.summary
    assert "9 before the start (Apr-Jun 2025) and 0 after" in did.summary


def test_series_8_a_build_of_both_directories_keeps_every_year(tmp_path, monkeypatch):
    for part in ("years", "overlapping"):
        shutil.copytree(SERIES / part, tmp_path / "src" / part)
    wh = warehouse(tmp_path / "w.duckdb", tmp_path / "src", monkeypatch)
    try:
        spc = registry.render("regions-spc", Filters(geo="E12000001"))
    finally:
        wh.close()
    # Year to Jun 2024 overlaps year to Mar 2024 and year to Dec 2024 (kept, the latest): both are left out.
    assert spc.data["period_label"].tolist() == [f"year to Dec {y}" for y in range(2016, 2025)]
    assert "The 11 published periods overlap" in spc.summary and "only the 9 that share no months" in spc.summary
