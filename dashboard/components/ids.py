"""The ids the shared page parts and callbacks agree on."""
from __future__ import annotations

import json

STORE = "page-filters"  # the canonical query string of the view: every card renders from it
STATUS = "page-status"  # the page's one live region
CHART_COUNT = "page-chart-count"


def dom_id(component_id: dict) -> str:
    """The DOM id Dash gives a pattern-matching id (for ``<label for>`` and links)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
