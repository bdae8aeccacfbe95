"""Readers for real source files, on small hand-made files in each published layout (tests/fixtures/sources/good)."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from data import build, sources
from data.sources import fingertips, inac01, nomis, pilot

GOOD = Path(__file__).parent / "fixtures" / "sources" / "good"


@pytest.fixture(scope="module")
def loaded():
    data = build.read_sources(GOOD)
    assert data.errors == []
    return data


def one(path: Path):
    [table] = sources.read_tables(path, path.name)
    reader, index = sources.detect(table)
    return reader, index, table


def test_detect_1_format_comes_from_headers_not_file_names(tmp_path):
    for name, reader in (("fingertips_export.csv", fingertips), ("nomis_aps_lts.csv", nomis),
                         ("inac01_people.csv", inac01), ("pilot_returns_q2.csv", pilot)):
        renamed = tmp_path / f"download ({reader.NAME[:3]}).csv"
        shutil.copy(GOOD / name, renamed)
        assert one(renamed)[0] is reader


def test_detect_2_title_rows_above_the_header_are_skipped():
    reader, index, table = one(GOOD / "inac01_people.csv")
    assert reader is inac01 and index == 3 and table.rows[index][4] == "LF6A"


def test_fingertips_1_values_intervals_and_counts(loaded):
    frame = loaded.tables["source_fingertips"].set_index(["indicator_id", "area_code"])
    row = frame.loc[(93881, "E54000061")]
    assert (row["value"], row["lower_95"], row["upper_95"], row["lower_998"], row["upper_998"]) == (
        60.2, 57.3, 63.0, 55.6, 64.7)
    assert (row["count"], row["denominator"], row["compared_to_england"]) == (690, 1146, "Worse")
    assert frame.loc[(91125, "E54000054"), "count"] == 3120  # "3,120" with a thousands comma
    assert frame.loc[(91125, "E54000054"), "time_period"] == "2021 - 23"


def test_fingertips_2_suppressed_value_is_null_with_its_note(loaded):
    row = loaded.tables["source_fingertips"].set_index(["indicator_id", "area_code"]).loc[(93881, "E54000054")]
    assert pd.isna(row["value"]) and pd.isna(row["count"]) and row["value_note"] == "* Value suppressed"


def test_geography_1_old_icb_codes_map_to_current_ones(loaded):
    codes = set(loaded.tables["source_fingertips"]["area_code"])
    assert "E54000063" in codes and "E54000052" not in codes  # Surrey Heartlands, 2022 -> 2023 code
    assert "E54000063" in set(loaded.tables["pilot_returns"]["icb_code"])


def test_fingertips_3_time_periods():
    for good in ("2023", "2022/23", "2021 - 23", "2020/21 - 22/23", "2023 Q1", "2022/23 Q4", "Jan 2024", "2023-24"):
        assert fingertips.parse_period(good), good
    for bad in ("sometime", "23/24", "2023 Q5", "Q1 2023", ""):
        assert not fingertips.parse_period(bad), bad


def test_nomis_1_measures_side_by_side_with_interval(loaded):
    frame = loaded.tables["source_nomis_aps"].set_index("area_code")
    ne = frame.loc["E12000001"]
    assert (ne["value"], ne["numerator"], ne["denominator"], ne["confidence"]) == (35.2, 148200, 421000, 2.9)
    assert (ne["ci_lower"], ne["ci_upper"]) == pytest.approx((32.3, 38.1))
    assert ne["period_start"] == pd.Timestamp("2023-01-01") and ne["period_end"] == pd.Timestamp("2023-12-31")
    assert ne["reliability"] == "reliable" and pd.isna(ne["flag"])


def test_nomis_2_status_flags_carried_into_reliability(loaded):
    frame = loaded.tables["source_nomis_aps"].set_index("area_code")
    assert (frame.loc["E12000007", "flag"], frame.loc["E12000007", "reliability"]) == ("*", "unreliable (sample 3-9)")
    assert frame.loc["E12000007", "value"] == 18.4  # '*' estimates are published, flagged
    sy = frame.loc["E54000061"]  # '!' in the value cell itself: not published
    assert sy["flag"] == "!" and pd.isna(sy["value"]) and sy["reliability"].startswith("not shown")
    wy = frame.loc["E54000054"]  # '~' an estimate under 500, a count variable, '12 months ending' period
    assert (wy["flag"], wy["value"], bool(wy["is_percentage"])) == ("~", 400, False)
    assert wy["period_start"] == pd.Timestamp("2023-01-01")


def test_nomis_3_period_labels():
    assert nomis.parse_period("Oct 2022-Sep 2023") == (pd.Timestamp("2022-10-01"), pd.Timestamp("2023-09-30"))
    assert nomis.parse_period("12 months ending Mar 2024")[0] == pd.Timestamp("2023-04-01")
    for bad in ("Dec 2023", "Dec 2023-Jan 2023", "2023"):
        with pytest.raises(ValueError):
            nomis.parse_period(bad)


def test_inac01_1_thousands_to_people_and_dots_as_missing(loaded):
    frame = loaded.tables["source_inac01"].set_index(["period", "series_id"])
    assert frame.loc[("Mar-May 2024", "LF6A"), "people"] == 2_780_000
    assert frame.loc[("Dec 2023-Feb 2024", "LF6A"), "thousands"] == 2805  # "2,805"
    assert pd.isna(frame.loc[("Mar-May 1992", "LF64"), "thousands"])  # '..'
    assert frame.loc[("Mar-May 2024", "LF6A"), "series_name"] == "Long-term sick"
    assert len(frame) == 5 * 7  # the note and blank rows under the table are not data


def test_inac01_2_rolling_periods_including_across_a_year_end():
    assert inac01.parse_period("Mar-May 2024") == (pd.Timestamp("2024-03-01"), pd.Timestamp("2024-05-31"))
    assert inac01.parse_period("Nov-Jan 2024") == (pd.Timestamp("2023-11-01"), pd.Timestamp("2024-01-31"))
    assert inac01.parse_period("Jul to Sep 2019")[0] == pd.Timestamp("2019-07-01")
    assert inac01.parse_period("Dec 2023-Feb 2024")[1] == pd.Timestamp("2024-02-29")
    for bad in ("Mar-Jun 2024", "2024Q1", "Foo-Bar 2024", "Mar-May"):
        with pytest.raises(ValueError):
            inac01.parse_period(bad)


def test_inac01_3_workbook_sheets_give_the_sex(tmp_path):
    rows = [["", "Long-term sick", "Retired"], ["Dataset identifier code", "YBSK", "YBSM"],
            ["Mar-May 2024", "1300", ".."]]
    path = tmp_path / "inac01.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame([["Contents of this workbook"]]).to_excel(writer, sheet_name="Contents", index=False, header=False)
        for sheet in ("Men", "Women"):
            pd.DataFrame(rows).to_excel(writer, sheet_name=sheet, index=False, header=False)
    data = build.read_sources(tmp_path)
    assert data.errors == []
    frame = data.tables["source_inac01"]
    assert sorted(set(frame["sex"])) == ["female", "male"] and len(frame) == 4
    assert frame.loc[frame["series_id"] == "YBSK", "series_name"].tolist() == ["Long-term sick"] * 2


def test_pilot_1_csv_and_excel_returns_load(loaded):
    frame = loaded.tables["pilot_returns"].set_index(["icb_code", "period", "programme", "condition_group"])
    assert frame.loc[("E54000050", "2025Q3", "accelerator", "msk"), "starts"] == 70  # from the .xlsx
    row = frame.loc[("E54000054", "2025Q2", "accelerator", "all")]
    assert (row["referrals"], row["starts"], row["job_outcomes"], row["sustained_outcomes"], row["cost_gbp"]) == (
        300, 240, 61, 40, 360000)
    assert pd.isna(frame.loc[("E54000061", "2025Q2", "accelerator", "msk"), "sustained_outcomes"])
    assert frame.loc[("E54000061", "2025Q2", "accelerator", "msk"), "period_start"] == pd.Timestamp("2025-04-01")


def test_pilot_2_blank_templates_are_committed_and_readable(tmp_path):
    assert pilot.TEMPLATE_CSV.read_text().strip().split(",") == list(pilot.REQUIRED)
    [returns, guidance] = sources.read_tables(pilot.TEMPLATE_XLSX, "t.xlsx")
    assert returns.rows[0] == list(pilot.REQUIRED) and guidance.sheet == "Guidance"
    for path in (pilot.TEMPLATE_CSV, pilot.TEMPLATE_XLSX):
        shutil.copy(path, tmp_path)
    data = build.read_sources(tmp_path)
    assert data.errors == [] and len(data.tables["pilot_returns"]) == 0


def test_pilot_3_template_link_needs_no_route():
    href = pilot.template_href()
    assert href.startswith("data:text/csv") and "icb_code%2Cperiod" in href
    assert pilot.template_href("xlsx").startswith("data:application/vnd.openxmlformats")


def test_read_1_not_csv_or_excel_is_rejected(tmp_path):
    for name, content in (("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00"), ("b.xlsx", b"PK\x03\x04 not a zip"),
                          ("c.csv", b"one column only\nsecond line\n"), ("d.xls", b"\xd0\xcf\x11\xe0rest")):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(sources.NotTabular):
            sources.read_tables(tmp_path / name, name)
