"""Regions (/regions): every region or ICB compared with England, a hex map, SPC and statistical neighbours."""
import dash
from dash import Input, Output, State, callback, no_update

from dashboard import components
from dashboard.charts.regions import PAGE_FILTERS
from dashboard.figures.regions import SORTS as SORTS_BY_KEY
from dashboard.filters import FilterError, Filters

dash.register_page(__name__, path="/regions", name="Regions and ICBs",
                   title="Regions and ICBs - Health and work dashboard", nav_order=1)

MAP_GRAPH = {"type": "chart-graph", "chart": "regions-map"}
SORTS = {key: label for key, (label, _, _) in SORTS_BY_KEY.items()}  # the league's "Sort by" buttons


def layout(**query):
    return components.page(
        "How does each area compare?",
        "Every region or Integrated Care Board's long-term-sickness rate against England's, with its "
        "confidence interval, on a hexagon map, and whether the chosen area's rate is changing.",
        query,
        PAGE_FILTERS,
        components.chart_card("regions-league", sorts=SORTS),
        components.chart_card("regions-map"),
        components.chart_card("regions-spc"),
        components.chart_card("regions-neighbours"),
        components.chart_card("regions-published", sorts=SORTS),
        components.chart_card("regions-fingertips", sorts=SORTS),
        path="/regions",
    )


@callback(
    Output(components.STORE, "data", allow_duplicate=True),
    Output({"type": "filter", "name": "geo"}, "value"),
    Input(MAP_GRAPH, "clickData"),
    State(components.STORE, "data"),
    prevent_initial_call=True,
)
def update_focus_from_map(click, search):
    """A hexagon selected on the map becomes the focus (``geo``): the store, and so the URL, follow."""
    try:
        point = click["points"][0]
        code = point["customdata"][7]  # the area the hexagon shows: the ICB, or its region at region level
        filters = Filters.from_query(search or "").replace(geo=code)
        new = Filters.from_query(filters.to_query()).query_string()
    except (TypeError, KeyError, IndexError, FilterError):
        return no_update, no_update
    return (no_update if new == search else new), code
