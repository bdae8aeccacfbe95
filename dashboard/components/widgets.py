"""The shared page parts: a page's scaffold (title, filter problems, filter bar, downloads), chart cards and
headline tiles. Filter state lives in the URL: a page's layout reads the query string, pre-fills its controls and
puts the canonical query in the ``page-filters`` store, from which every card renders (dashboard.components.callbacks)."""
from __future__ import annotations

import secrets

import dash_bootstrap_components as dbc
from dash import dcc, html

import queries
from dashboard import area_search, figures, registry  # area_search registers its callback on import
from dashboard.components.ids import CHART_COUNT, STATUS, STORE, dom_id
from dashboard.components.share import page_downloads, share_links
from dashboard.components.views import INLINE, INLINE_STATE, WAITING, card_view, lazy_id
from dashboard.domain import ENGLAND, domain
from dashboard.filters import FILTER_DEFINITIONS, FilterError, Filters

# No chart toolbar: the theme fixes every axis range (afcharts), so its zoom buttons did nothing; the PNG link
# draws a better image than its camera; and "Share chart" offered an upload to Plotly Cloud, never wanted from
# an intranet. What is left is keyboard-free of mouse-only controls.
GRAPH_CONFIG = {"displayModeBar": False, "displaylogo": False, "showSendToCloud": False,
                "showEditInChartStudio": False, "responsive": True}


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
    areas = domain().areas
    options = [{"label": "England", "value": ENGLAND}]
    for level, prefix in (("region", "Region"), ("icb", "ICB")):
        rows = areas[areas["level"] == level].sort_values("name")
        options += [{"label": f"{prefix}: {name}", "value": code} for code, name in zip(rows["code"], rows["name"])]
    return options


def _period_options() -> list[dict]:
    """Every quarter the From and To filters accept (the loaded range), labelled for its period type."""
    definition = next(d for d in FILTER_DEFINITIONS if d.name == "from")
    return [{"label": label, "value": period} for period, label in definition.values().items()]


def _control(name: str, filters: Filters) -> tuple[str, object]:
    periods = [p["value"] for p in _period_options()]
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
            id=cid, options=[{"label": o["label"] + (" (latest)" if o["value"] == latest else ""), "value": o["value"]}
                             for o in _period_options()], value=value)
    if name == "condition":
        groups = domain().condition_groups
        options = [{"label": "All conditions", "value": "all"}] + [
            {"label": ("- " if parent else "") + label, "value": gid}
            for gid, label, parent in zip(groups["id"], groups["name"], groups["parent"], strict=True)]
        return "Main condition", dbc.Select(id=cid, options=options, value=filters.condition or "all")
    if name == "intervention":
        progs = domain().programmes
        options = [{"label": "All programmes", "value": "all"}] + [
            {"label": label, "value": pid} for pid, label in zip(progs["id"], progs["name"], strict=True)]
        return "Programme", dbc.Select(id=cid, options=options, value=filters.intervention or "all")
    if name == "age":
        options = [{"label": "16-64 (all)", "value": "all"}] + [{"label": a, "value": a} for a in domain().age_bands]
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
            parts = [html.Label(label, htmlFor=dom_id(control.id), className="form-label mb-1"), control]
            reason = domain().missing(name) if name in ("age", "sex", "condition") else None
            if reason:  # the loaded files do not give this breakdown: say so by the control
                note_id = f"filter-note-{name}"
                control.disabled = name != "condition"  # programmes may still have conditions
                parts.append(html.Small(reason + ("" if name != "condition" else " (it still filters programmes)"),
                                        id=note_id, className="filter-note d-block text-body-secondary"))
            field = html.Div(parts)
        columns.append(dbc.Col(field, xs=12, sm=6, lg={"geo": 4, "from": 3, "to": 3}.get(name, 2), className="mb-2"))
    return html.Form(dbc.Row(columns, className="g-3 align-items-end"), className="filter-bar",
                     role="search", **{"aria-label": "Filters"})


# ---- page scaffold ----------------------------------------------------------------------------------

def page(declared: registry.Page, intro: str, query: dict, *, title=None, before: dict | None = None,
         cards: dict[str, dict] | None = None) -> html.Div:
    """A page of charts as ``declared`` in the registry: its h1 (``title`` if given, else the page's) and
    introduction, a message for any filter not accepted, the filter bar, the downloads and a card for each of its
    charts in the declared order. ``before`` puts a part (a note, a form) before the card of a chart id; ``cards``
    gives a chart's card its options (``sorts``, ``controls``)."""
    try:
        filters, problems = parse_lenient(query)  # checked against the warehouse's domain
    except queries.WarehouseUnavailable as error:
        # The page still renders (its cards say the same when they ask for their data): never a 500 here.
        return html.Div([dcc.Store(id=STORE, data=""), html.P(id=STATUS, role="status", className="visually-hidden"),
                         dcc.Store(id=CHART_COUNT, data=0), html.H1(title or declared.title),
                         html.P(intro, className="lead"),
                         html.P(f"The data cannot be read just now: {error}", className="alert alert-warning")])
    alert = []
    if problems:
        alert = [html.Div([
            html.H2("Some filters in the link were not used", className="h5"),
            html.Ul([html.Li(f"{name}: {message}") for name, message in problems.items()]),
            html.P("The page shows the other filters you chose; the ones above are at their defaults.",
                   className="mb-0"),
        ], className="alert alert-warning filter-problems", role="alert")]
    before, cards = before or {}, cards or {}
    search = filters.query_string()
    layout_key = secrets.token_hex(4)  # tells assets/lazy.js this layout's cards from an earlier page's
    body = [part for i, chart_id in enumerate(declared.charts)
            for part in (before.get(chart_id), chart_card(
                chart_id, **cards.get(chart_id, {}), search=search, layout_key=layout_key,
                view=card_view(chart_id, search) if i < INLINE else None))
            if part is not None]
    return html.Div([
        dcc.Store(id=STORE, data=search),
        # The page's one live region: a short message when the filters change (chart summaries are not live:
        # each is its chart's description, read when the reader reaches the chart).
        html.P(id=STATUS, role="status", className="visually-hidden"),
        dcc.Store(id=CHART_COUNT, data=len(declared.charts)),
        html.H1(declared.title if title is None else title),
        html.P(intro, className="lead"),
        *alert,
        filter_bar(filters, declared.filters) if declared.filters else None,
        _area_search() if "geo" in declared.filters else None,
        page_downloads(declared.path, search),
        *body,
    ])


