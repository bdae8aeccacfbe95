"""The choropleth of real ONS boundaries in headless Chromium: every shape drawn, nothing fetched from another
host, selection by click and by keyboard, and the colour toggle."""
from urllib.parse import parse_qs, urlparse

from tests.conftest import POLL_MS

CARD = "#card-regions-choropleth"
AREAS = f"""() => {{
    const gd = document.querySelector('{CARD} .js-plotly-plot');
    return gd.data.filter(t => t.meta && t.meta.fills).map(t => [t.meta.code, t.fillcolor, t.meta.fills]);
}}"""


def _drawn_fills(page) -> int:
    return page.locator(f"{CARD} .scatterlayer .trace .js-fill").count()


def test_map_1_draws_42_icbs_and_9_regions_with_no_request_off_the_host(browser_page):
    page = browser_page.open("/regions?level=icb")
    areas = page.evaluate(AREAS)
    assert len(areas) == 42 and len({a[0] for a in areas}) == 42
    assert all(a[0].startswith("E54") for a in areas)
    assert _drawn_fills(page) >= 42  # every ICB's fill is an SVG path (the hex map is another card)
    page.get_by_text("Regions", exact=True).click()
    page.wait_for_function(f"() => document.querySelector('{CARD} .js-plotly-plot').data"
                           ".filter(t => t.meta && t.meta.fills).length === 9", polling=POLL_MS)
    browser_page.wait_for_charts()
    assert sorted(a[0] for a in page.evaluate(AREAS)) == [f"E1200000{i}" for i in range(1, 10)]
    assert "Crown copyright" in page.locator(CARD).inner_text()
    assert browser_page.external_requests() == []
    assert browser_page.errors == []


def _screen_point(page, code: str, dx: float = 0, dy: float = 0):
    """Where an area's label point is drawn on screen (from the figure plotly holds), moved by dx, dy pixels."""
    return page.evaluate("""([code, dx, dy]) => {
        const gd = document.querySelector('#card-regions-choropleth .js-plotly-plot');
        const k = gd._fullData.findIndex(t => t.meta && t.meta.view === 'comparison'
                                             && Array.from(t.customdata).some(r => r[0] === code));
        const i = Array.from(gd._fullData[k].customdata).findIndex(r => r[0] === code);
        const point = gd.calcdata[k][i], box = gd.getBoundingClientRect(), size = gd._fullLayout._size;
        return [box.left + size.l + gd._fullLayout.xaxis.c2p(point.x) + dx,
                box.top + size.t + gd._fullLayout.yaxis.c2p(point.y) + dy];
    }""", [code, dx, dy])


def test_map_2_selecting_an_area_makes_it_the_focus(browser_page):
    page = browser_page.open("/regions?level=icb&geo=E54000027")
    page.locator(CARD).scroll_into_view_if_needed()
    # On the area's fill, away from its marker: North East and North Cumbria is large.
    x, y = _screen_point(page, "E54000050", dx=0, dy=-40)
    page.mouse.move(x, y)
    hover = page.wait_for_selector(f"{CARD} .hoverlayer .hovertext")
    text = hover.text_content()
    assert "North East and North Cumbria" in text and "95% CI" in text and "England" in text
    page.mouse.click(x, y)
    page.wait_for_function("() => window.location.search.includes('geo=E54000050')", polling=POLL_MS)
    browser_page.wait_for_charts()
    assert page.get_by_label("Area", exact=True).input_value() == "E54000050"
    assert parse_qs(urlparse(page.url).query)["level"] == ["icb"]
    assert "Chosen area" in page.evaluate(f"() => document.querySelector('{CARD} .js-plotly-plot').data"
                                          ".map(t => t.name)")
    # And on a marker (customdata).
    x, y = _screen_point(page, "E54000061")
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_function("() => window.location.search.includes('geo=E54000061')", polling=POLL_MS)
    browser_page.wait_for_charts()
    assert browser_page.errors == []


def test_map_3_keyboard_selection_and_colour_toggle(browser_page):
    page = browser_page.open("/regions?level=icb")
    area = page.get_by_label("Area", exact=True)
    area.focus()
    area.select_option("E54000061")  # what the keyboard does on a focused select
    page.wait_for_function("() => window.location.search.includes('geo=E54000061')", polling=POLL_MS)
    browser_page.wait_for_charts()
    assert "Chosen area" in page.evaluate(f"() => document.querySelector('{CARD} .js-plotly-plot').data"
                                          ".map(t => t.name)")
    assert all(fill == fills["comparison"] for _, fill, fills in page.evaluate(AREAS))
    quintile = page.get_by_label("Value quintile")
    quintile.focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"() => document.querySelector('{CARD} .js-plotly-plot').data"
                           ".some(t => t.meta && t.meta.view === 'quintile' && t.visible !== false)", polling=POLL_MS)
    areas = page.evaluate(AREAS)
    assert all(fill == fills["quintile"] for _, fill, fills in areas)
    assert len({fill for _, fill, _ in areas}) == 5  # five fifths
    legend = page.locator(f"{CARD} .legend").text_content()
    assert "Quintile 1 (lowest)" in legend and "Better (lower)" not in legend
    # The view survives a filter change (the server sends a new figure in the default colouring).
    page.get_by_label("Sex").select_option("female")
    page.wait_for_function("() => window.location.search.includes('sex=female')", polling=POLL_MS)
    browser_page.wait_for_charts()
    page.wait_for_function(f"""() => document.querySelector('{CARD} .js-plotly-plot').data
        .filter(t => t.meta && t.meta.fills).every(t => t.fillcolor === t.meta.fills.quintile)""", polling=POLL_MS)
    assert browser_page.errors == []
