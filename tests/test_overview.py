"""The overview's callbacks called directly, and the app's routes."""
import json

import pytest

from dashboard import components, registry
from dashboard.filters import Filters


def test_update_chart_1_renders_each_overview_chart(app):
    for chart_id in ("overview-trend", "overview-accelerators"):
        figure, summary, *_ = components.update_chart("?geo=E54000061", {"type": "chart-graph", "chart": chart_id})
        assert len(figure["data"]) >= 3 and summary
        table = components.update_chart_table("?geo=E54000061", 1, {"type": "chart-table", "chart": chart_id})
        markup = _table_markup(table)
        assert "<caption>" in markup and "the numbers behind the chart" in markup
        assert markup.count('<th scope="col">') >= 3 and "<td>" in markup
    figure, summary, *_ = components.update_chart("?geo=E54000061", {"type": "chart-graph", "chart": "overview-trend"})
    names = {t["name"] for t in figure["data"] if t.get("name")}
    assert names == {"South Yorkshire", "Yorkshire and The Humber", "England"}
    assert "South Yorkshire" in summary


def test_update_chart_1b_the_table_is_built_only_once_asked_for(app):
    from dash import no_update

    table_id = {"type": "chart-table", "chart": "overview-trend"}
    assert components.update_chart_table("?geo=E54000061", None, table_id) is no_update
    assert "South Yorkshire" in _table_markup(components.update_chart_table("?geo=E54000061", 1, table_id))
    assert "sex" in str(components.update_chart_table("?sex=robot", 3, table_id))


def _table_markup(component) -> str:
    """The chart table as HTML-like text: every component of the one html.Table, tags and attributes, with the
    text of each cell escaped as the browser would show it (so a test can look for markup that became live)."""
    from html import escape

    from dash import html

    tables = [c for c in component._traverse() if isinstance(c, html.Table)]
    assert len(tables) == 1, component
    assert not [c for c in component._traverse() if getattr(c, "dangerously_allow_html", False)]

    def markup(node) -> str:
        if node is None:
            return ""
        if isinstance(node, str | int | float):
            return escape(str(node), quote=False)
        if isinstance(node, list | tuple):
            return "".join(markup(n) for n in node)
        tag = type(node).__name__.lower()
        scope = f' scope="{node.scope}"' if getattr(node, "scope", None) else ""
        return f"<{tag}{scope}>{markup(getattr(node, 'children', None))}</{tag}>"

    return markup(tables[0].children)


def test_data_table_1_escapes_every_value_and_heads_rows():
    import pandas as pd

    frame = pd.DataFrame({"code": ["E1", "<script>alert(1)</script>"], "value": [1.5, None]})
    markup = _table_markup(components.data_table(frame, "Codes & values", index="code"))
    assert "<script>" not in markup and "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "<caption>Codes &amp; values</caption>" in markup
    assert markup.count('<th scope="row">') == 2 and "<td>1.5</td>" in markup and "<td></td>" in markup


def test_data_table_2_a_value_note_with_a_blank_line_and_markup_stays_text():
    """A Fingertips value note with a blank line and <a>/<img> used to break out of the Markdown table."""
    import pandas as pd
    from dash import html

    note = "Value suppressed\n\n<a href='https://evil.example/'>click</a><img src='https://evil.example/x.png'>"
    table = components.data_table(pd.DataFrame({"code": ["E1"], "value_note": [note]}), "Notes", index="code")
    cells = [c for c in table._traverse() if isinstance(c, html.Td)]
    assert [c.children for c in cells] == [note]  # one text child: React renders it as characters
    assert not [c for c in table._traverse() if isinstance(c, html.A | html.Img)]


def test_update_chart_2_bad_filters_give_a_message_not_an_exception(app):
    figure, summary, *_ = components.update_chart("?sex=robot", {"type": "chart-graph", "chart": "overview-trend"})
    assert "sex" in summary and "female, male or all" in summary
    assert figure.layout.annotations[0].text.startswith("Filters not accepted")


def test_update_chart_3_every_figure_says_it_is_synthetic(app):
    rendered = registry.render("overview-trend", Filters())
    notes = [a.text for a in rendered.figure.layout.annotations]
    assert any("SYNTHETIC DEMO DATA" in n for n in notes)


def test_headlines_1_area_against_england(app):
    from pages import overview

    tiles = overview.update_overview_headlines("?geo=E54000050")
    text = json.dumps(tiles.to_plotly_json(), default=str)
    assert "Long-term sick" in text and "England" in text and "In work within 12 months" in text


def test_update_page_filters_1_controls_write_the_canonical_query(app):
    ids = [{"type": "filter", "name": n} for n in ("geo", "from", "sex")]
    assert components.update_page_filters(["E54000050", "2019Q1", "female"], ids, "") == "?geo=E54000050&sex=female"
    # Parameters not on this page's controls survive; an impossible range keeps the last good view.
    assert components.update_page_filters(["E54000050", "2019Q1", "all"], ids, "?level=icb") == "?geo=E54000050&level=icb"
    ids2 = [{"type": "filter", "name": n} for n in ("from", "to")]
    from dash import no_update
    assert components.update_page_filters(["2026Q1", "2020Q1"], ids2, "") is no_update


def test_routes_1_health_and_catalogue(client):
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["demo"] is True and len(health["data_version"]) == 12
    catalogue = client.get("/api/charts").get_json()
    ids = {c["id"] for c in catalogue}
    assert {"overview-trend", "overview-accelerators"} <= ids
    assert all(set(c) == {"id", "title", "page", "description"} for c in catalogue)


@pytest.mark.parametrize("path", ["/", "/regions", "/conditions", "/interventions", "/accelerators", "/about"])
def test_routes_2_every_page_in_the_design_answers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b'lang="en-GB"' in response.data


def test_routes_3_bootstrap_is_served_locally_with_security_headers(client):
    response = client.get("/_vendor/bootstrap.min.css")
    assert response.status_code == 200 and b"Bootstrap" in response.data[:200]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/").data.decode()
    assert "cdn." not in page and "https://" not in page.split("<body>")[0]


def test_update_chart_1c_an_open_table_follows_the_filters_with_its_chart(client):
    """"Show as table" asks for the table alone; while it is open, a filter change brings it in the chart's own
    request (one request a card); folded, a filter change builds none, and opening it again builds the view then."""
    from tests.dash_calls import chart_body, table_body

    def post(body):
        return client.post("/_dash-update-component", data=body, content_type="application/json")

    opened = post(table_body(client, "overview-trend", "?geo=E54000061", 1))
    assert opened.status_code == 200 and "South Yorkshire" in opened.get_data(as_text=True)
    moved = post(chart_body("overview-trend", "?geo=E12000007", table_clicks=1)).json["response"]
    parts = {json.loads(key)["type"]: value for key, value in moved.items()}
    assert set(parts) == {"chart-graph", "chart-summary", "chart-share", "chart-source", "chart-table"}
    assert "London" in json.dumps(parts["chart-table"])
    closed = post(table_body(client, "overview-trend", "?geo=E12000007", 2))  # clicked again: the details fold
    assert closed.status_code == 204 or closed.json["response"] == {}, closed.get_data(as_text=True)[:200]
    folded = post(chart_body("overview-trend", "?geo=E54000061", table_clicks=2))
    assert '"chart-table"' not in json.dumps(folded.json["response"])  # no table built while folded
    reopened = post(table_body(client, "overview-trend", "?geo=E54000061", 3))
    assert "South Yorkshire" in reopened.get_data(as_text=True)
