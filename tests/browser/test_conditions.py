"""The conditions page in a real headless Chromium: every chart drawn for England, a region and an ICB,
the note on several conditions, filters in the URL, and a clean console."""
import pytest

from tests.conftest import POLL_MS

ALL_DRAWN = """() => {
    const summaries = [...document.querySelectorAll('.chart-summary')];
    return summaries.length > 0 && summaries.every(s => s.innerText.trim() !== '');
}"""
CHARTS = ["conditions-mix", "conditions-trend", "conditions-trend-index", "conditions-age", "conditions-heatmap"]



def open_conditions(browser_page, query):
    """Open the page and wait until every chart's callback has answered (its summary is filled) and drawn."""
    page = browser_page.open("/conditions" + query)
    page.wait_for_function(ALL_DRAWN, timeout=60_000, polling=POLL_MS)
    browser_page.wait_for_charts()
    return page


@pytest.mark.parametrize(("query", "name"), [
    ("", "England"),
    ("?geo=E12000003", "Yorkshire and The Humber"),
    ("?geo=E54000054&level=icb", "West Yorkshire"),
])
def test_conditions_1_draws_every_chart_with_a_clean_console(browser_page, query, name):
    page = open_conditions(browser_page, query)
    for chart_id in CHARTS:
        card = page.locator(f"#card-{chart_id}")
        assert card.locator(".main-svg").count() >= 1, chart_id
        assert card.locator(".chart-summary").inner_text().strip() != "", chart_id
    assert name in page.locator("#card-conditions-mix .chart-summary").inner_text()
    assert page.locator("#card-conditions-mix .bars .point").count() >= 6
    assert page.locator("#card-conditions-heatmap .heatmaplayer").count() == 1
    assert "No data for this selection" not in page.locator("main").inner_text()
    assert browser_page.errors == []


def test_conditions_2_shows_the_note_on_several_conditions(browser_page):
    page = open_conditions(browser_page, "")
    note = page.locator("#conditions-note").inner_text()
    assert "separate survey questions" in note and "53%" in note and "38%" in note
    assert page.locator("h1").count() == 1
    assert browser_page.errors == []


def test_conditions_3_the_level_filter_redraws_the_heatmap_with_icbs(browser_page):
    page = open_conditions(browser_page, "?geo=E54000054")
    page.get_by_text("ICBs", exact=True).click()
    page.wait_for_function("() => window.location.search.includes('level=icb')", polling=POLL_MS)
    page.wait_for_function(
        "() => document.querySelector('#card-conditions-heatmap .chart-summary').innerText.includes('ICBs')", polling=POLL_MS)
    browser_page.wait_for_charts()
    assert "W Yorks" in page.locator("#card-conditions-heatmap").inner_text() or \
        "West Yorkshire" in page.locator("#card-conditions-heatmap").inner_text()
    assert browser_page.errors == []
