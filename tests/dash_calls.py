"""Dash's callback requests, as the browser's renderer sends them, for tests that call the server directly."""
from __future__ import annotations

import json

CHART_OUTPUT = ('..{"chart":["MATCH"],"type":"chart-graph"}.figure...{"chart":["MATCH"],"type":"chart-summary"}'
                '.children...{"chart":["MATCH"],"type":"chart-share"}.children...{"chart":["MATCH"],'
                '"type":"chart-source"}.children..')


def chart_body(chart_id: str, search, lazy="seen") -> str:
    """The body of the request that draws one chart card for the page-filters value ``search`` (``lazy``: the
    card's chart-lazy store, "seen" once it has come into view or "inline" when the layout drew it)."""
    outputs = [{"id": {"chart": chart_id, "type": kind}, "property": prop}
               for kind, prop in (("chart-graph", "figure"), ("chart-summary", "children"),
                                  ("chart-share", "children"), ("chart-source", "children"))]
    return json.dumps({
        "output": CHART_OUTPUT, "outputs": outputs,
        "inputs": [{"id": "page-filters", "property": "data", "value": search},
                   {"id": {"chart": chart_id, "type": "chart-lazy"}, "property": "data", "value": lazy}],
        "state": [{"id": {"chart": chart_id, "type": "chart-graph"}, "property": "id",
                   "value": {"chart": chart_id, "type": "chart-graph"}}],
        "changedPropIds": ["page-filters.data"],
    })
