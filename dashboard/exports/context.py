"""What goes around every export: where and when it was made, the data's date, the provenance block and the
numbers behind a chart as exported (plotting helpers dropped)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

import queries
from dashboard import figures
from dashboard.domain import domain
from dashboard.filters import period_label
from dashboard.registry import Rendered
from dashboard.stats import disclosure, quality

DATA_FORMATS = ("csv", "xlsx")
IMAGE_FORMATS = ("png", "svg")
FORMATS = IMAGE_FORMATS + DATA_FORMATS
MIMETYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# Columns that only place a value on an axis (the start date of a "period"): not numbers behind the chart.
HELPER_COLUMNS = {"period_start": "period"}
QUARTER = re.compile(r"\d{4}Q[1-4]")
DISCLOSURE_NOTE = disclosure.NOTE  # the rule's one statement, owned by dashboard.stats.disclosure
LICENCE = "Contains public sector information licensed under the Open Government Licence v3.0"


@dataclass(frozen=True)
class Context:
    """Where and when an export was made: the dashboard view's address, today's date, the data's meta."""
    url: str
    accessed: date
    meta: dict
    demo: bool

    @classmethod
    def now(cls, url: str) -> Context:
        try:
            wh = queries.warehouse()
            meta, demo = dict(wh.meta), domain(wh).synthetic
        except queries.WarehouseUnavailable:
            meta, demo = {}, True
        return cls(url=url, accessed=date.today(), meta=meta, demo=demo)


def table(rendered: Rendered) -> pd.DataFrame:
    """The numbers behind the chart, as exported (plotting helpers dropped when what they derive from is there)."""
    frame = rendered.data
    drop = [c for c, source in HELPER_COLUMNS.items() if c in frame.columns and source in frame.columns]
    frame = frame.drop(columns=drop)
    # 15 significant figures, every digit a double holds of a published value, without the binary noise of
    # arithmetic on it: 36.1 less a 2.8 half-width is 33.300000000000004 in binary, and the outputs say 33.3.
    floats = frame.select_dtypes("float").columns
    return frame.assign(**{c: frame[c].map(_significant, na_action="ignore") for c in floats}) if len(floats) else frame


def _significant(value: float) -> float:
    return float(f"{value:.15g}") if math.isfinite(value) else value


def data_date(rendered: Rendered, ctx: Context) -> str:
    """'Data to Apr-Jun 2026; warehouse built 23 November 2026'."""
    parts = []
    data = rendered.data
    last = ctx.meta.get("last_period")
    if "period" in data.columns and len(data):
        # Quarters ('2026Q2') sort as text; a published series' own labels ('Mar-May 2024') by their end date.
        last = str(data.loc[data["period_end"].idxmax(), "period"] if "period_end" in data.columns
                   else data["period"].max())
    if last:
        parts.append(f"Data to {period_label(last) if QUARTER.fullmatch(last) else last}")
    built = ctx.meta.get("built_at")
    if built:
        try:
            parts.append(f"warehouse built {long_date(datetime.fromisoformat(built).date())}")
        except ValueError:
            parts.append(f"warehouse built {built}")
    return "; ".join(parts)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def accessed_line(ctx: Context) -> str:
    """Crown-copyright style, as FingertipsNext prints under its charts (no Crown copyright on made-up data)."""
    crown = "" if ctx.demo else f"© Crown copyright {ctx.accessed.year}. "
    return f"{crown}Accessed on {long_date(ctx.accessed)} from {ctx.url}. {LICENCE}."


def assumptions(rendered: Rendered) -> str:
    """The assumptions a chart's numbers rest on (e.g. the return on investment's), recorded in every export."""
    return str(rendered.data.attrs.get("assumptions", ""))


def provenance(rendered: Rendered, ctx: Context) -> list[tuple[str, str]]:
    """The header block of every data export: (label, text) pairs."""
    rows = [
        ("Title", rendered.chart.title),
        ("Filters", rendered.filters.describe()),
        ("Source", rendered.chart.source),
        ("Description", rendered.chart.description),
        ("Summary", rendered.summary),
        ("Data date", data_date(rendered, ctx)),
        ("Notes", f"{DISCLOSURE_NOTE} {quality.note()}"),
        ("Accessed", accessed_line(ctx)),
        ("Chart id", rendered.chart.id),
    ]
    if assumptions(rendered):
        labels = [label for label, _ in rows]
        at = labels.index("Notes") if "Notes" in labels else len(rows)
        rows.insert(at, ("Assumptions", assumptions(rendered)))
    if ctx.demo and rendered.demo:
        rows.insert(0, ("Warning", f"{figures.DEMO_NOTE}: {figures.DEMO_WARNING}."))
    return rows


