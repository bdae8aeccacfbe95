"""The area profile in headless Chromium: three ICBs, a region and England draw every card with no console
error, no request off the host and no serious axe violation; changing Area changes the profile."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import TAGS, serious
from tests.conftest import POLL_MS

CARDS = ("profile-spine", "regions-spc", "conditions-mix", "interventions-outcomes", "interventions-cost",
         "regions-neighbours")


@pytest.mark.parametrize(("geo", "name"), [
    ("E54000061", "South Yorkshire"), ("E54000027", "North West London"), ("E54000050", "North East and North"),
    ("E12000007", "London"), ("E92000001", "England"),
])
def test_profile_1_renders_with_every_card_and_passes_axe(browser_page, geo, name):
    page = browser_page.open(f"/profile?geo={geo}")
    assert name in page.locator("h1").inner_text()
    page.wait_for_function("() => document.querySelectorAll('#profile-summary li').length >= 2", polling=POLL_MS)
    assert name in page.locator("#profile-summary").inner_text()
    for chart_id in CARDS:
        assert page.locator(f"#card-{chart_id} .main-svg").count() >= 1
    assert f"geo={geo}" in page.locator("#profile-pdf").get_attribute("href") or geo == "E92000001"
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    assert serious(results) == []
    assert browser_page.external_requests() == []
    assert browser_page.errors == []


def test_profile_2_find_an_area_by_ods_code_updates_the_profile(browser_page):
    page = browser_page.open("/profile?geo=E54000061")
    search = page.get_by_label("Search by name or code")
    search.fill("no such place")
    search.press("Enter")
    page.wait_for_function("() => document.querySelector('#area-search-message').innerText.includes('ODS code')", polling=POLL_MS)
    search.fill("QRV")  # North West London's ODS code
    search.press("Enter")
    page.wait_for_function("() => document.querySelector('h1').innerText.includes('North West London')", polling=POLL_MS)
    page.wait_for_function("() => document.querySelector('#profile-summary').innerText.includes('North West London')", polling=POLL_MS)
    assert page.get_by_label("Area", exact=True).input_value() == "E54000027"
    assert "geo=E54000027" in page.locator("#profile-pdf").get_attribute("href")
    browser_page.wait_for_charts()
    link = page.locator("#card-regions-spc .chart-profile-link")
    assert link.inner_text() == "Area profile of North West London"
    assert link.get_attribute("href").endswith("/profile?geo=E54000027")
    assert browser_page.errors == []


def test_empty_published_cards_fold_to_a_compact_note(browser_page):
    # The demo warehouse loads no published file: each "Published figures" card is its title and one line.
    page = browser_page.open("/regions")
    card = page.locator("#card-regions-fingertips")
    assert "python -m data.build --source DIR" in card.locator(".chart-summary").inner_text()
    assert not card.locator(".chart-graph").is_visible() and not card.locator(".chart-share").is_visible()
    assert card.bounding_box()["height"] < 200
    assert page.locator("#card-regions-league .chart-graph").is_visible()  # other cards unchanged
    assert browser_page.errors == []
