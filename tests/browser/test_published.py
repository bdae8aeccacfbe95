"""Real and synthetic side by side in a browser: on a warehouse built with --source (the sample Nomis download),
the regions page draws the published figures with their source and no synthetic label, beside the survey
charts that keep it, with a clean console."""
from pathlib import Path

import pytest

from data import build
from tests.conftest import browser_context, served_app

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "good"


@pytest.fixture(scope="module")
def mixed_app(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("mixed-app")
    db = workdir / "w.duckdb"
    assert build.main(["--db", str(db), "--participants", "2000", "--source", str(GOOD)]) == 0
    with served_app(db, workdir) as base:
        yield base


def test_published_1_drawn_beside_the_synthetic_survey_charts(browser, mixed_app):
    with browser_context(browser, mixed_app) as wrapped:
        page = wrapped.open("/regions")
        card = page.locator("#card-regions-published")
        assert card.locator(".main-svg").count() >= 1
        labels = card.locator(".ytick text").all_text_contents()
        assert "North East" in labels and "London" in labels
        notes = card.locator(".chart-source").inner_text()  # the source note, as text under the chart
        assert notes.startswith("Source: Nomis") and "SYNTHETIC" not in notes
        summary = card.locator(".chart-summary").inner_text()
        assert "Jan 2023-Dec 2023" in summary and "London unreliable" in summary
        assert "Published by OHID Fingertips" not in page.locator("#card-regions-fingertips").inner_text()  # regions
        page.goto(mixed_app + "/regions?level=icb")
        wrapped.wait_for_charts()
        fingertips = page.locator("#card-regions-fingertips")
        assert any("Surrey Heartlands" in t for t in fingertips.locator(".ytick text").all_text_contents())
        assert "Published by OHID Fingertips" in fingertips.locator(".chart-summary").inner_text()
        # The source note is text under the chart on the page (exports keep it in the image).
        assert "SYNTHETIC DEMO DATA" in page.locator("#card-regions-league .chart-source").inner_text()
        assert wrapped.errors == []


def test_published_2_pilot_returns_drawn_on_the_interventions_page(browser, mixed_app):
    with browser_context(browser, mixed_app) as wrapped:
        page = wrapped.open("/interventions")
        card = page.locator("#card-interventions-outcomes")
        assert card.locator(".main-svg").count() >= 1
        assert any("Accelerator" in t for t in card.locator(".ytick text").all_text_contents())
        notes = card.locator(".chart-source").inner_text()
        assert notes.startswith("Source: Programme participant records and ICB pilot returns")
        assert "SYNTHETIC" not in notes
        assert "Pilot returns (" in card.locator(".chart-summary").inner_text()
        assert page.locator("#card-interventions-returns").count() == 0  # no separate "published figures" card
        assert wrapped.errors == []


def test_published_3_the_uk_series_drawn_on_the_overview(browser, mixed_app):
    with browser_context(browser, mixed_app) as wrapped:
        page = wrapped.open("/")
        card = page.locator("#card-overview-uk-published")
        assert card.locator(".scatterlayer .point").count() >= 3
        notes = card.locator(".chart-source").inner_text()
        assert notes.startswith("Source: ONS, INAC01") and "SYNTHETIC" not in notes
        assert "2.78 million" in card.locator(".chart-summary").inner_text()
        assert wrapped.errors == []
