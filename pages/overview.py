"""Overview (/): how the chosen area compares with England on long-term sickness, at a glance."""
import dash
from dash import Input, Output, callback, html

import queries
from dashboard import components, registry
from dashboard.charts.overview import headlines
from dashboard.filters import FilterError, Filters

PAGE = registry.page("/")
dash.register_page(__name__, path=PAGE.path, name="Overview", title="Overview - Health and work dashboard",
                   nav_order=0)


def layout(**query):
    return components.page(
        PAGE,
        "How many working-age people are out of work through long-term sickness in the chosen area, "
        "how that compares with its region and England, and how back-to-work programmes are doing.",
        query,
        # Not live: the page's status says once what changed.
        # Drawn in the layout (no round trip on opening the page); the callback follows filter changes.
        before={PAGE.charts[0]: html.Div(_headlines(query), id="overview-headlines")},
    )


def _headlines(query: dict):
    try:
        return components.headline_tiles(headlines(components.parse_lenient(query)[0]))
    except queries.WarehouseUnavailable:
        return None  # the page says the data cannot be read


@callback(Output("overview-headlines", "children"), Input(components.STORE, "data"), prevent_initial_call=True)
def update_overview_headlines(search):
    try:
        filters = Filters.from_query(search or "")
    except FilterError:
        return None
    return components.headline_tiles(headlines(filters))
