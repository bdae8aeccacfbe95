"""A warehouse built from the real-layout files alone (tests/fixtures/sources/real: Nomis, Fingertips, INAC01, the
ONS LF6A series) in a real browser: every page renders with no synthetic label and a clean console, the league and
the map show the published Nomis values number for number, and what the files do not publish says so."""
import csv
from pathlib import Path

import pytest

from data import build
from tests.conftest import POLL_MS, browser_context, served_app

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "real"
PAGES = ("/", "/regions", "/conditions", "/interventions", "/accelerators", "/profile?geo=E54000061", "/about")


def published_regions() -> dict[str, float]:
    """The regions' '% of economically inactive who are long-term sick' as the Nomis file prints them ('!' left out),
    read here with the csv module, not the app's reader."""
    with (REAL / "nomis_query_regions.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    header = next(i for i, row in enumerate(rows) if row[:2] == ["region", "mnemonic"])
    return {row[0].split(":", 1)[1]: float(row[2]) for row in rows[header + 1:]
            if len(row) > 2 and row[0].startswith("gor:") and row[2] not in ("!", "-")}


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("real-app")
    db = workdir / "w.duckdb"
    assert build.main(["--db", str(db), "--source", str(REAL)]) == 0
    with served_app(db, workdir) as base:
        yield base


def test_real_files_1_every_page_renders_without_a_synthetic_label(browser, real_app):
    import json
    import urllib.request

    with urllib.request.urlopen(real_app + "/healthz", timeout=60) as response:
        assert json.load(response)["demo"] is False
    with browser_context(browser, real_app) as wrapped:
        for path in PAGES:
            page = wrapped.open(path)
            text = page.locator("body").inner_text()
            assert "SYNTHETIC DEMO DATA" not in text.upper(), path  # the label every synthetic figure carries
            assert page.locator("#demo-banner").count() == 0 or not page.locator("#demo-banner").is_visible(), path
        assert wrapped.errors == []


def test_real_files_2_league_and_map_show_the_published_values(browser, real_app):
    expected = published_regions()
    assert expected == {"North East": 36.1, "North West": 30.4, "London": 18.9}
    with browser_context(browser, real_app) as wrapped:
        page = wrapped.open("/regions?level=region")
        league = page.evaluate("""() => {
            const gd = document.querySelector('#card-regions-league .js-plotly-plot'), out = {};
            gd._fullData.forEach((t, k) => (t.customdata || []).forEach((c, i) => { out[c[0]] = gd.calcdata[k][i].x; }));
            return out; }""")
        assert league == expected
        title = page.locator("#card-regions-league .g-xtitle").text_content()
        assert "% of economically inactive who are long-term sick" in title and "year to Jun 2024" in title
        hovers = page.evaluate("""() => {
            const gd = document.querySelector('#card-regions-choropleth .js-plotly-plot'), out = {};
            for (const t of gd.data) if (t.customdata && t.mode === 'markers')
                t.customdata.forEach((c, i) => { out[c[0]] = t.text[i]; });
            return out; }""")
        assert "36.1% (95% CI 33.3-38.9)" in hovers["E12000001"] and "18.9%" in hovers["E12000007"]
        summary = page.locator("#card-regions-league .chart-summary").inner_text()
        assert summary.startswith("year to Jun 2024: England's value is 27.9%") and "nomis_query_regions.csv" in summary
        assert "SYNTHETIC" not in page.locator("#card-regions-league .chart-source").inner_text()
        assert wrapped.errors == []


def test_real_files_3_what_the_files_do_not_publish_says_so(browser, real_app):
    with browser_context(browser, real_app) as wrapped:
        page = wrapped.open("/conditions")
        assert "not published at this level" in page.locator("#card-conditions-mix .chart-summary").inner_text()
        page = wrapped.open("/regions?level=icb")
        assert page.locator("#filter-note-age").inner_text().startswith("Does not apply")
        assert page.locator('select[id*="\\"name\\":\\"age\\""]').is_disabled()
        # One published rolling year is no series for SPC: the chart says exactly why (tests/test_published.py).
        assert "not enough independent points for SPC" in page.locator("#card-regions-spc .chart-summary").inner_text()
        page = wrapped.open("/accelerators")
        assert "cannot compare: the loaded files publish" in page.locator("#card-accelerators-did .chart-summary").inner_text()
        assert wrapped.errors == []


def test_real_files_4_overview_trend_draws_the_published_series(browser, real_app):
    with browser_context(browser, real_app) as wrapped:
        page = wrapped.open("/?geo=E12000001")
        summary = page.locator("#card-overview-trend .chart-summary").inner_text()
        assert summary.startswith("Published: % of economically inactive who are long-term sick: North East 36.1% "
                                  "(year to Jun 2024); England 27.9% (year to Jun 2024).")
        assert wrapped.errors == []


def south_yorkshire_from_las() -> float:
    """nomis_query_la.csv: South Yorkshire's four local authorities' numerators over their denominators."""
    with (REAL / "nomis_query_la.csv").open(newline="") as handle:
        rows = {row[0].split(":", 1)[1]: row for row in csv.reader(handle) if row and row[0].startswith("ualad09:")}
    names = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
    return 100 * sum(float(rows[n][2].replace(",", "")) for n in names) / sum(
        float(rows[n][3].replace(",", "")) for n in names)


def test_real_files_5_profile_shows_the_published_figure(browser, real_app):
    expected = south_yorkshire_from_las()
    with browser_context(browser, real_app) as wrapped:
        page = wrapped.open("/profile?geo=E54000061")
        page.wait_for_function("() => document.querySelectorAll('#profile-summary li').length >= 2", polling=POLL_MS)
        summary = page.locator("#profile-summary").inner_text()
        assert (f"South Yorkshire's published figure was {expected:.1f}% (% of economically inactive who are "
                "long-term sick; published without an interval)") in summary
        assert "year to Dec 2024" in summary and "aged 16-64" not in summary
        assert "Main condition, age band and sex: not published at this level" in summary
        drawn = page.evaluate("""() => {
            const gd = document.querySelector('#card-profile-spine .js-plotly-plot');
            return gd.data.filter(t => t.type === 'scatter').map(t => t.customdata.map(c => Number(c[0]))); }""")
        assert [round(v, 6) for trace in drawn for v in trace] == [round(expected, 6)]
        card = page.locator("#card-profile-spine").inner_text()
        assert "Not published at this level" in card and "SYNTHETIC" not in card.upper()
        region = wrapped.open("/profile?geo=E12000001")
        region.wait_for_function("() => document.querySelectorAll('#profile-summary li').length >= 2", polling=POLL_MS)
        assert "36.1% (% of economically inactive who are long-term sick; 95% CI 33.3-38.9), worse (higher) than " \
               "England's 27.9%" in region.locator("#profile-summary").inner_text()
        about = wrapped.open("/about")
        sources = about.locator("#dictionary-sources + *").inner_text()
        assert "13 May 2025" in sources and "not stated in the file" in sources
        assert wrapped.errors == []
