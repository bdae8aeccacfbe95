"""Each validation rule fires on the right file, row and column (tests/fixtures/sources/bad: half-valid and corrupt
files of each format), and the good rows of a half-valid file raise nothing."""
import shutil
from pathlib import Path

from data import build, validate

BAD = Path(__file__).parent / "fixtures" / "sources" / "bad"
GOOD = Path(__file__).parent / "fixtures" / "sources" / "good"


def problems_in(tmp_path, *names, folder=BAD):
    for name in names:
        shutil.copy(folder / name, tmp_path / name)
    return {(p.file, p.row, p.column, p.rule) for p in build.read_sources(tmp_path).errors}


def test_rules_1_fingertips_half_valid_file(tmp_path):
    f = "fingertips_half_valid.csv"
    assert problems_in(tmp_path, f) == {
        (f, 3, "Area Code", "unknown_area"),
        (f, 4, "Time period", "bad_period"),
        (f, 5, "Lower CI 95.0 limit", "interval_excludes_value"),
        (f, 6, "Count", "numerator_above_denominator"),
        (f, 6, "Value", "rate_out_of_range"),
        (f, 7, "Count", "negative_count"),
        (f, 8, "Indicator ID", "duplicate_key"),
        (f, 9, "Value", "not_a_number"),
    }  # row 2 is valid and raises nothing


def test_rules_2_nomis_half_valid_file(tmp_path):
    f = "nomis_half_valid.csv"
    assert problems_in(tmp_path, f) == {
        (f, 7, "OBS_VALUE (Numerator)", "numerator_above_denominator"),  # the Numerator line itself
        (f, 6, "OBS_VALUE (Variable)", "rate_out_of_range"),
        (f, 9, "DATE_NAME", "bad_period"),
        (f, 10, "DATE_NAME", "duplicate_key"),
        (f, 11, "GEOGRAPHY_CODE", "unknown_area"),
        (f, 13, "OBS_VALUE (Confidence)", "interval_excludes_value"),  # the Confidence line
    }


def test_rules_3_inac01_half_valid_file(tmp_path):
    f = "inac01_half_valid.csv"
    assert problems_in(tmp_path, f) == {
        (f, 4, "Dataset identifier code", "bad_period"),  # Mar-Jun is four months, not a rolling quarter
        (f, 5, "LF6A", "negative_count"),
        (f, 6, "period", "duplicate_key"),
        (f, 7, "LF6A", "not_a_number"),
    }


def test_rules_4_pilot_half_valid_file(tmp_path):
    f = "pilot_half_valid.csv"
    assert problems_in(tmp_path, f) == {
        (f, 3, "period", "bad_period"),
        (f, 4, "starts", "numerator_above_denominator"),
        (f, 5, "referrals", "negative_count"),
        (f, 5, "starts", "numerator_above_denominator"),
        (f, 6, "icb_code", "duplicate_key"),
        (f, 7, "icb_code", "unknown_area"),  # a region is not an ICB
        (f, 8, "programme", "unknown_code"),
        (f, 9, "job_outcomes", "not_a_number"),  # 1.5 people
    }


def test_rules_5_files_that_are_not_csv_or_excel(tmp_path):
    assert problems_in(tmp_path, "chart.png", "corrupt.xlsx", "notes.txt", "other_table.csv") == {
        ("chart.png", None, "", "not_tabular"),
        ("corrupt.xlsx", None, "", "not_tabular"),
        ("notes.txt", None, "", "not_tabular"),
        ("other_table.csv", None, "", "unknown_format"),
    }


def test_rules_6_missing_required_column(tmp_path):
    assert problems_in(tmp_path, "fingertips_no_value_column.csv") == {
        ("fingertips_no_value_column.csv", 1, "Value", "missing_column")}


def test_rules_7_the_same_return_sent_twice_is_merged_a_changed_one_conflicts(tmp_path):
    shutil.copy(GOOD / "pilot_returns_q2.csv", tmp_path / "b_resent.csv")
    shutil.copy(GOOD / "pilot_returns_q2.csv", tmp_path / "pilot_returns_q2.csv")
    data = build.read_sources(tmp_path)
    assert data.errors == [] and len(data.tables["pilot_returns"]) == 4
    assert [(n.file, n.rule) for n in data.notes if n.rule == "merged_duplicate"] == [
        ("pilot_returns_q2.csv", "merged_duplicate")] and "4 rows identical to rows of b_resent.csv" in str(data.notes)
    changed = (GOOD / "pilot_returns_q2.csv").read_text().replace("E54000054,2025Q2,accelerator,all,300,240",
                                                                  "E54000054,2025Q2,accelerator,all,300,241")
    (tmp_path / "pilot_returns_q2.csv").write_text(changed)
    [conflict] = build.read_sources(tmp_path).errors
    assert (conflict.file, conflict.row, conflict.column, conflict.rule) == (
        "pilot_returns_q2.csv", 4, "icb_code", "conflicting_duplicate")
    assert "b_resent.csv row 4 has the same key" in conflict.message


def test_rules_8_every_rule_is_documented_and_exercised(tmp_path):
    for name in [p.name for p in BAD.iterdir()]:
        shutil.copy(BAD / name, tmp_path / name)
    rules = {p.rule for p in build.read_sources(tmp_path).errors}
    assert rules == set(validate.RULES)


def test_rules_9_messages_name_file_row_and_rule(tmp_path):
    shutil.copy(BAD / "pilot_half_valid.csv", tmp_path)
    text = [str(p) for p in build.read_sources(tmp_path).errors]
    assert ("pilot_half_valid.csv row 4 column 'starts': numerator_above_denominator: "
            "starts 95 is more than referrals 90") in text


def test_check_1_empty_values_are_not_problems():
    import pandas as pd

    frame = pd.DataFrame({"_row": [2], "lo": [pd.NA], "v": [pd.NA], "hi": [pd.NA], "n": [pd.NA], "d": [pd.NA]},
                         dtype="Float64")
    spec = validate.Spec(counts=("n",), ratios=(("n", "d"),), rate="v", intervals=(("lo", "v", "hi"),))
    assert validate.check(frame, spec, "f.csv") == []


def test_report_1_writes_every_problem_as_csv(tmp_path):
    import csv

    problems = [validate.Problem("a.csv", 3, "Value", "rate_out_of_range", "160 is outside 0-100, really"),
                validate.Problem("b.png", None, "", "not_tabular", "a binary file")]
    validate.write_report(problems, tmp_path / "out" / "report.csv")
    with open(tmp_path / "out" / "report.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["file", "row", "column", "rule", "message", "severity"],
                    ["a.csv", "3", "Value", "rate_out_of_range", "160 is outside 0-100, really", "error"],
                    ["b.png", "", "", "not_tabular", "a binary file", "error"]]

