"""Whether a chart says "synthetic demo data" comes from the warehouse it is rendered from, never from what the
process served before (a worker may answer a chart callback before it has served any page shell)."""
from __future__ import annotations

import queries
from dashboard import figures, registry
from dashboard.filters import Filters


def _notes(rendered) -> str:
    return " ".join(a.text for a in rendered.figure.layout.annotations if a.name == "source-note")


def test_demo_flag_1_follows_the_warehouse_each_chart_is_rendered_from(app, demo_warehouse, tiny_con):
    tiny_con.execute("INSERT INTO meta VALUES ('data_version', 'tiny-real'), ('is_demo', 'false')")
    real = queries.Warehouse(connection=tiny_con)
    demo = registry.render("overview-trend", Filters())
    assert demo.demo and figures.DEMO_NOTE in _notes(demo)
    queries.use(real)  # no page shell served in between
    try:
        rendered = registry.render("overview-trend", Filters())
        assert not rendered.demo and figures.DEMO_NOTE not in _notes(rendered)
    finally:
        queries.use(demo_warehouse)
    again = registry.render("overview-trend", Filters())
    assert again.demo and figures.DEMO_NOTE in _notes(again)
