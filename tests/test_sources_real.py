"""Real data as people download it (tests/fixtures/sources/real: small files in each publisher's exact layout):
Nomis query downloads, local-authority rows summed to ICBs by best fit, INAC01 as ONS's legacy .xls in two
editions, an ONS time-series CSV, Fingertips' website export; each loads unmodified, alone and all together, and
each kind of broken download is rejected with file, line, column and rule."""
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data import build, sources
from data.sources import fingertips, inac01, nomis_web, ons_series

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
REAL, GOOD, BAD = FIXTURES / "real", FIXTURES / "good", FIXTURES / "bad"


def load(tmp_path, *names, folder=REAL):
    for name in names:
        shutil.copy(folder / name, tmp_path / name)
    return build.read_sources(tmp_path)


def notes(data, rule):
    return [n for n in data.notes if n.rule == rule]


@pytest.fixture(scope="module")
def real():
    data = build.read_sources(REAL)
    assert data.errors == []
    return data


# ---- Nomis query downloads -----------------------------------------------------------------------------------

def test_nomis_query_1_regions_with_paired_conf_and_flag_columns(tmp_path):
    data = load(tmp_path, "nomis_query_regions.csv")
    assert data.errors == [] and data.files[0]["format"] == nomis_web.NAME
    frame = data.tables["source_nomis_aps"].set_index(["area_code", "variable"])
    pct, count = "% of economically inactive who are long-term sick", "Economically inactive - long-term sick"
    assert len(frame) == 12  # 6 areas x 2 variables; the title, metadata and footnote lines are not data
    ne = frame.loc[("E12000001", pct)]
    assert (ne["value"], ne["confidence"], ne["area_name"], ne["period"]) == (36.1, 2.8, "North East",
                                                                             "Jul 2023-Jun 2024")
    assert (ne["ci_lower"], ne["ci_upper"]) == pytest.approx((33.3, 38.9))
    assert ne["period_start"] == pd.Timestamp("2023-07-01") and bool(ne["is_percentage"])
    assert frame.loc[("E12000001", count), "value"] == 151_300 and not frame.loc[("E12000001", count), "is_percentage"]
    assert frame.loc[("E12000007", pct), "flag"] == "*" and frame.loc[("E12000007", pct), "value"] == 18.9  # Flag column
    sw = frame.loc[("E12000009", pct)]  # '!' in the value cell: not published
    assert sw["flag"] == "!" and pd.isna(sw["value"]) and sw["reliability"].startswith("not shown")
    assert frame.loc[("E12000009", count), "flag"] == "~"
    wales = frame.loc[("W92000004", count)]
    assert wales["flag"] == "-" and pd.isna(wales["value"]) and wales["area_level"] == "other"
    [kept] = notes(data, "kept_not_shown")
    assert (kept.row, kept.column) == (13, "mnemonic") and "W92000004 Wales" in kept.message


def test_nomis_query_2_local_authorities_kept_and_summed_to_icbs_by_best_fit(tmp_path):
    data = load(tmp_path, "nomis_query_la.csv")
    assert data.errors == []
    frame = data.tables["source_nomis_aps"].set_index("area_code")
    assert len(frame) == 12 + 2  # 12 local authorities as published, and 2 ICBs summed from them
    leeds = frame.loc["E08000035"]
    assert (leeds["area_level"], leeds["numerator"], leeds["denominator"], leeds["value"]) == ("la", 20300, 96600, 21.0)
    assert not leeds["aggregated"] and leeds["variable"] == "% of economically inactive who are long-term sick"
    wy = frame.loc["E54000054"]  # Bradford, Calderdale, Kirklees, Leeds, Wakefield
    assert bool(wy["aggregated"]) and wy["area_level"] == "icb"
    assert (wy["numerator"], wy["denominator"]) == (68_000, 280_300)
    assert wy["value"] == pytest.approx(68_000 / 280_300 * 100)  # from the summed counts, never averaged rates
    assert pd.isna(wy["ci_lower"]) and "best fit" in wy["reliability"]
    sy = frame.loc["E54000061"]
    assert (sy["numerator"], sy["denominator"]) == (47_100, 167_100)
    # Hartlepool alone is not North East and North Cumbria; Rutland ('!') leaves LLR without counts.
    assert "E54000050" not in frame.index and "E54000015" not in frame.index
    skipped = " ".join(n.message for n in notes(data, "not_aggregated"))
    assert "E54000050" in skipped and "12 of its 13" in skipped and "E54000015" in skipped
    [summed] = notes(data, "aggregated")
    assert "2 ICB rows summed from local authorities by best fit" in summed.message
    assert frame.loc["W06000015", "area_level"] == "other"  # Cardiff: kept, not shown
    assert "W06000015 Cardiff" in notes(data, "kept_not_shown")[0].message


