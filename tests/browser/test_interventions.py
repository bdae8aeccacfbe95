"""The interventions page in a real headless Chromium: every chart drawn, filters followed, a clean console."""

CHARTS = 5


def test_interventions_1_default_view_draws_every_chart(browser_page):
    page = browser_page.open("/interventions")
    assert page.locator(".chart-card .main-svg").count() >= CHARTS
    assert page.locator("h1").count() == 1
    assert "the largest programme" in page.locator("#card-interventions-funnel .chart-summary").inner_text()
    assert "Assumption" in page.locator("#interventions-assumptions").inner_text()
    assert browser_page.errors == []


def test_interventions_2_ips_in_one_icb_follows_the_link(browser_page):
    page = browser_page.open("/interventions?intervention=ips&geo=E54000050")
    assert page.locator(".chart-card .main-svg").count() >= CHARTS
    funnel = page.locator("#card-interventions-funnel .chart-summary").inner_text()
    assert funnel.startswith("Individual Placement and Support") and "North East and North Cumbria" in funnel
    assert page.get_by_label("Programme", exact=True).input_value() == "ips"
    assert "Mental health" in page.locator("#card-interventions-time-to-work .chart-summary").inner_text()
    assert browser_page.errors == []


def test_interventions_3_an_assumption_typed_on_the_page_reaches_the_link_summary_and_downloads(browser_page):
    page = browser_page.open("/interventions?deadweight=40")
    field = page.get_by_label("Deadweight: share who would have found sustained work anyway (%)")
    assert field.input_value() == "40"
    field.fill("80")
    field.press("Enter")
    summary = page.locator("#card-interventions-cost .chart-summary")
    summary.filter(has_text="deadweight 80%").wait_for()
    assert "estimated" in summary.inner_text()
    assert "deadweight=80" in page.url
    csv = page.locator("#card-interventions-cost a[data-format='csv']").get_attribute("href")
    assert "deadweight=80" in csv
    assert browser_page.errors == []
