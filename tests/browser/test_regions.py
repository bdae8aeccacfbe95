"""The regions page in a real headless Chromium: both levels, several foci, the map click, an empty state."""
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import POLL_MS

CHARTS = ("regions-league", "regions-map", "regions-spc", "regions-neighbours")


def _summary(page, chart_id):
    return page.locator(f"#card-{chart_id} .chart-summary").inner_text()


@pytest.mark.parametrize(("query", "name"), [
    ("?level=region&geo=E12000007", "London"),
    ("?level=icb&geo=E54000061", "South Yorkshire"),
    ("?level=icb&geo=E54000027&from=2022Q1&to=2026Q2&condition=msk&sex=female", "North West London"),
])
def test_regions_1_every_chart_draws_for_each_level_and_focus(browser_page, query, name):
    page = browser_page.open("/regions" + query)
    for chart_id in CHARTS:
        assert page.locator(f"#card-{chart_id} .main-svg").count() >= 1
    assert name in _summary(page, "regions-league")
    assert name in _summary(page, "regions-spc")
    assert "the latest quarter shows" in _summary(page, "regions-spc")
    assert page.locator("#card-regions-map .scatterlayer .trace").count() >= 4
    assert browser_page.errors == []


def test_regions_2_selecting_a_hexagon_makes_it_the_focus(browser_page):
    page = browser_page.open("/regions?level=icb&geo=E54000027")
    page.locator("#card-regions-map .js-plotly-plot").scroll_into_view_if_needed()
    # Where South Yorkshire's hexagon is drawn, from the figure plotly holds.
    x, y = page.evaluate("""() => {
        const gd = document.querySelector('#card-regions-map .js-plotly-plot');
        for (const [k, trace] of gd._fullData.entries()) {
            const i = Array.from(trace.customdata || []).findIndex(row => row[0] === 'E54000061');
            if (i >= 0 && trace.mode === 'markers+text') {
                const point = gd.calcdata[k][i], box = gd.getBoundingClientRect(), size = gd._fullLayout._size;
                return [box.left + size.l + gd._fullLayout.xaxis.c2p(point.x),
                        box.top + size.t + gd._fullLayout.yaxis.c2p(point.y)];
            }
        }
        return [null, null];
    }""")
    assert x is not None
    page.mouse.move(x, y)
    page.wait_for_selector("#card-regions-map .hoverlayer .hovertext")
    page.mouse.click(x, y)
    page.wait_for_function("() => window.location.search.includes('geo=E54000061')", polling=POLL_MS)
    browser_page.wait_for_charts()
    page.wait_for_function(
        "() => document.querySelector('#card-regions-league .chart-summary').innerText.includes('South Yorkshire')", polling=POLL_MS)
    assert parse_qs(urlparse(page.url).query)["level"] == ["icb"]
    assert page.get_by_label("Area", exact=True).input_value() == "E54000061"
    assert browser_page.errors == []


def test_regions_3_a_selection_without_data_says_so(browser_page):
    page = browser_page.open("/regions?from=2026Q2&to=2026Q2")
    assert "no data for this selection" in _summary(page, "regions-spc")
    assert "No data for this selection" in page.locator("#card-regions-spc").inner_text()
    assert "England's rate is" in _summary(page, "regions-league")  # the league still draws its one quarter
    assert browser_page.errors == []


def test_regions_4_appears_in_the_navigation(browser_page):
    page = browser_page.open("/")
    page.get_by_role("link", name="Regions and ICBs").click()
    page.wait_for_url("**/regions")
    browser_page.wait_for_charts()
    assert page.locator("h1").inner_text() == "How does each area compare?"
    assert browser_page.errors == []
