"""The area profile in headless Chromium: three ICBs, a region and England draw every card with no console
error, no request off the host and no serious axe violation; changing Area changes the profile."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import TAGS, serious

CARDS = ("profile-spine", "regions-spc", "conditions-mix", "interventions-outcomes", "interventions-cost",
         "regions-neighbours")


@pytest.mark.parametrize(("geo", "name"), [
    ("E54000061", "South Yorkshire"), ("E54000027", "North West London"), ("E54000050", "North East and North"),
    ("E12000007", "London"), ("E92000001", "England"),
])
def test_profile_1_renders_with_every_card_and_passes_axe(browser_page, geo, name):
    page = browser_page.open(f"/profile?geo={geo}")
    assert name in page.locator("h1").inner_text()
    page.wait_for_function("() => document.querySelectorAll('#profile-summary li').length >= 2")
    assert name in page.locator("#profile-summary").inner_text()
    for chart_id in CARDS:
        assert page.locator(f"#card-{chart_id} .main-svg").count() >= 1
    assert f"geo={geo}" in page.locator("#profile-pdf").get_attribute("href") or geo == "E92000001"
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    assert serious(results) == []
    assert browser_page.external_requests() == []
    assert browser_page.errors == []


def test_profile_2_choosing_another_area_updates_the_profile(browser_page):
    page = browser_page.open("/profile?geo=E54000061")
    page.get_by_label("Area", exact=True).select_option("E54000027")
    page.wait_for_function("() => document.querySelector('h1').innerText.includes('North West London')")
    page.wait_for_function("() => document.querySelector('#profile-summary').innerText.includes('North West London')")
    assert "geo=E54000027" in page.locator("#profile-pdf").get_attribute("href")
    assert browser_page.errors == []
