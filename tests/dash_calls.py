"""Dash's callback requests, as the browser's renderer sends them, for tests that call the server directly."""
from __future__ import annotations

import json

CARD_PARTS = (("chart-graph", "figure"), ("chart-summary", "children"), ("chart-share", "children"),
              ("chart-source", "children"), ("chart-table", "children"))
# Dash's name for a callback with several outputs: "..id.prop...id.prop..".
CHART_OUTPUT = ".." + "...".join(json.dumps({"chart": ["MATCH"], "type": kind}, separators=(",", ":")) + "." + prop
                                 for kind, prop in CARD_PARTS) + ".."


def chart_body(chart_id: str, search, lazy="seen", table_clicks=None) -> str:
    """The body of the request that draws one chart card for the page-filters value ``search`` (``lazy``: the
    card's chart-lazy store, "seen" once it has come into view or "inline" when the layout drew it;
    ``table_clicks``: clicks on its "Show as table", open when odd)."""
    outputs = [{"id": {"chart": chart_id, "type": kind}, "property": prop} for kind, prop in CARD_PARTS]
    return json.dumps({
        "output": CHART_OUTPUT, "outputs": outputs,
        "inputs": [{"id": "page-filters", "property": "data", "value": search},
                   {"id": {"chart": chart_id, "type": "chart-lazy"}, "property": "data", "value": lazy}],
        "state": [{"id": {"chart": chart_id, "type": "chart-graph"}, "property": "id",
                   "value": {"chart": chart_id, "type": "chart-graph"}},
                  {"id": {"chart": chart_id, "type": "chart-table-toggle"}, "property": "n_clicks",
                   "value": table_clicks}],
        "changedPropIds": ["page-filters.data"],
    })


def table_body(client, chart_id: str, search, clicks) -> str:
    """The body of the request "Show as table" sends when clicked (``clicks`` times: open when odd). Its output
    is named as Dash names a second writer of a property (with a hash of its inputs), read from the app's
    ``/_dash-dependencies`` as the browser reads it."""
    output = next(d["output"] for d in client.get("/_dash-dependencies").get_json()
                  if d["output"].startswith('{"chart":["MATCH"],"type":"chart-table"}.children@'))
    table = {"chart": chart_id, "type": "chart-table"}
    toggle = {"chart": chart_id, "type": "chart-table-toggle"}
    return json.dumps({
        "output": output, "outputs": {"id": table, "property": "children"},
        "inputs": [{"id": toggle, "property": "n_clicks", "value": clicks}],
        "state": [{"id": "page-filters", "property": "data", "value": search},
                  {"id": table, "property": "id", "value": table}],
        "changedPropIds": [json.dumps(toggle, sort_keys=True, separators=(",", ":")) + ".n_clicks"],
    })