def test_nomis_query_3_an_icb_the_file_gives_is_not_summed_again(tmp_path):
    text = (REAL / "nomis_query_la.csv").read_text()
    extra = '"ualad09:Hartlepool","E06000001"'
    icb = '"icb:NHS West Yorkshire","E54000054","70,000","280,000","25.0","3.0"\r\n'
    (tmp_path / "la.csv").write_text(text.replace(extra, icb + extra), newline="")
    frame = build.read_sources(tmp_path).tables["source_nomis_aps"].set_index("area_code")
    assert frame.loc["E54000054", "numerator"] == 70_000 and not frame.loc["E54000054", "aggregated"]


def test_nomis_query_4_one_table_a_date_in_one_download(tmp_path):
    text = (REAL / "nomis_query_la.csv").read_text()
    body = text[:text.index('"! Estimate')]
    second = body[body.index('"Date'):].replace("Jan 2024-Dec 2024", "Jan 2023-Dec 2023").replace('"9,600"', '"9,100"')
    (tmp_path / "two_years.csv").write_text(body + second + text[text.index('"! Estimate'):], newline="")
    data = build.read_sources(tmp_path)
    assert data.errors == []
    frame = data.tables["source_nomis_aps"]
    assert sorted(frame["period"].unique()) == ["Jan 2023-Dec 2023", "Jan 2024-Dec 2024"] and len(frame) == 2 * 14
    barnsley = frame[frame["area_code"] == "E08000016"].set_index("period")["numerator"]
    assert (barnsley["Jan 2023-Dec 2023"], barnsley["Jan 2024-Dec 2024"]) == (9_100, 9_600)


def test_nomis_query_5_layout_of_columns():
    layout = nomis_web._layout(["area", "mnemonic", "numerator", "denominator", "percent", "conf"], "% x", "t")
    assert layout == [{"name": "% x", "percentage": True,
                       "columns": {"value": 4, "numerator": 2, "denominator": 3, "confidence": 5}}]
    layout = nomis_web._layout(["area", "mnemonic", "% a", "Conf", "Flag", "b", "Conf", "Flag"], "", "t")
    assert [v["columns"] for v in layout] == [{"value": 2, "confidence": 3, "flag": 4},
                                              {"value": 5, "confidence": 6, "flag": 7}]


# ---- INAC01 as ONS publishes it ------------------------------------------------------------------------------

def test_inac01_xls_1_legacy_workbook_sheets_labels_and_markers(tmp_path):
    data = load(tmp_path, "inac01sa_2025_05.xls")
    assert data.errors == []
    assert [f["file"] for f in data.files] == [f"inac01sa_2025_05.xls [{s}]" for s in ("People", "Men", "Women")]
    frame = data.tables["source_inac01"].set_index(["sex", "period", "series_id"])
    assert len(frame) == 3 * 4 * 8  # sheets x periods x series; the Note sheet and source lines are not data
    lts = frame.loc[("persons", "Dec-Feb 2025", "LF6A")]
    assert (lts["thousands"], lts["people"]) == (2812, 2_812_000)
    assert lts["series_name"] == "Long-term sick"
    assert lts["column_label"] == "Economically inactive by reason: Long-term sick"
    assert frame.loc[("persons", "Jan-Mar 2025", "LF2M"), "series_name"] == "Total economically inactive aged 16-64"
    assert pd.isna(frame.loc[("persons", "Nov-Jan 2025", "LFM3"), "thousands"])  # '..'
    assert pd.isna(frame.loc[("persons", "Dec-Feb 2025", "LFM3"), "thousands"])  # '[x]'
    assert frame.loc[("male", "Jan-Mar 2025", "LF6A"), "thousands"] == round(2801 * 0.44)
    assert frame.loc[("persons", "Oct-Dec 2024", "LF6A"), "period_start"] == pd.Timestamp("2024-10-01")


