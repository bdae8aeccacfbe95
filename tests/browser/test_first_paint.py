"""The first paint in a real browser (issue 15): opening a page draws its top chart from the layout, with no
callback for it; a chart far below the fold is not asked for until it is scrolled (or tabbed) into view."""
from __future__ import annotations

import json

import pytest

from dashboard import registry
from tests.conftest import POLL_MS, browser_context


@pytest.fixture()
def opened(browser, server_url):
    """A page of /regions opened without scrolling, with the charts its callbacks asked for recorded."""
    with browser_context(browser, server_url) as wrapped:
        asked: list[str] = []

        def record(request):
            if "_dash-update-component" in request.url and request.method == "POST":
                body = json.loads(request.post_data or "{}")
                outputs = body.get("outputs")
                for out in outputs if isinstance(outputs, list) else [outputs]:
                    if isinstance(out, dict) and isinstance(out.get("id"), dict) \
                            and out["id"].get("type") == "chart-graph":
                        asked.append(out["id"]["chart"])

        wrapped.page.on("request", record)
        wrapped.page.goto(server_url + "/regions?geo=E54000061")
        yield wrapped, asked


def summary_of(page, chart_id: str) -> str:
    return page.locator(f"#card-{chart_id} .chart-summary").inner_text()


def test_first_paint_1_the_top_chart_is_drawn_with_no_callback(opened):
    wrapped, asked = opened
    page = wrapped.page
    first, *rest = registry.page("/regions").charts
    page.wait_for_function(
        """(id) => { const card = document.getElementById('card-' + id);
                     return card && card.querySelector('.chart-graph .main-svg')
                        && !document.querySelector('.dash-graph--pending')
                        && card.querySelector('.chart-summary').textContent.trim().length > 0; }""", arg=first, polling=POLL_MS)
    page.wait_for_timeout(1000)  # time for any callback that would fire to be sent
    assert first not in asked, asked
    assert summary_of(page, first).strip()  # drawn from the layout: its text summary is there
    # The last chart is screens below: not asked for, its card still waiting.
    last = rest[-1]
    assert last not in asked and summary_of(page, last).strip() == ""
    assert wrapped.errors == []


def test_first_paint_2_a_chart_below_the_fold_is_drawn_once_scrolled_into_view(opened):
    wrapped, asked = opened
    page = wrapped.page
    last = registry.page("/regions").charts[-1]
    page.wait_for_selector("main h1")
    page.wait_for_timeout(1500)
    assert last not in asked
    page.locator(f"#card-{last}").scroll_into_view_if_needed()
    page.wait_for_function("(id) => document.querySelector('#card-' + id + ' .chart-summary').textContent.trim()",
                           arg=last, polling=POLL_MS)
    page.wait_for_function("(id) => document.querySelector('#card-' + id + ' .main-svg') "
                           "&& !document.querySelector('.dash-graph--pending')", arg=last, polling=POLL_MS)
    assert asked.count(last) == 1, asked
    assert wrapped.errors == []


def test_first_paint_3_a_keyboard_user_gets_a_chart_by_tabbing_to_it(opened):
    wrapped, asked = opened
    page = wrapped.page
    last = registry.page("/regions").charts[-1]
    page.wait_for_selector("main h1")
    page.wait_for_timeout(1000)
    assert last not in asked
    page.locator(f"#card-{last} .chart-table-toggle").focus()  # as Tab reaches it
    page.wait_for_function("(id) => document.querySelector('#card-' + id + ' .chart-summary').textContent.trim()",
                           arg=last, polling=POLL_MS)
    assert last in asked


def test_first_paint_4_the_chart_code_is_fetched_beside_the_scripts_on_chart_pages_only(browser, server_url):
    """dcc.Graph's chunk is named in the head of a page with charts, so it comes with the page's scripts rather
    than after the page's content; it is fetched once, from that hint, and no "preloaded but not used" warning
    follows (Chromium gives one about three seconds after load). A page without charts does not name it."""
    chunk = "() => performance.getEntriesByType('resource').filter(e => e.name.includes('/async-graph.js'))" \
            ".map(e => e.initiatorType)"
    with browser_context(browser, server_url) as wrapped:
        page = wrapped.open("/regions")
        assert page.locator("head link[rel=preload][href$='async-graph.js']").count() == 1
        assert page.evaluate(chunk) == ["link"]
        page.wait_for_timeout(3500)
        wrapped.open("/about")
        assert page.locator("head link[rel=preload]").count() == 0
        page.wait_for_timeout(3500)
        assert wrapped.errors == []
