"""Page building blocks shared by every page: the filter bar, chart cards and headline tiles, and the
few callbacks that serve them all (filters -> URL, URL -> every chart on the page).

Filter state lives in the URL. A page's layout reads the query string, pre-fills its controls and puts
the canonical query in a ``page-filters`` store; chart cards render from that store through the chart
registry. Changing a control rewrites the store and the address bar (``history.replaceState``, so the
page is not rebuilt and keyboard focus stays where it was); a copied link restores the view.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

import queries
from dashboard import area_search, figures, registry  # area_search registers its callback on import
from dashboard.rendering import page_figure  # the page's copy of a figure, straight from the render cache
from dashboard.filters import FilterError, Filters, period_label
from data import demo, reference

STORE = "page-filters"
STATUS = "page-status"
CHART_COUNT = "page-chart-count"
# No chart toolbar: the theme fixes every axis range (afcharts), so its zoom buttons did nothing; the PNG link
# draws a better image than its camera; and "Share chart" offered an upload to Plotly Cloud, never wanted from
# an intranet. What is left is keyboard-free of mouse-only controls.
GRAPH_CONFIG = {"displayModeBar": False, "displaylogo": False, "showSendToCloud": False,
                "showEditInChartStudio": False, "responsive": True}


def dom_id(component_id: dict) -> str:
    """The DOM id Dash gives a pattern-matching id (for ``<label for>`` and links)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def parse_lenient(query: dict) -> tuple[Filters, dict[str, str]]:
    """Filters from a page's query parameters, dropping (and reporting) any that are not accepted."""
    try:
        return Filters.from_query(query), {}
    except FilterError as error:
        url_names = {"from", "to"}
        kept = {k: v for k, v in query.items() if k not in error.problems}
        if "from" in error.problems and "to" in kept and "from" not in query:
            kept.pop("to")
        try:
            return Filters.from_query(kept), error.problems
        except FilterError as again:  # e.g. from/to in the wrong order once one was dropped
            return Filters.from_query({k: v for k, v in kept.items() if k not in url_names}), {
                **error.problems, **again.problems}


# ---- filter bar -------------------------------------------------------------------------------------

def _area_options() -> list[dict]:
    areas = reference.areas()
    options = [{"label": "England", "value": reference.ENGLAND}]
    for level, prefix in (("region", "Region"), ("icb", "ICB")):
        rows = areas[areas["level"] == level].sort_values("name")
        options += [{"label": f"{prefix}: {name}", "value": code} for code, name in zip(rows["code"], rows["name"])]
    return options


def _control(name: str, filters: Filters) -> tuple[str, object]:
    periods = demo.quarters()
    cid = {"type": "filter", "name": name}
    everything = {"label": "All", "value": "all"}
    if name == "geo":
        return "Area", dbc.Select(id=cid, options=_area_options(), value=filters.geo)
    if name == "level":
        return "Compare", dbc.RadioItems(
            id=cid, value=filters.level, inline=True,
            options=[{"label": "Regions", "value": "region"}, {"label": "ICBs", "value": "icb"}])
    if name in ("from", "to"):
        value = filters.period_from if name == "from" else filters.period_to
        latest = periods[-1]  # say which quarter is the latest, so "Apr-Jun 2026" is not read as a partial year
        return ("From" if name == "from" else "To"), dbc.Select(
            id=cid, options=[{"label": period_label(p) + (" (latest)" if p == latest else ""), "value": p}
                             for p in periods], value=value)
    if name == "condition":
        groups = reference.condition_groups()
        options = [{"label": "All conditions", "value": "all"}] + [
            {"label": ("- " if parent else "") + label, "value": gid}
            for gid, label, parent in zip(groups["id"], groups["name"], groups["parent"], strict=True)]
        return "Main condition", dbc.Select(id=cid, options=options, value=filters.condition or "all")
    if name == "intervention":
        progs = reference.programmes()
        options = [{"label": "All programmes", "value": "all"}] + [
            {"label": label, "value": pid} for pid, label in zip(progs["id"], progs["name"], strict=True)]
        return "Programme", dbc.Select(id=cid, options=options, value=filters.intervention or "all")
    if name == "age":
        options = [{"label": "16-64 (all)", "value": "all"}] + [{"label": a, "value": a} for a in demo.AGE_BANDS]
        return "Age", dbc.Select(id=cid, options=options, value=filters.age or "all")
    if name == "sex":
        options = [everything, {"label": "Women", "value": "female"}, {"label": "Men", "value": "male"}]
        return "Sex", dbc.Select(id=cid, options=options, value=filters.sex or "all")
    raise ValueError(f"no control for filter {name!r}")


