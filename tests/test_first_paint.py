"""The first paint (issue 15): a page's layout carries its top chart drawn (from the render cache when the view is
there), the other cards wait to be drawn when they come into view, and nothing fires per card on opening a page.
The page is asked for as the browser asks for it: Dash Pages' router callback, with the link's path and query."""
from __future__ import annotations

import json

from dash import no_update
from plotly.io.json import to_json_plotly

from dashboard import registry, rendering
from dashboard.components import update_chart
from dashboard.components.callbacks import update_chart_table
from dashboard.components.views import INLINE, SEEN, WAITING
from dashboard.filters import Filters
from tests.test_access import SY, fetch, proxy  # noqa: F401  (proxy: the fixture that turns sign-in on)

ROUTER = {"output": ".._pages_content.children..._pages_store.data..",
          "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}]}


def open_page(client, path: str, search: str = "", who: str = "anonymous") -> dict:
    """The layout the router callback sends for ``path`` + ``search`` (what the browser draws first)."""
    body = {**ROUTER, "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                                 {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"]}
    response = fetch(client, who, "/_dash-update-component", method="POST", data=json.dumps(body),
                     content_type="application/json")
    assert response.status_code == 200, response.data[:300]
    return response.get_json()["response"]["_pages_content"]["children"]


def components_by_id(layout) -> dict[str, dict]:
    """Every component in a layout's JSON with an id, by its id as JSON text."""
    found: dict[str, dict] = {}

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict) and "props" in node:
            props = node["props"]
            if props.get("id") is not None:
                found[json.dumps(props["id"], sort_keys=True)] = node
            for value in props.values():
                walk(value)

    walk(layout)
    return found


def card(found: dict, kind: str, chart_id: str) -> dict:
    return found[json.dumps({"chart": chart_id, "type": kind}, sort_keys=True)]["props"]


def test_first_paint_1_a_cached_view_comes_drawn_in_the_layout(client, demo_warehouse):
    search = f"?geo={SY}&sex=female"
    first, second = registry.page("/").charts[:2]
    rendered = registry.render(first, Filters.from_query(search))  # the view is in the render cache
    before = dict(rendering.stats)
    found = components_by_id(open_page(client, "/", search))
    assert rendering.stats["hits"] == before["hits"] + 1 and rendering.stats["misses"] == before["misses"]
    figure = card(found, "chart-graph", first)["figure"]
    assert figure["data"] == rendering.page_figure(rendered)["data"] and figure["data"]
    assert card(found, "chart-summary", first)["children"] == rendered.summary
    assert card(found, "chart-lazy", first)["data"] == "inline"
    assert "sex=female" in json.dumps(card(found, "chart-share", first)["children"])  # links for this view
    # The next card waits to come into view: a placeholder, no summary, and its card marked for assets/lazy.js.
    assert INLINE == 1 and card(found, "chart-lazy", second)["data"] == WAITING
    assert card(found, "chart-summary", second).get("children") is None
    assert not card(found, "chart-graph", second)["figure"]["data"]
    section = found[json.dumps(f"card-{second}")]["props"]
    assert section["data-chart"] == second and section["data-lazy"].endswith(f":{second}")
    # The page's downloads are for the view opened, with no callback to fix them up.
    downloads = found[json.dumps({"page": "/", "type": "page-downloads"}, sort_keys=True)]["props"]["children"]
    assert "sex=female" in json.dumps(downloads)


def test_first_paint_2_a_waiting_card_is_drawn_only_once_seen(demo_warehouse, app):
    graph = {"type": "chart-graph", "chart": "regions-spc"}
    with app.server.test_request_context("/"):
        before = dict(rendering.stats)
        try:
            update_chart("?geo=E54000061", graph, WAITING)  # a filter change while it is off screen: nothing
            raise AssertionError("a waiting card was drawn")
        except Exception as error:  # noqa: BLE001 - PreventUpdate is what Dash turns into "no change"
            assert type(error).__name__ == "PreventUpdate"
        assert rendering.stats == before
        figure, summary, links, source, table = update_chart("?geo=E54000061", graph, SEEN)
    assert figure["data"] and summary and links and "Source" in source
    assert table is no_update  # "Show as table" is folded: no table built


def test_first_paint_2b_an_open_table_follows_the_filters_in_the_charts_own_request(demo_warehouse, app):
    """A filter change asks once a card: the chart's callback brings its table too while "Show as table" is open
    (its summary clicked an odd number of times); the table's own callback answers only the summary's clicks."""
    graph, table_id = ({"type": kind, "chart": "overview-trend"} for kind in ("chart-graph", "chart-table"))
    with app.server.test_request_context("/"):
        *_, table = update_chart("?geo=E54000061", graph, SEEN, 1)
        assert "South Yorkshire" in to_json_plotly(table)  # the chosen ICB's rows
        assert update_chart("?geo=E54000061", graph, SEEN, 2)[-1] is no_update  # opened and folded again
        assert update_chart_table("?geo=E54000061", 2, table_id) is no_update
        reopened = update_chart_table("?geo=E12000007", 3, table_id)
    assert "London" in to_json_plotly(reopened)


def test_first_paint_3_the_gate_withholds_a_restricted_chart_in_the_layout(client, proxy):  # noqa: F811
    chart_id = registry.page("/interventions").charts[0]
    assert registry.get(chart_id).restricted  # drawn in the layout, so the gate must hold there too
    for who, reason in (("anonymous", "Sign in to see pilot returns"), ("no role", "has no role")):
        found = components_by_id(open_page(client, "/interventions", f"?geo={SY}", who))
        text = json.dumps(card(found, "chart-summary", chart_id)["children"])
        assert reason in text, (who, text)
        assert card(found, "chart-share", chart_id)["children"] == []  # no downloads, no embed code
        figure = card(found, "chart-graph", chart_id)["figure"]
        assert figure["data"] == [] and reason in json.dumps(figure["layout"]["annotations"]).replace("<br>", " ")
        assert "participants" not in json.dumps(figure).replace("participant records", "")
    # A viewer who may see it gets it drawn.
    found = components_by_id(open_page(client, "/interventions", f"?geo={SY}", "icb"))
    assert card(found, "chart-graph", chart_id)["figure"]["data"]
