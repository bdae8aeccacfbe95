"""Validation of real source files: every problem found, each naming the file, the row, the column and the rule.

Readers (``data/sources``) report what they meet while parsing (text in a numeric column, a period that does not
parse, missing columns, a file that is not CSV or Excel); ``check`` then applies the rules that hold for every
format to a reader's normalised frame, as its ``Spec`` says. Any problem fails the build: a data manager fixes the
file and runs it again, and nothing is loaded in the meantime. ``write_report`` writes them all as CSV.
"""
from __future__ import annotations

import csv
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path

import pandas as pd

from data.sources import known_areas

RULES = {
    "not_tabular": "The file is not a CSV file or an Excel workbook.",
    "unknown_format": "The headers match none of the formats the build reads (Fingertips, Nomis APS, INAC01, "
                      "pilot returns).",
    "missing_column": "A column the format needs is missing.",
    "not_a_number": "A numeric column holds text.",
    "bad_period": "A time period does not parse in the format's convention.",
    "unknown_area": "An area code is not a known GSS code for England, an ONS region or an ICB "
                    "(old ICB codes are mapped through data/sources/area_lookup.csv first).",
    "unknown_code": "A programme or condition group is not in the reference tables.",
    "negative_count": "A count, denominator or cost is below zero.",
    "numerator_above_denominator": "A numerator is larger than its denominator.",
    "rate_out_of_range": "A percentage is below 0 or above 100.",
    "interval_excludes_value": "A confidence interval does not contain its value (or its lower limit is above "
                               "its upper limit).",
    "duplicate_key": "Two rows have the same key (the same thing reported twice).",
}
REPORT_COLUMNS = ("file", "row", "column", "rule", "message")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str
    rule: str
    message: str

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


def check(frame: pd.DataFrame, spec: Spec, file: str) -> list[Problem]:
    """Every rule of ``spec`` on every row; ``frame['_row']`` gives the row numbers shown to people."""
    problems: list[Problem] = []
    label = spec.labels.get
    rows = frame["_row"].astype(int)

    def add(mask: pd.Series, column: str, rule: str, message) -> None:
        for i in mask[mask.fillna(False).astype(bool)].index:
            problems.append(Problem(file, int(rows[i]), label(column, column), rule, message(frame.loc[i])))

    if spec.area:
        known = known_areas()
        codes = frame[spec.area].astype(str)
        add(~codes.isin(known), spec.area, "unknown_area",
            lambda r: f"{r[spec.area]!r} is not a known GSS code for England, a region or an ICB")
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
    """Every problem as CSV (file,row,column,rule,message), header only when there are none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([f.name for f in fields(Problem)])
        for problem in problems:
            writer.writerow(["" if v is None else v for v in astuple(problem)])