def filter_bar(filters: Filters, names: tuple[str, ...]) -> html.Form:
    columns = []
    for name in names:
        label, control = _control(name, filters)
        if name == "level":
            field = html.Fieldset([html.Legend(label, className="form-label fs-6 mb-1"), control],
                                  className="mb-0")
        else:
            field = html.Div([html.Label(label, htmlFor=dom_id(control.id), className="form-label mb-1"),
                              control])
        columns.append(dbc.Col(field, xs=12, sm=6, lg={"geo": 4, "from": 3, "to": 3}.get(name, 2), className="mb-2"))
    return html.Form(dbc.Row(columns, className="g-3 align-items-end"), className="filter-bar",
                     role="search", **{"aria-label": "Filters"})


# ---- page scaffold ----------------------------------------------------------------------------------

def page(title: str, intro: str, query: dict, filter_names: tuple[str, ...], *body,
         path: str | None = None) -> html.Div:
    """A page: its h1 and introduction, a message for any filter not accepted, the filter bar and body."""
    filters, problems = parse_lenient(query)
    alert = []
    if problems:
        alert = [html.Div([
            html.H2("Some filters in the link were not used", className="h5"),
            html.Ul([html.Li(f"{name}: {message}") for name, message in problems.items()]),
            html.P("The page shows the other filters you chose; the ones above are at their defaults.",
                   className="mb-0"),
        ], className="alert alert-warning filter-problems", role="alert")]
    charts = sum(1 for part in body if str(getattr(part, "id", "")).startswith("card-"))
    return html.Div([
        dcc.Store(id=STORE, data=filters.query_string()),
        # The page's one live region: a short message when the filters change (chart summaries are not live:
        # each is its chart's description, read when the reader reaches the chart).
        html.P(id=STATUS, role="status", className="visually-hidden"),
        dcc.Store(id=CHART_COUNT, data=charts),
        html.H1(title),
        html.P(intro, className="lead"),
        *alert,
        filter_bar(filters, filter_names) if filter_names else None,
        _area_search() if "geo" in filter_names else None,
        page_downloads(path) if path else None,
        *body,
    ])


def _area_search() -> html.Div:
    # Outside the filter form: Enter in a lone text box would submit (and reload) a form.
    return dbc.Row(dbc.Col(area_search.control(), xs=12, sm=6, lg=4), className="mb-3")


def chart_card(chart_id: str, sorts: dict[str, str] | None = None, controls=None) -> html.Section:
    """A chart: heading, description, the figure as one accessible image (named by the heading, described by
    the text summary under it: ``assets/a11y.js`` gives plotly's SVG the role and hides its parts), the
    source as text, the table, downloads and embed code. ``sorts`` (key -> label) adds real "Sort by"
    buttons for a figure that carries its orders in ``layout.meta`` (the league); ``controls`` (e.g. the map's
    colour toggle) go under the description."""
    chart = registry.get(chart_id)
    heading, summary = f"{chart_id}-title", f"{chart_id}-summary"
    source = f"Source: {chart.source}"
    if chart.synthetic and figures.is_demo():
        source = f"{figures.DEMO_NOTE}. {source}"
    return html.Section([
        html.H2(chart.title, id=heading, className="h4"),
        html.P(chart.description, className="chart-description"),
        controls,
        sort_buttons(chart_id, sorts) if sorts else None,
        # Every card has the store (the sort callback matches every graph); only sortable ones fill it.
        dcc.Store(id={"type": "chart-sort-choice", "chart": chart_id}, data=next(iter(sorts)) if sorts else None),
        dcc.Loading(html.Div(dcc.Graph(
            id={"type": "chart-graph", "chart": chart_id},
            figure=figures.empty("Loading..."),
            config=GRAPH_CONFIG,
            className="chart-graph",
        ), className="chart-image", **{"data-labelledby": heading, "data-describedby": summary}), type="default"),
        html.Div(html.P(id={"type": "chart-summary", "chart": chart_id}, className="chart-summary"), id=summary),
        html.P(source, className="chart-source small"),
        html.Details([html.Summary("Show as table", id={"type": "chart-table-toggle", "chart": chart_id},
                                   className="chart-table-toggle"),
                      html.Div(html.P("Loading the table...", className="small"),
                               id={"type": "chart-table", "chart": chart_id})], className="chart-table mb-2"),
        html.Div(share_links(chart_id, ""), id={"type": "chart-share", "chart": chart_id}, className="chart-share"),
    ], className="chart-card", id=f"card-{chart_id}", **{"aria-labelledby": heading})


