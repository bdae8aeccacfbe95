"""A chart's numbers as an accessible table of Dash components (never an HTML string)."""
from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import exports, labels

TABLE_ROWS = 200  # rows shown in a card's table (a component a cell); the CSV download has them all


# The column whose value names a row (read out before each cell of the row): the first of these a table has.
ROW_HEADERS = ("area_name", "name", "icb_name", "programme_name", "group_name", "group", "comparison",
               "series_name", "indicator_name", "period")


def chart_table(rendered) -> html.Div:
    """The chart's numbers as an accessible table, the text alternative to the figure: headers in words with
    their units, a row header, numbers formatted for reading, Yes/No (the downloads keep the raw columns)."""
    frame = exports.table(rendered)
    if frame.empty:
        return html.P("No data for this selection.")
    shown = frame.head(TABLE_ROWS)
    row_header = next((c for c in ROW_HEADERS if c in shown.columns), shown.columns[0])
    # The row header first, so a screen reader names the row before its cells.
    shown = shown[[row_header, *(c for c in shown.columns if c != row_header)]]
    readable = labels.readable(shown)
    note = [] if len(frame) <= TABLE_ROWS else [html.P(
        f"The first {TABLE_ROWS:,} of {len(frame):,} rows; the CSV download has them all.", className="small")]
    return html.Div([*note, data_table(readable, f"{rendered.chart.title}: the numbers behind the chart",
                                       index=readable.columns[0])])



def data_table(frame, caption: str, *, index: str | None = None) -> html.Div:
    """An accessible table: a caption, column headers (``scope="col"``) and row headers from ``index``.

    Built of Dash components, never an HTML string: a value from a source file is text however it is
    written (a blank line and ``<img>`` in a Fingertips value note stay characters on the page). Each row
    is one ``Tr`` of plain strings, so the renderer walks few components (``TABLE_ROWS`` bounds a card)."""
    def text(value) -> str:
        return "" if pd.api.types.is_scalar(value) and pd.isna(value) else str(value)

    columns = list(frame.columns)
    head = html.Thead(html.Tr([html.Th(text(c), scope="col") for c in columns]))
    body = html.Tbody([
        html.Tr([html.Th(text(v), scope="row") if c == index else html.Td(text(v))
                 for c, v in zip(columns, record, strict=True)])
        for record in frame.itertuples(index=False)])
    table = html.Table([html.Caption(caption), head, body],
                       className="table table-sm table-striped caption-top data-table")
    return html.Div(table, className="table-responsive", tabIndex="0", role="region", **{"aria-label": caption})
