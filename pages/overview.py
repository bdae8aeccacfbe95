"""Overview (/): how the chosen area compares with England on long-term sickness, at a glance."""
import dash
from dash import Input, Output, callback, html

from dashboard import components
from dashboard.charts.overview import headlines
from dashboard.filters import FilterError, Filters

dash.register_page(__name__, path="/", name="Overview", title="Overview - Health and work dashboard",
                   nav_order=0)


def layout(**query):
    return components.page(
        "Long-term sickness and work: overview",
        "How many working-age people are out of work through long-term sickness in the chosen area, "
        "how that compares with its region and England, and how back-to-work programmes are doing.",
        query,
        ("geo", "from", "to", "condition", "age", "sex"),
        html.Div(id="overview-headlines"),  # not live: the page's status says once what changed
        components.chart_card("overview-trend"),
        components.chart_card("overview-accelerators"),
        components.chart_card("overview-uk-published"),
        path="/",
    )


@callback(Output("overview-headlines", "children"), Input(components.STORE, "data"))
def update_overview_headlines(search):
    try:
        filters = Filters.from_query(search or "")
    except FilterError:
        return None
    return components.headline_tiles(headlines(filters))