def test_inac01_xls_2_two_editions_keep_the_newer_release_per_period(real):
    frame = real.tables["source_inac01"].set_index(["sex", "period", "series_id"])
    assert len(frame) == 3 * 5 * 8  # April's Sep-Nov 2024 is kept: May's edition does not have it
    assert frame.loc[("persons", "Dec-Feb 2025", "LF6A"), "thousands"] == 2812  # May's revision, not April's 2805
    assert frame.loc[("persons", "Sep-Nov 2024", "LF6A"), "thousands"] == 2790
    superseded = notes(real, "superseded")
    assert {n.file for n in superseded} == {f"inac01sa_2025_04.xls [{s}]" for s in ("People", "Men", "Women")}
    assert all("1 value replaced by the newer edition inac01sa_2025_05.xls" in n.message for n in superseded)
    merged = [n for n in notes(real, "merged_duplicate") if n.file == "inac01sa_2025_04.xls [People]"]
    assert merged and merged[0].message.startswith("23 rows identical")  # 3 shared periods x 8, less the revision


def test_inac01_xls_3_release_date_from_the_note_sheet(tmp_path):
    tables = sources.read_tables(REAL / "inac01sa_2025_04.xls", "x.xls")
    from data.sources import collect
    assert collect.release_date(tables) == pd.Timestamp("2025-04-15")
    assert inac01.EDITIONS


# ---- ONS time-series CSV -------------------------------------------------------------------------------------