def _area_search() -> html.Div:
    # Outside the filter form: Enter in a lone text box would submit (and reload) a form.
    return dbc.Row(dbc.Col(area_search.control(), xs=12, sm=6, lg=4), className="mb-3")


def chart_card(chart_id: str, sorts: dict[str, str] | None = None, controls=None, *, search: str = "",
               view: tuple | None = None, layout_key: str = "") -> html.Section:
    """A chart: heading, description, the figure as one accessible image (named by the heading, described by
    the text summary under it: ``assets/a11y.js`` gives plotly's SVG the role and hides its parts), the
    source as text, the table, downloads and embed code. ``sorts`` (key -> label) adds real "Sort by"
    buttons for a figure that carries its orders in ``layout.meta`` (the league); ``controls`` (e.g. the map's
    colour toggle) go under the description. ``view`` (``views.card_view`` for ``search``) draws it in the layout;
    without one the card waits, and is drawn when it comes into view (``assets/lazy.js``)."""
    chart = registry.get(chart_id)
    heading, summary = f"{chart_id}-title", f"{chart_id}-summary"
    figure, said, links, source, _ = view or (figures.empty("Loading..."), None, share_links(chart_id, search), None,
                                              None)
    if source is None:
        source = f"Source: {chart.source}"
        if _labelled_demo(chart):
            source = f"{figures.DEMO_NOTE}. {source}"
    lazy = {} if view else {"data-lazy": f"{layout_key}:{chart_id}", "data-chart": chart_id}
    return html.Section([
        html.H2(chart.title, id=heading, className="h4"),
        html.P(chart.description, className="chart-description"),
        controls,
        sort_buttons(chart_id, sorts) if sorts else None,
        # Every card has the store (the sort callback matches every graph); only sortable ones fill it.
        dcc.Store(id={"type": "chart-sort-choice", "chart": chart_id}, data=next(iter(sorts)) if sorts else None),
        dcc.Loading(html.Div(dcc.Graph(
            id={"type": "chart-graph", "chart": chart_id},
            figure=figure,
            config=GRAPH_CONFIG,
            className="chart-graph",
        ), className="chart-image", **{"data-labelledby": heading, "data-describedby": summary}), type="default"),
        html.Div(html.P(said, id={"type": "chart-summary", "chart": chart_id}, className="chart-summary"), id=summary),
        html.P(source, className="chart-source small", id={"type": "chart-source", "chart": chart_id}),
        html.Details([html.Summary("Show as table", id={"type": "chart-table-toggle", "chart": chart_id},
                                   className="chart-table-toggle"),
                      html.Div(html.P("Loading the table...", className="small"),
                               id={"type": "chart-table", "chart": chart_id})], className="chart-table mb-2"),
        html.Div(links, id={"type": "chart-share", "chart": chart_id}, className="chart-share"),
        dcc.Store(id=lazy_id(chart_id), data=INLINE_STATE if view else WAITING),
    ], className="chart-card", id=f"card-{chart_id}", **{"aria-labelledby": heading}, **lazy)


def _labelled_demo(chart: registry.Chart) -> bool:
    try:
        return registry.shows_demo_data(chart)
    except queries.WarehouseUnavailable:
        return chart.synthetic  # as the shell's banner: say so until the warehouse says otherwise


def sort_buttons(chart_id: str, sorts: dict[str, str]) -> html.Div:
    """Toggle buttons that re-order the chart (``aria-pressed`` says which order is shown); the first is the
    figure's own order."""
    first = next(iter(sorts))
    return html.Div([
        *[html.Button(label, id={"type": "chart-sort", "chart": chart_id, "key": key}, type="button",
                      className="btn btn-sm chart-sort me-2", **{"aria-pressed": "true" if key == first else "false"})
          for key, label in sorts.items()],
    ], role="group", className="chart-sorts mb-2", **{"aria-label": "Order of the chart"})


def headline_tiles(items) -> dbc.Row:
    return dbc.Row([
        dbc.Col(html.Div([
            html.H2(item.label, className="headline-label"),
            html.P(item.value, className="headline-value"),
            html.P(item.detail, className="headline-detail"),
        ], className="headline"), xs=12, sm=6, xl=True)
        for item in items
    ], className="g-3 mb-4")