def sort_buttons(chart_id: str, sorts: dict[str, str]) -> html.Div:
    """Toggle buttons that re-order the chart (``aria-pressed`` says which order is shown); the first is the
    figure's own order."""
    first = next(iter(sorts))
    return html.Div([
        *[html.Button(label, id={"type": "chart-sort", "chart": chart_id, "key": key}, type="button",
                      className="btn btn-sm chart-sort me-2", **{"aria-pressed": "true" if key == first else "false"})
          for key, label in sorts.items()],
    ], role="group", className="chart-sorts mb-2", **{"aria-label": "Order of the chart"})


# ---- share, download and embed (every chart card, and a page's "all charts" links) ------------------

DOWNLOADS = (("PNG image", "png"), ("SVG image", "svg"), ("CSV data", "csv"), ("Excel data", "xlsx"))


def _canonical(search: str | None) -> str:
    try:
        return Filters.from_query(search or "").query_string()
    except FilterError:
        return ""


def _absolute(path: str) -> str:
    """An address for pasting elsewhere (the embed code): the public scheme and host (never an unchecked Host
    header: ``routes.public_origin``), then the path."""
    import flask

    from dashboard.routes import public_origin

    return (public_origin() if flask.has_app_context() else "") + path


def share_links(chart_id: str, search: str | None, summary: str | None = None) -> list:
    """A chart card's download links and embed code, for the view in ``search`` (the page-filters store): the
    iframe with its resizing script, and a picture linking to the live view (alt text: ``summary``)."""
    from dashboard import exports

    chart = registry.get(chart_id)
    query = _canonical(search)
    links = [html.A(label, href=dash.get_relative_path(f"/export/{chart_id}.{fmt}") + query, download="",
                    className="chart-download me-3", **{"data-format": fmt,
                                                        "aria-label": f"{label}: {chart.title}"})
             for label, fmt in DOWNLOADS]
    code_id = {"type": "chart-embed-code", "chart": chart_id}
    # The iframe's title is what a screen reader announces for it: the chart and its view in words.
    title = f"{chart.title}: {Filters.from_query(query).describe()}"
    snippet = exports.embed_snippet(_absolute(dash.get_relative_path(f"/embed/{chart_id}") + query), title,
                                    _absolute(dash.get_relative_path("/embed.js")))
    image_id = {"type": "chart-image-code", "chart": chart_id}
    image_code = exports.image_link_snippet(
        _absolute(dash.get_relative_path(f"/export/{chart_id}.png") + query),
        _absolute(dash.get_relative_path(chart.page) + query), summary or chart.description, chart.title)
    try:
        area = Filters.from_query(query)
    except FilterError:
        area = Filters()
    profile = html.A(f"Area profile of {area.geo_name}", className="chart-profile-link ms-2",
                     href=dash.get_relative_path("/profile") + Filters(geo=area.geo).query_string())
    return [
        html.Span("Download: ", className="me-2"), *links, profile,
        html.Details([
            html.Summary("Embed this chart", className="chart-embed-summary"),
            html.Label("Embed code for this view (paste it into your intranet page's HTML)",
                       htmlFor=dom_id(code_id), className="form-label small mt-2 mb-1"),
            dcc.Textarea(id=code_id, value=snippet, readOnly=True, rows=4,
                         className="form-control font-monospace small"),
            html.Button("Copy embed code", id={"type": "chart-embed-copy", "chart": chart_id}, type="button",
                        className="btn btn-outline-secondary btn-sm mt-1 chart-embed-copy"),
            html.Span(id={"type": "chart-embed-status", "chart": chart_id}, role="status",
                      className="ms-2 small chart-embed-status"),
            html.Label("Or, where your intranet strips iframes: a picture of this view linking to it (select it "
                       "and copy)", htmlFor=dom_id(image_id), className="form-label small mt-2 mb-1 d-block"),
            dcc.Textarea(id=image_id, value=image_code, readOnly=True, rows=3,
                         className="form-control font-monospace small"),
        ], className="chart-embed mt-2"),
    ]


