"""The overview page in a real headless Chromium: charts drawn, filters in the URL, a clean console."""
import json
from urllib.parse import parse_qs, urlparse

from tests.conftest import POLL_MS


def test_overview_1_renders_every_chart_with_a_clean_console(browser_page):
    page = browser_page.open("/?geo=E54000050")
    assert page.locator(".chart-card .main-svg").count() >= 2
    assert page.locator("h1").count() == 1
    assert "North East and North Cumbria" in page.locator(".chart-summary").first.inner_text()
    assert page.locator(".headline").count() >= 4
    assert browser_page.errors == []


def test_overview_2_loads_nothing_from_outside_the_app(browser_page):
    browser_page.open("/")
    assert browser_page.external_requests() == []
    # Charts are drawn by the vendored bundle (scatter, bar, heatmap); the full plotly.js (5x its size) is never
    # fetched.
    scripts = [url for url in browser_page.requests if "plotly" in url]
    assert any("plotly-custom.min.js" in url for url in scripts), scripts
    assert not any("plotly.min.js" in url for url in scripts), scripts


def test_overview_3_changing_a_filter_rewrites_the_url_and_the_charts(browser_page):
    page = browser_page.open("/")
    before = page.locator(".chart-summary").first.inner_text()
    page.get_by_label("Area", exact=True).select_option(label="Region: London")
    page.wait_for_function("() => window.location.search.includes('geo=E12000007')", polling=POLL_MS)
    browser_page.wait_for_charts()
    page.wait_for_function("() => document.querySelector('.chart-summary').innerText.includes('London')", polling=POLL_MS)
    assert page.locator(".chart-summary").first.inner_text() != before
    assert parse_qs(urlparse(page.url).query)["geo"] == ["E12000007"]
    assert browser_page.errors == []


def test_overview_4_a_bad_link_shows_a_message_not_an_error(browser_page):
    page = browser_page.open("/?geo=NOT-AN-AREA&sex=female")
    alert = page.locator(".filter-problems")
    assert "not a known area code" in alert.inner_text()
    assert "women" in page.locator(".chart-summary").first.inner_text() or page.locator(".main-svg").count() >= 2
    assert browser_page.errors == []


def test_about_1_lists_sources_and_the_data_dictionary(browser_page):
    page = browser_page.open("/about")
    text = page.locator("main").inner_text()
    assert "Synthetic demo data" in text
    assert "E54000050" in text and "QHM" in text
    assert "overview-trend" in text
    assert browser_page.errors == []


def test_overview_5_a_table_is_built_when_opened_and_follows_the_filters(browser_page):
    """Opening "Show as table" asks for the table; while it is open, a filter change brings it in the chart's own
    request, so the change asks once a card (no request a card for a table, open or folded)."""
    page = browser_page.open("/")
    card = page.locator("#card-overview-trend")
    assert card.locator(".chart-table table").count() == 0  # not built until asked for
    card.locator("summary.chart-table-toggle").click()
    assert "England" in card.locator(".chart-table table").inner_text()
    outputs: list[str] = []
    page.on("request", lambda request: outputs.append(json.loads(request.post_data or "{}").get("output", ""))
            if "_dash-update-component" in request.url else None)
    page.get_by_label("Area").select_option(label="Region: London")
    page.wait_for_function(
        "() => document.querySelector('#card-overview-trend .chart-table table').innerText.includes('London')", polling=POLL_MS)
    page.wait_for_timeout(500)  # time for any other request the change would make
    assert not [o for o in outputs if o.startswith('{"chart":["MATCH"],"type":"chart-table"}')], outputs
    assert any("chart-graph" in o for o in outputs), outputs  # the table came with its chart
    assert browser_page.errors == []


def test_overview_6_every_page_shows_its_cards_in_the_declared_order(browser_page):
    from dashboard import registry

    page = browser_page.page
    for page_decl in registry.PAGES:
        page.goto(browser_page.base_url + page_decl.path)
        page.wait_for_selector("main section.chart-card")
        shown = page.eval_on_selector_all("section.chart-card[id^='card-']", "cards => cards.map(c => c.id)")
        assert shown == [f"card-{chart_id}" for chart_id in page_decl.charts], page_decl.path
