"""WCAG 2.2 AA in a real browser: axe-core (as FingertipsNext runs it) on every page, and keyboard use."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import POLL_MS

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWS = [
    "/", "/?geo=E54000061&condition=msk&sex=female",
    "/regions", "/regions?level=icb&geo=E54000050",
    "/conditions", "/conditions?geo=E12000007&age=16-24",
    "/interventions", "/interventions?intervention=ips&geo=E54000057",
    "/accelerators", "/accelerators?condition=mental",
    "/about",
    "/api",  # the data API's page (server-rendered, not a Dash page)
]


def serious(results) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("path", VIEWS)
def test_axe_1_no_serious_or_critical_violations(browser_page, axe, path):
    page = browser_page.open(path)
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    assert serious(results) == []
    assert page.locator("h1").count() == 1
    assert browser_page.errors == []


@pytest.mark.parametrize("chart_id", ["overview-trend", "regions-league", "interventions-funnel"])
def test_axe_2_embeds_have_no_serious_or_critical_violations(browser_page, axe, chart_id):
    page = browser_page.page
    page.goto(f"{browser_page.base_url}/embed/{chart_id}?geo=E54000061")
    page.locator("body[data-ready='true'] .main-svg").first.wait_for(timeout=60_000)
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    assert serious(results) == []
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    assert browser_page.errors == []


def test_keyboard_1_skip_link_then_filters_operable_without_a_mouse(browser_page):
    page = browser_page.open("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tab forward until the Area filter has focus, then change it with the keyboard alone.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SELECT":
            break
    assert page.evaluate("document.activeElement.labels[0].textContent") == "Area"
    page.keyboard.press("ArrowDown")  # England -> the first region
    page.wait_for_function("() => window.location.search.includes('geo=E12')", polling=POLL_MS)
    browser_page.wait_for_charts()
    assert browser_page.errors == []


def test_structure_1_title_names_the_page_and_the_area(browser_page):
    page = browser_page.open("/?geo=E54000061")
    page.wait_for_function("() => document.title.includes('South Yorkshire')", polling=POLL_MS)
    assert page.title() == "Long-term sickness and work: overview - ICB: South Yorkshire - Health and work dashboard"
    assert page.evaluate("document.documentElement.lang") == "en-GB"


def test_keyboard_2_chart_table_and_download_reached_and_used_by_keyboard(browser_page):
    page = browser_page.open("/?geo=E54000050")
    page.locator("main").focus()
    found = {}
    for _ in range(60):
        page.keyboard.press("Tab")
        tag, text = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent]")
        if tag == "SUMMARY" and text == "Show as table" and "table" not in found:
            page.keyboard.press("Enter")
            table = page.locator(".chart-table[open] table").first
            assert "the numbers behind the chart" in table.locator("caption").inner_text()
            assert table.locator("th[scope=col]").count() >= 5
            found["table"] = True
        if tag == "A" and text == "CSV data":
            with page.expect_download() as download:
                page.keyboard.press("Enter")
            assert download.value.suggested_filename.endswith(".csv")
            assert "geo=E54000050" in page.evaluate("document.activeElement.href")
            found["download"] = True
            break
    assert found == {"table": True, "download": True}
    assert browser_page.errors == []


def test_statement_1_about_page_has_an_accessibility_statement(browser_page):
    page = browser_page.open("/about")
    statement = page.locator("#accessibility")
    assert statement.inner_text() == "Accessibility statement"
    text = page.locator("main").inner_text()
    assert "wcag22aa" in text and "known not to meet" in text and "partially compliant" in text


def test_pointer_1_tooltips_dismiss_with_escape_and_no_toolbar_targets(browser_page):
    page = browser_page.open("/")
    plot_area = page.locator("#card-overview-trend .nsewdrag").first
    plot_area.scroll_into_view_if_needed()
    box = plot_area.bounding_box()
    for fraction in (0.3, 0.5, 0.7, 0.9):  # sweep across the plot until a hover label shows
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.5, steps=5)
        page.wait_for_timeout(300)
        if page.locator(".hoverlayer > *").count():
            break
    assert page.locator(".hoverlayer > *").count() > 0
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.hoverlayer').children.length", polling=POLL_MS)
    # No plotly toolbar at all (its small buttons were mouse-only and did nothing on fixed axes).
    assert page.locator(".modebar-btn").count() == 0