def page_downloads(page_path: str) -> html.Div:
    """A page's "download all as Excel" and "slide pack" links; pages add it once, e.g. after the filter bar."""
    return html.Div(page_download_links(page_path, ""), id={"type": "page-downloads", "page": page_path},
                    className="page-downloads mb-3")


def page_download_links(page_path: str, search: str | None) -> list:
    from dashboard import exports

    query = _canonical(search)
    ids = ",".join(c.id for c in registry.charts(page_path))
    name = exports.page_name(page_path)
    pack = dash.get_relative_path("/export/briefing.pptx") + "?" + urlencode({"charts": ids}) \
        + (("&" + query[1:]) if query else "")
    return [
        html.A("Download all charts as Excel", href=dash.get_relative_path(f"/export/page/{name}.xlsx") + query,
               download="", className="page-download-xlsx me-3"),
        html.A("Slide pack (PowerPoint)", href=pack, download="", className="page-download-pptx"),
    ]


def headline_tiles(items) -> dbc.Row:
    return dbc.Row([
        dbc.Col(html.Div([
            html.H2(item.label, className="headline-label"),
            html.P(item.value, className="headline-value"),
            html.P(item.detail, className="headline-detail"),
        ], className="headline"), xs=12, sm=6, xl=True)
        for item in items
    ], className="g-3 mb-4")


# ---- callbacks shared by every page -----------------------------------------------------------------

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


# Mirror the canonical query into the address bar without rebuilding the page, and name the page and
# the chosen area in the browser tab (after Dash Pages has set its own title).
clientside_callback(
    """
    function(search) {
        if (typeof search !== "string") { return window.dash_clientside.no_update; }
        const url = window.location.pathname + search + window.location.hash;
        if (url !== window.location.pathname + window.location.search + window.location.hash) {
            window.history.replaceState(window.history.state, "", url);
        }
        setTimeout(function() {
            const h1 = document.querySelector("main h1");
            const area = [...document.querySelectorAll("select")].find(e => e.id.includes('"name":"geo"'));
            const parts = [h1 ? h1.textContent : null,
                           area && area.selectedIndex >= 0 ? area.options[area.selectedIndex].text : null,
                           "Health and work dashboard"];
            document.title = parts.filter(Boolean).join(" - ");
        }, 60);
        return window.dash_clientside.no_update;
    }
    """,
    Output(STORE, "id"),
    Input(STORE, "data"),
)


TABLE_ROWS = 200  # rows shown in a card's table (a component a cell); the CSV download has them all


# The column whose value names a row (read out before each cell of the row): the first of these a table has.
ROW_HEADERS = ("area_name", "name", "icb_name", "programme_name", "group_name", "group", "comparison",
               "series_name", "indicator_name", "period")


def chart_table(rendered) -> html.Div:
    """The chart's numbers as an accessible table, the text alternative to the figure: headers in words with
    their units, a row header, numbers formatted for reading, Yes/No (the downloads keep the raw columns)."""
    from dashboard import exports, labels

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
    Input(STORE, "data"),
    State({"type": "chart-graph", "chart": MATCH}, "id"),
)
def update_chart(search, graph_id):
    """A card on the current view: its figure, text summary, and download links and embed code (one request
    a chart on a filter change)."""
    chart_id = _chart_id(graph_id)
    try:
        filters = Filters.from_query(search or "")
    except FilterError as error:
        return figures.empty(f"Filters not accepted: {error}"), str(error), share_links(chart_id, "")
    try:
        rendered = registry.render(chart_id, filters)
    except queries.WarehouseUnavailable as error:
        message = f"The data cannot be read just now: {error}"
        return figures.empty(message), message, share_links(chart_id, search)
    if rendered.data.empty and not rendered.chart.synthetic:
        # A published series that is not loaded: the card folds to its title and one line saying what it would
        # show and how to load it (assets/style.css hides its empty chart, table and downloads).
        return (page_figure(rendered), html.Span(rendered.summary, className="empty-published"),
                share_links(chart_id, "", rendered.summary))
    return page_figure(rendered), rendered.summary, share_links(chart_id, search, rendered.summary)


