"""Validation of real source files: every problem found, each naming the file, the row, the column and the rule.

Readers (``data/sources``) report what they meet while parsing (text in a numeric column, a period that does not
parse, missing columns, a file that is not CSV or Excel); ``check`` then applies the rules that hold for every
format to a reader's normalised frame, as its ``Spec`` says. Any problem fails the build: a data manager fixes the
file and runs it again, and nothing is loaded in the meantime. Notes (``NOTES``: a header not read, rows kept for
areas the dashboard does not draw, identical rows merged, older editions superseded, local authorities summed to
ICBs) are reported too but never fail a build. ``write_report`` writes them all as CSV, problems first.
"""
from __future__ import annotations

import csv
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path

import pandas as pd

from data import geography

RULES = {
    "not_tabular": "The file is not a CSV file or an Excel workbook (.xlsx or .xls).",
    "unknown_format": "The headers match none of the formats the build reads (Fingertips, Nomis APS, INAC01, "
                      "ONS time series, pilot returns).",
    "truncated_file": "The file was cut off mid-download: it ends inside a field or with a short last line.",
    "missing_column": "A column the format needs is missing.",
    "not_a_number": "A numeric column holds text.",
    "bad_period": "A time period does not parse in the format's convention.",
    "unknown_area": "An area code is not a GSS code of a kind the build knows (England, ONS or NHS region, ICB, "
                    "local authority, county, UK nations); old codes are mapped through "
                    "data/sources/area_lookup.csv first.",
    "unknown_code": "A programme or condition group is not in the reference tables.",
    "negative_count": "A count, denominator or cost is below zero.",
    "numerator_above_denominator": "A numerator is larger than its denominator.",
    "rate_out_of_range": "A percentage is below 0 or above 100.",
    "interval_excludes_value": "A confidence interval does not contain its value (or its lower limit is above "
                               "its upper limit).",
    "duplicate_key": "Two rows of one file have the same key (the same thing reported twice).",
    "conflicting_duplicate": "Two files give different values for the same key (and neither is a newer edition).",
}
NOTES = {
    "ignored_column": "A header the reader does not use; its column was not loaded.",
    "kept_not_shown": "Rows for areas the dashboard does not draw (local authorities, NHS regions, Wales...): "
                      "loaded, not shown.",
    "merged_duplicate": "Rows repeated with identical values in another file (e.g. England in every Fingertips "
                        "download): loaded once.",
    "superseded": "Rows of an older edition of a series, replaced by a newer release of the same periods.",
    "aggregated": "Local-authority survey counts summed to ICBs by best fit (data/reference/lad_icb.csv).",
    "not_aggregated": "An ICB left without an aggregated row: some of its local authorities have no published counts.",
}
REPORT_COLUMNS = ("file", "row", "column", "rule", "message", "severity")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str
    rule: str
    message: str
    severity: str = "error"  # or "note": reported, never fails a build

    @classmethod
    def note(cls, file: str, row: int | None, column: str, rule: str, message: str) -> Problem:
        return cls(file, row, column, rule, message, "note")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "whole file"
        column = f" column {self.column!r}" if self.column else ""
        return f"{self.file} {where}{column}: {self.rule}: {self.message}"


@dataclass(frozen=True)
class Spec:
    """What to check on a normalised frame; names are the frame's columns, ``labels`` their names in the file."""

    area: str | None = None
    counts: tuple[str, ...] = ()
    ratios: tuple[tuple[str, str], ...] = ()  # (numerator, denominator)
    rate: str | None = None
    rate_mask: str | None = None  # boolean column: which rows' ``rate`` is a percentage
    intervals: tuple[tuple[str, str, str], ...] = ()  # (lower, value, upper)
    key: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    rows: dict[str, str] = field(default_factory=dict)  # column -> the frame column with its own line number


def check(frame: pd.DataFrame, spec: Spec, file: str) -> list[Problem]:
    """Every rule of ``spec`` on every row; ``frame['_row']`` gives the row numbers shown to people."""
    problems: list[Problem] = []
    label = spec.labels.get
    rows = frame["_row"].astype(int)

    def line(i, column: str) -> int:
        """The line of the cell: a long file (Nomis API) has each measure of a row on its own line."""
        own = frame.at[i, spec.rows[column]] if column in spec.rows else None
        return int(own) if own is not None and pd.notna(own) else int(rows[i])

    def add(mask: pd.Series, column: str, rule: str, message) -> None:
        for i in mask[mask.fillna(False).astype(bool)].index:
            problems.append(Problem(file, line(i, column), label(column, column), rule, message(frame.loc[i])))

    if spec.area:
        codes = frame[spec.area].astype(str)
        add(codes.map(geography.level).isna(), spec.area, "unknown_area",
            lambda r: f"{r[spec.area]!r} is not a known GSS code (England, a region, an ICB, a local authority...)")
    for column in spec.counts:
        add(frame[column] < 0, column, "negative_count", lambda r, c=column: f"{r[c]:g} is below zero")
    for num, den in spec.ratios:
        add(frame[num] > frame[den], num, "numerator_above_denominator",
            lambda r, n=num, d=den: f"{label(n, n)} {r[n]:g} is more than {label(d, d)} {r[d]:g}")
    if spec.rate:
        outside = (frame[spec.rate] < 0) | (frame[spec.rate] > 100)
        if spec.rate_mask:
            outside &= frame[spec.rate_mask].astype(bool)
        add(outside, spec.rate, "rate_out_of_range", lambda r: f"{r[spec.rate]:g} is outside 0-100")
    for lower, value, upper in spec.intervals:
        bad = (frame[lower] > frame[value]) | (frame[value] > frame[upper]) | (frame[lower] > frame[upper])
        add(bad, lower, "interval_excludes_value",
            lambda r, lo=lower, v=value, hi=upper: f"interval {r[lo]:g} to {r[hi]:g} does not contain {r[v]:g}")
    if spec.key:
        keyed = frame[list(spec.key)].astype(str)
        first = keyed.drop_duplicates().reset_index().set_index(list(spec.key))["index"]
        seen_rows = set()  # one problem a file row, though a wide row (INAC01) holds several keys
        for i in keyed[keyed.duplicated()].index:
            if rows[i] in seen_rows:
                continue
            seen_rows.add(rows[i])
            original = first.loc[tuple(keyed.loc[i])] if len(spec.key) > 1 else first.loc[keyed.loc[i].iloc[0]]
            what = ", ".join(f"{label(k, k)}={frame.at[i, k]}" for k in spec.key)
            problems.append(Problem(file, int(rows[i]), label(spec.key[0], spec.key[0]), "duplicate_key",
                                    f"same key as row {int(rows[original])} ({what})"))
    return problems


def write_report(problems: list[Problem], path: Path) -> None:
    """Every problem, then every note, as CSV (file,row,column,rule,message,severity); header only when none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([f.name for f in fields(Problem)])
        for problem in sorted(problems, key=lambda p: not p.is_error):
            writer.writerow(["" if v is None else v for v in astuple(problem)])
