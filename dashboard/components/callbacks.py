"""The callbacks every page shares: filters -> URL (the ``page-filters`` store), the store -> every chart card
(figure, summary, links, table), the page's status message and downloads. The browser-side ones (address bar,
"Sort by", "Copy embed code") are functions in ``assets/components.js``."""
from __future__ import annotations

from dash import (
    ALL,
    MATCH,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    no_update,
)
from dash.exceptions import PreventUpdate

from dashboard import registry
from dashboard.components.ids import CHART_COUNT, STATUS, STORE
from dashboard.components.share import page_download_links
from dashboard.components.views import LAZY, WAITING, card_view
from dashboard.filters import FilterError, Filters


@callback(
    Output(STORE, "data"),
    Input({"type": "filter", "name": ALL}, "value"),
    State({"type": "filter", "name": ALL}, "id"),
    State(STORE, "data"),
    prevent_initial_call=True,
)
def update_page_filters(values, ids, current):
    """Controls -> the canonical query string (other parameters in the link are kept)."""
    try:
        base = Filters.from_query(current or "").to_query()
    except FilterError:
        base = {}
    if not (isinstance(ids, list) and isinstance(values, list) and len(ids) == len(values)):
        return no_update  # not what the filter bar sends: a client's invention
    for cid, value in zip(ids, values, strict=True):
        if isinstance(cid, dict) and isinstance(cid.get("name"), str) and isinstance(value, str | None):
            base[cid["name"]] = value
    try:
        new = Filters.from_query(base).query_string()
    except FilterError:
        return no_update  # e.g. "from" after "to": keep the last good view; the control shows the choice
    return no_update if new == current else new


def _chart_id(component_id) -> str:
    """The chart a card's component id names; PreventUpdate (204) for an id no card has (a client's invention)."""
    chart_id = component_id.get("chart") if isinstance(component_id, dict) else None
    try:
        return registry.get(chart_id).id
    except (KeyError, TypeError):
        raise PreventUpdate from None


@callback(
    Output({"type": "chart-graph", "chart": MATCH}, "figure"),
    Output({"type": "chart-summary", "chart": MATCH}, "children"),
    Output({"type": "chart-share", "chart": MATCH}, "children"),
    Output({"type": "chart-source", "chart": MATCH}, "children"),
    Output({"type": "chart-table", "chart": MATCH}, "children"),
    Input(STORE, "data"),
    State({"type": "chart-graph", "chart": MATCH}, "id"),
    Input({"type": LAZY, "chart": MATCH}, "data"),
    State({"type": "chart-table-toggle", "chart": MATCH}, "n_clicks"),
    # Not on page load: the layout carries the cards at the top of the page drawn (components.views) and the others
    # are drawn when they come into view (assets/lazy.js sets their store to "seen", which runs this).
    prevent_initial_call=True,
)
def update_chart(search, graph_id, lazy=None, table_clicks=None):
    """A card on the current view, in one request: its figure, text summary, download links and embed code, its
    source line (labelled synthetic only when its rows are), and its table while the reader has "Show as table"
    open; on a filter change, or when it comes into view. A card not yet scrolled to stays as it is: it is drawn for
    the view of its day when it is reached."""
    if lazy == WAITING:
        raise PreventUpdate
    figure, summary, links, source, table = card_view(_chart_id(graph_id), search, table=_open(table_clicks))
    return (figure, summary, links, no_update if source is None else source, no_update if table is None else table)


@callback(
    Output({"type": "chart-table", "chart": MATCH}, "children", allow_duplicate=True),
    State(STORE, "data"),
    Input({"type": "chart-table-toggle", "chart": MATCH}, "n_clicks"),
    State({"type": "chart-table", "chart": MATCH}, "id"),
    prevent_initial_call=True,
)
def update_chart_table(search, clicks, table_id):
    """The card's table when its reader opens "Show as table": built only then, as most readers never open it and a
    table of hundreds of rows would weigh on every filter change (while it is open, ``update_chart`` brings it
    with the chart, so a filter change asks once a card)."""
    if not _open(clicks):
        return no_update  # folded: it already shows this view
    return card_view(_chart_id(table_id), search, table=True)[-1]


def _open(clicks) -> bool:
    """Whether "Show as table" is open: its summary clicked (or Entered) an odd number of times."""
    return isinstance(clicks, int) and clicks % 2 == 1


@callback(
    Output(STATUS, "children"),
    Input(STORE, "data"),
    State(CHART_COUNT, "data"),
    prevent_initial_call=True,
)
def update_page_status(search, charts):
    """One short message per filter change, for screen readers (the page's only live region)."""
    try:
        filters = Filters.from_query(search or "")
    except FilterError as error:
        return f"Filters not accepted: {error}"
    count = f"{charts} chart{'s' if charts != 1 else ''}" if charts else "the page"
    return f"Showing {count} for {filters.describe()}."


@callback(
    Output({"type": "page-downloads", "page": MATCH}, "children"),
    Input(STORE, "data"),
    State({"type": "page-downloads", "page": MATCH}, "id"),
    prevent_initial_call=True,  # the layout has them for the view it opens on (widgets.page)
)
def update_page_downloads(search, downloads_id):
    page_path = downloads_id.get("page") if isinstance(downloads_id, dict) else None
    if not isinstance(page_path, str) or not registry.charts(page_path):
        raise PreventUpdate  # an id no page has: a client's invention, not a card
    return page_download_links(page_path, search if isinstance(search, str) else "")


# Browser-side callbacks (assets/components.js): mirror the canonical query into the address bar without
# rebuilding the page (and name the page and area in the tab); "Sort by" re-orders the figure from the orders it
# carries in layout.meta (the figure is an input too, so a new figure keeps the reader's order); "Copy embed code".
clientside_callback(
    ClientsideFunction("dashboard", "mirrorQuery"),
    Output(STORE, "id"),
    Input(STORE, "data"),
)
clientside_callback(
    ClientsideFunction("dashboard", "sortChart"),
    Output({"type": "chart-graph", "chart": MATCH}, "figure", allow_duplicate=True),
    Output({"type": "chart-sort", "chart": MATCH, "key": ALL}, "aria-pressed"),
    Output({"type": "chart-sort-choice", "chart": MATCH}, "data"),
    Input({"type": "chart-sort", "chart": MATCH, "key": ALL}, "n_clicks"),
    Input({"type": "chart-graph", "chart": MATCH}, "figure"),
    State({"type": "chart-sort", "chart": MATCH, "key": ALL}, "id"),
    State({"type": "chart-sort-choice", "chart": MATCH}, "data"),
    prevent_initial_call=True,
)
clientside_callback(
    ClientsideFunction("dashboard", "copyEmbedCode"),
    Output({"type": "chart-embed-status", "chart": MATCH}, "children"),
    Input({"type": "chart-embed-copy", "chart": MATCH}, "n_clicks"),
    State({"type": "chart-embed-code", "chart": MATCH}, "value"),
    State({"type": "chart-embed-copy", "chart": MATCH}, "id"),
    prevent_initial_call=True,
)