@callback(
    Output({"type": "chart-table", "chart": MATCH}, "children"),
    Input(STORE, "data"),
    Input({"type": "chart-table-toggle", "chart": MATCH}, "n_clicks"),
    State({"type": "chart-table", "chart": MATCH}, "id"),
)
def update_chart_table(search, clicks, table_id):
    """The card's table, built only once its reader has opened "Show as table" (then kept on the current
    view): most readers never open it, and a table of hundreds of rows would weigh on every filter change."""
    if not clicks or not isinstance(clicks, int):
        return no_update
    if clicks % 2 == 0 and ctx.triggered_id == table_id:
        return no_update  # closing it: the table already shows this view
    try:
        filters = Filters.from_query(search or "")
    except FilterError as error:
        return html.P(str(error))
    try:
        return chart_table(registry.render(_chart_id(table_id), filters))
    except queries.WarehouseUnavailable as error:
        return html.P(f"The data cannot be read just now: {error}")


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


# "Sort by" buttons: re-order the figure from the orders it carries in layout.meta, and say which is pressed.
# The figure is an input as well as the output, so a new figure (the filters changed) keeps the reader's order.
clientside_callback(
    """
    function(clicks, figure, ids, chosen) {
        const nothing = window.dash_clientside.no_update;
        const trigger = (window.dash_clientside.callback_context.triggered || [])[0];
        let key = chosen || (ids.length ? ids[0].key : null);
        if (trigger && trigger.prop_id.indexOf('"chart-sort"') !== -1 && trigger.value) {
            key = JSON.parse(trigger.prop_id.slice(0, trigger.prop_id.lastIndexOf("."))).key;
        }
        if (!ids.length) { return [nothing, [], nothing]; }
        const pressed = ids.map(function(id) { return String(id.key === key); });
        const meta = figure && figure.layout && figure.layout.meta;
        if (!meta || !meta.sorts || !meta.sorts[key] || meta.sort === key) { return [nothing, pressed, key]; }
        const layout = Object.assign({}, figure.layout, {
            meta: Object.assign({}, meta, {sort: key}),
            yaxis: Object.assign({}, figure.layout.yaxis, {categoryarray: meta.sorts[key]})});
        return [Object.assign({}, figure, {layout: layout}), pressed, key];
    }
    """,
    Output({"type": "chart-graph", "chart": MATCH}, "figure", allow_duplicate=True),
    Output({"type": "chart-sort", "chart": MATCH, "key": ALL}, "aria-pressed"),
    Output({"type": "chart-sort-choice", "chart": MATCH}, "data"),
    Input({"type": "chart-sort", "chart": MATCH, "key": ALL}, "n_clicks"),
    Input({"type": "chart-graph", "chart": MATCH}, "figure"),
    State({"type": "chart-sort", "chart": MATCH, "key": ALL}, "id"),
    State({"type": "chart-sort-choice", "chart": MATCH}, "data"),
    prevent_initial_call=True,
)

# "Copy embed code": the clipboard where the browser allows it, else the code is selected for Ctrl+C; the
# status next to the button says which.
clientside_callback(
    """
    function(clicks, code, id) {
        if (!clicks) { return window.dash_clientside.no_update; }
        const area = document.getElementById(JSON.stringify({chart: id.chart, type: "chart-embed-code"}));
        const copied = "Embed code copied (" + clicks + ").";
        function select() {
            if (area) { area.focus(); area.select(); }
            let ok = false;
            try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
            return ok ? copied : "The embed code is selected: press Ctrl+C (or Cmd+C) to copy it.";
        }
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(code).then(function() { return copied; }, select);
        }
        return select();
    }
    """,
    Output({"type": "chart-embed-status", "chart": MATCH}, "children"),
    Input({"type": "chart-embed-copy", "chart": MATCH}, "n_clicks"),
    State({"type": "chart-embed-code", "chart": MATCH}, "value"),
    State({"type": "chart-embed-copy", "chart": MATCH}, "id"),
    prevent_initial_call=True,
)


@callback(
    Output({"type": "page-downloads", "page": MATCH}, "children"),
    Input(STORE, "data"),
    State({"type": "page-downloads", "page": MATCH}, "id"),
)
def update_page_downloads(search, downloads_id):
    page_path = downloads_id.get("page") if isinstance(downloads_id, dict) else None
    if not isinstance(page_path, str) or not registry.charts(page_path):
        raise PreventUpdate  # an id no page has: a client's invention, not a card
    return page_download_links(page_path, search if isinstance(search, str) else "")


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
