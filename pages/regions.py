"""Regions (/regions): every region or ICB compared with England, a map and a hex map, SPC and statistical neighbours."""
import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, html, no_update

from dashboard import components, registry
from dashboard.figures.maps import MAP_VIEWS
from dashboard.figures.regions import SORTS as SORTS_BY_KEY
from dashboard.filters import FilterError, Filters

PAGE = registry.page("/regions")
dash.register_page(__name__, path=PAGE.path, name="Regions and ICBs",
                   title="Regions and ICBs - Health and work dashboard", nav_order=1)

MAP_GRAPH = {"type": "chart-graph", "chart": "regions-map"}
SORTS = {key: label for key, (label, _, _) in SORTS_BY_KEY.items()}  # the league's "Sort by" buttons
CHOROPLETH_GRAPH = {"type": "chart-graph", "chart": "regions-choropleth"}
MAP_VIEW = "map-colour-view"


def map_view_toggle() -> html.Fieldset:
    """A real control (radio buttons, reachable by keyboard) for how the map is coloured."""
    return html.Fieldset([
        html.Legend("Colour the map by", className="form-label fs-6 mb-1"),
        dbc.RadioItems(id=MAP_VIEW, value="comparison", inline=True,
                       options=[{"label": label, "value": key} for key, label in MAP_VIEWS.items()]),
    ], className="map-view mb-2")


def layout(**query):
    return components.page(
        PAGE,
        "Every region or Integrated Care Board's long-term-sickness rate against England's, with its "
        "confidence interval, on a map of real boundaries (or a hexagon map), and whether the chosen area's rate "
        "is changing.",
        query,
        cards={"regions-league": {"sorts": SORTS}, "regions-choropleth": {"controls": map_view_toggle()},
               "regions-published": {"sorts": SORTS}, "regions-fingertips": {"sorts": SORTS}},
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


# The map's colouring, switched in the browser (assets/maps.js): each area's trace carries both fill colours in
# ``meta`` and each marker trace its view, so no request is made. Run again whenever the server sends a new figure
# (a filter changed), so the chosen view survives.
clientside_callback(
    ClientsideFunction("maps", "colourBy"),
    Output(CHOROPLETH_GRAPH, "figure", allow_duplicate=True),
    Input(MAP_VIEW, "value"),
    Input(CHOROPLETH_GRAPH, "figure"),
    prevent_initial_call=True,
)

# Selecting an area on the map chooses it in Area (which updates the page's filters and the URL).
clientside_callback(
    ClientsideFunction("maps", "areaClicked"),
    Output({"type": "filter", "name": "geo"}, "value", allow_duplicate=True),
    Input(CHOROPLETH_GRAPH, "clickData"),
    State(CHOROPLETH_GRAPH, "figure"),
    prevent_initial_call=True,
)