def test_ons_series_1_years_quarters_and_rolling_months(tmp_path):
    data = load(tmp_path, "ons_timeseries_lf6a.csv")
    assert data.errors == [] and data.files[0]["format"] == ons_series.NAME
    frame = data.tables["source_ons_series"].set_index("period")
    assert len(frame) == 3 + 3 + 4
    assert set(frame["cdid"]) == {"LF6A"} and set(frame["sex"]) == {"persons"} and set(frame["unit"]) == {"Thousands"}
    assert frame.loc["2024", "period_type"] == "year" and frame.loc["2024", "value"] == 2790
    assert (frame.loc["2024 Q4", "period_start"], frame.loc["2024 Q4", "period_end"]) == (
        pd.Timestamp("2024-10-01"), pd.Timestamp("2024-12-31"))
    mar = frame.loc["2025 MAR"]  # an LFS month is the three months ending in it: Jan-Mar 2025
    assert (mar["period_start"], mar["period_end"], mar["value"]) == (
        pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-31"), 2801)
    assert pd.isna(frame.loc["2025 FEB", "value"])
    assert frame.loc["2025 MAR", "release_date"] == pd.Timestamp("2025-05-13")


def test_ons_series_2_periods():
    assert ons_series.parse_period("2025 JAN", rolling=False)[1] == pd.Timestamp("2025-01-01")
    for bad in ("2025 Q5", "JAN 2025", "2025-01", "25"):
        with pytest.raises(ValueError):
            ons_series.parse_period(bad, rolling=True)


# ---- Fingertips website export -------------------------------------------------------------------------------

def test_fingertips_website_1_bom_quotes_crlf_areaname_and_dashes(tmp_path):
    data = load(tmp_path, "fingertips_website_icb.csv")
    assert data.errors == [] and data.files[0]["format"] == fingertips.NAME
    frame = data.tables["source_fingertips"].set_index("area_code")
    assert list(frame.columns[:6]) == ["indicator_id", "indicator_name", "parent_code", "parent_name", "area_name",
                                       "area_type"] or "area_name" in frame
    sy = frame.loc["E54000061"]
    assert (sy["area_name"], sy["value"], sy["count"], sy["denominator"]) == (
        "NHS South Yorkshire Integrated Care Board", 61.0, 702, 1151)
    # The parent is England, so the website's comparison with the parent is the comparison with England.
    assert (sy["compared_to_parent"], sy["compared_to_england"]) == ("Worse", "Worse")
    nenc = frame.loc["E54000050"]
    assert pd.isna(nenc["value"]) and pd.isna(nenc["count"]) and nenc["value_note"] == "* Value suppressed"
    assert frame.loc["E92000001", "count"] == 5_160_000
    [ignored] = notes(data, "ignored_column")
    assert (ignored.row, ignored.column) == (1, "Time period range")


def test_fingertips_website_2_regions_districts_and_nhs_regions(real):
    frame = real.tables["source_fingertips"].set_index("area_code")
    assert frame.loc["E12000007", "count"] == 871_425  # "871,425"
    assert frame.loc["E40000013", "area_level"] == "nhs_region"  # E40000007, its code before January 2024
    assert (frame.loc["E08000035", "area_level"], frame.loc["E10000023", "area_level"]) == ("la", "other")
    # England's row is in all three downloads, identical: loaded once, and the report counts the merges.
    assert (frame.index == "E92000001").sum() == 1 and len(frame) == 4 + 4 + 3 - 2
    assert len([n for n in notes(real, "merged_duplicate") if "fingertips" in n.file]) == 2


# ---- broken downloads ----------------------------------------------------------------------------------------

def test_truncated_1_cut_inside_a_field_or_at_a_field_boundary(tmp_path):
    found = {(p.file, p.row, p.column, p.rule) for p in load(
        tmp_path, "fingertips_cut_mid_field.csv", "nomis_cut_at_field_boundary.csv", folder=BAD).errors}
    assert found == {("fingertips_cut_mid_field.csv", 3, "Area Name", "truncated_file"),
                     ("nomis_cut_at_field_boundary.csv", 3, "MEASURES_NAME", "truncated_file")}


def test_truncated_2_a_short_last_line_and_a_complete_file_without_a_final_newline(tmp_path):
    text = (GOOD / "pilot_returns_q2.csv").read_text()
    (tmp_path / "short.csv").write_text(text.rstrip("\n")[:-len(",9,47740")])  # cut just before a comma
    [problem] = build.read_sources(tmp_path).errors
    assert (problem.row, problem.column, problem.rule) == (5, "job_outcomes", "truncated_file")
    assert "3 of 9 fields" not in problem.message and "7 of 9 fields" in problem.message
    (tmp_path / "short.csv").write_text(text.rstrip("\n"))  # complete, only missing its final line break
    assert build.read_sources(tmp_path).errors == []
    (tmp_path / "short.csv").unlink()
    nomis = (REAL / "nomis_query_la.csv").read_text().rstrip()  # ends with a footnote, no final line break
    (tmp_path / "la.csv").write_text(nomis, newline="")
    assert build.read_sources(tmp_path).errors == []
    (tmp_path / "la.csv").write_text(nomis[:nomis.index('"ualad09:Cardiff"') + 12], newline="")  # cut in a row
    [problem] = build.read_sources(tmp_path).errors
    assert (problem.row, problem.rule) == (17, "truncated_file") and "unclosed" not in problem.message


def test_lines_1_problems_point_at_the_line_a_text_editor_shows(tmp_path):
    # A quoted field with a line break in it moves every later row down a line in an editor.
    text = (GOOD / "pilot_returns_q2.csv").read_text().replace("E54000061,2025Q2,accelerator,mental",
                                                               '"E54000061",2025Q2,accelerator,mental')
    lines = text.splitlines()
    lines.insert(1, '"# a note, quoted,\nover two lines",,,,,,,,')
    lines[-1] = lines[-1].replace("47740", "lots")
    (tmp_path / "returns.csv").write_text("\n".join(lines) + "\n")
    found = {(p.row, p.column, p.rule) for p in build.read_sources(tmp_path).errors}
    assert (7, "cost_gbp", "not_a_number") in found  # line 7 in an editor; the 6th CSV record

    regions = (REAL / "nomis_query_regions.csv").read_text().replace('"401,200"', '"lots"')
    (tmp_path / "returns.csv").unlink()
    (tmp_path / "regions.csv").write_text(regions, newline="")
    [problem] = build.read_sources(tmp_path).errors
    assert (problem.row, problem.column, problem.rule) == (9, "Economically inactive - long-term sick",
                                                           "not_a_number")


# ---- everything together, through the command line ------------------------------------------------------------

def test_build_1_every_layout_together_in_one_build(tmp_path, capsys):
    source = tmp_path / "downloads"
    shutil.copytree(GOOD, source)
    shutil.copytree(REAL, source / "real")
    db, report = tmp_path / "w.duckdb", tmp_path / "problems.csv"
    assert build.main(["--db", str(db), "--participants", "1000", "--source", str(source),
                       "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "real tables: pilot_returns,source_fingertips,source_inac01,source_nomis_aps,source_ons_series" in out
    assert "aggregated 1, ignored_column" in out and "superseded 3" in out
    with duckdb.connect(str(db), read_only=True) as con:
        counts = dict(con.execute("""SELECT 'fingertips', count(*) FROM source_fingertips UNION ALL
                                     SELECT 'nomis', count(*) FROM source_nomis_aps UNION ALL
                                     SELECT 'inac01', count(*) FROM source_inac01 UNION ALL
                                     SELECT 'ons', count(*) FROM source_ons_series UNION ALL
                                     SELECT 'pilot', count(*) FROM pilot_returns""").fetchall())
        wy = con.execute("""SELECT numerator, denominator, aggregated FROM source_nomis_aps
                            WHERE area_code = 'E54000054' AND period = 'Jan 2024-Dec 2024'""").fetchone()
        formats = dict(con.execute("SELECT format, count(*) FROM source_files GROUP BY ALL").fetchall())
    assert counts == {"fingertips": 5 + 9, "nomis": 4 + 12 + 14, "inac01": 35 + 120, "ons": 10, "pilot": 5 + 8}
    assert wy == (68_000, 280_300, True)
    assert formats == {"fingertips": 4, "nomis_aps": 1, "nomis_query": 2, "inac01": 7, "ons_series": 1,
                       "pilot_returns": 3}
    rows = pd.read_csv(report, dtype=str, keep_default_na=False)
    assert list(rows.columns) == ["file", "row", "column", "rule", "message", "severity"]
    assert set(rows["severity"]) == {"note"} and {"kept_not_shown", "aggregated", "superseded", "merged_duplicate",
                                                  "ignored_column"} <= set(rows["rule"])


def test_build_2_a_broken_download_among_real_ones_leaves_the_warehouse_byte_identical(tmp_path, capsys):
    db = tmp_path / "live" / "w.duckdb"
    build.build_demo(db, participants=500, seed=1)
    before = db.read_bytes()
    source = tmp_path / "downloads"
    shutil.copytree(REAL, source)
    shutil.copy(BAD / "nomis_cut_at_field_boundary.csv", source)
    assert build.main(["--db", str(db), "--participants", "1000", "--source", str(source)]) == 1
    err = capsys.readouterr().err
    assert "nomis_cut_at_field_boundary.csv row 3 column 'MEASURES_NAME': truncated_file" in err
    assert db.read_bytes() == before and sorted(p.name for p in db.parent.iterdir()) == ["w.duckdb"]


def test_pilot_returns_still_need_an_icb(tmp_path):
    text = (GOOD / "pilot_returns_q2.csv").read_text().replace("E54000054,2025Q2", "E08000035,2025Q2")
    (tmp_path / "returns.csv").write_text(text)
    [problem] = build.read_sources(tmp_path).errors  # Leeds is a known area, and not an ICB
    assert (problem.row, problem.column, problem.rule) == (4, "icb_code", "unknown_area")
