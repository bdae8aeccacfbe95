"""The accelerators page in a real headless Chromium: charts drawn, the caveat shown, a clean console."""
from tests.conftest import POLL_MS


def open_drawn(browser_page, path: str):
    """Open and wait for all three figures: the shared wait can pass before plotly's bundle has loaded."""
    page = browser_page.open(path)
    page.wait_for_function("() => document.querySelectorAll('.chart-card .main-svg').length >= 3",
                           timeout=60_000, polling=POLL_MS)
    browser_page.wait_for_charts()
    return page


def test_accelerators_1_renders_every_chart_with_a_clean_console(browser_page):
    page = open_drawn(browser_page, "/accelerators")
    assert page.locator(".chart-card .main-svg").count() >= 3
    assert page.locator("h1").count() == 1
    assert "parallel-trends" in page.locator("#accelerators-caveat").inner_text()
    summary = page.locator("#card-accelerators-did .chart-summary").inner_text()
    assert "all other ICBs (39)" in summary and "matched ICBs (9)" in summary
    assert browser_page.errors == []


def test_accelerators_2_condition_filter_from_the_link(browser_page):
    page = open_drawn(browser_page, "/accelerators?condition=msk")
    assert page.locator(".chart-card .main-svg").count() >= 3
    assert page.get_by_label("Main condition").input_value() == "msk"
    compare = page.locator("#card-accelerators-compare .chart-summary").inner_text()
    assert "participants" in compare
    assert page.locator(".filter-problems").count() == 0
    assert browser_page.errors == []
