"""A chart's numbers and what they mean, as /api/v1/charts/<id> answers them: the CSV export's rows as JSON values,
the filters applied and ignored, the period covered, units and quality notes, and links to every other form."""
from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd

import queries
from dashboard import exports, figures, openapi
from dashboard.domain import domain
from dashboard.filters import FILTER_DEFINITIONS, Filters
from dashboard.problems import base_url as _base
from dashboard.registry import Rendered

RELIABILITY_NOTE = ("Reliability, as on Nomis: '!' an estimate from 0-2 respondents (not shown), '*' from 3-9 "
                    "respondents (unreliable), '~' an estimate under 500 people.")


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON values: missing and non-finite numbers as null, dates as YYYY-MM-DD, numpy scalars as Python."""
    def value(v):
        if isinstance(v, np.ndarray):  # a scalar wrapped in an array (as the CSV writes it), or a list
            v = v.item() if v.ndim == 0 else v.tolist()
        if v is None or (not isinstance(v, str | bytes | list | tuple | dict) and pd.isna(v)):
            return None
        if isinstance(v, datetime | date):  # as the CSV export writes them (date_format="%Y-%m-%d")
            return v.strftime("%Y-%m-%d")
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and not math.isfinite(v):
            return None
        return v
    columns = [str(c) for c in frame.columns]
    return [dict(zip(columns, (value(v) for v in row), strict=True)) for row in frame.itertuples(index=False)]


def period_covered(rendered: Rendered) -> dict | None:
    """The first and last period in the chart's numbers (or the quarters asked for, when it has no periods)."""
    data = rendered.data
    if "period" in data.columns and len(data):
        order = next((c for c in ("period_end", "period_start") if c in data.columns), "period")
        ordered = data.sort_values(order)["period"].astype(str)
        return {"first": ordered.iloc[0], "last": ordered.iloc[-1]}
    chart, filters = rendered.chart, rendered.filters
    if "from" in chart.filters or "to" in chart.filters:
        return {"first": filters.period_from if "from" in chart.filters else None, "last": filters.period_to}
    return None


def chart_document(rendered: Rendered, wh: queries.Warehouse) -> dict:
    chart, filters = rendered.chart, rendered.filters
    table = exports.table(rendered)  # the CSV export's own frame: the same numbers, after disclosure control
    asked = filters.to_query()
    applied = {d.name: asked.get(d.name, d.default) for d in FILTER_DEFINITIONS if d.name in chart.filters}
    ignored = sorted(set(asked) - set(chart.filters))
    words = Filters.from_query({k: v for k, v in asked.items() if k in chart.filters}).describe()
    notes = [exports.DISCLOSURE_NOTE]
    if "reliability" in table.columns:
        notes.append(RELIABILITY_NOTE)
    if rendered.demo:
        notes.insert(0, figures.DEMO_SENTENCE)
    if table.empty:
        notes.append(rendered.empty_message)
    if ignored:
        notes.append(f"This chart does not respond to {', '.join(ignored)}: those filters were not applied.")
    query = filters.query_string()
    base = _base()
    meta = wh.meta
    return {
        "id": chart.id,
        "title": chart.title,
        "description": chart.description,
        "summary": rendered.summary,
        "source": chart.source,
        "page": chart.page,
        "demo": rendered.demo,
        "data_version": wh.version,
        "built_at": meta.get("built_at"),
        "filters": applied,
        "filters_in_words": words,
        "filters_ignored": ignored,
        "period_covered": period_covered(rendered),
        "data_date": exports.data_date(rendered, exports.Context(base, date.today(), meta, domain(wh).synthetic)),
        "columns": [openapi.column_entry(name, str(table[name].dtype)) for name in table.columns],
        "units": {str(name): openapi.column_unit(str(name)) for name in table.columns},
        "quality_notes": notes,
        "links": {
            "self": f"{base}api/v1/charts/{chart.id}{query}",
            "csv": f"{base}export/{chart.id}.csv{query}",
            "xlsx": f"{base}export/{chart.id}.xlsx{query}",
            "png": f"{base}export/{chart.id}.png{query}",
            "embed": f"{base}embed/{chart.id}{query}",
            "view": f"{base}{chart.page.lstrip('/')}{query}",
        },
        "data": records(table),
    }
