"""A warehouse built from the multi-period real-layout files alone (tests/fixtures/sources/real_series/years) in a
real browser: the regions page draws the published SPC chart and the accelerators page the difference-in-differences
and event study on the published ICB series, with the values of the files, no synthetic label and a clean console."""

import pytest

from data import build
from tests.conftest import POLL_MS, browser_context, served_app
from tests.test_published_series import ACCELERATORS, SERIES, icb_rates_by_hand, nomis_tables


@pytest.fixture(scope="module")
def series_app(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("series-app")
    db = workdir / "w.duckdb"
    assert build.main(["--db", str(db), "--source", str(SERIES / "years")]) == 0
    with served_app(db, workdir) as base:
        yield base


def plotted(page, card: str) -> dict[str, list]:
    """Each trace of the card's chart: its name -> its y values as plotly drew them (calcdata: decoded arrays);
    a name used by two traces (upper and lower limits) -> the first's values then the second's."""
    return page.evaluate("""(card) => {
        const gd = document.querySelector(`#${card} .js-plotly-plot`), out = {};
        gd._fullData.forEach((t, k) => { out[t.name] = (out[t.name] || []).concat(gd.calcdata[k].map(c => c.y)); });
        return out; }""", card)


def no_synthetic_label(page) -> bool:
    return "SYNTHETIC" not in page.locator("main").inner_text().upper()


def test_series_browser_1_regions_spc_draws_the_published_years(browser, series_app):
    published = nomis_tables(SERIES / "years" / "nomis_query_regions_2016_2024.csv")
    north_east = [float(next(r for r in rows if r[1] == "E12000001")[2]) for rows in published.values()]
    with browser_context(browser, series_app) as wrapped:
        page = wrapped.open("/regions?geo=E12000001")
        traces = plotted(page, "card-regions-spc")
        assert traces["Rate"] == north_east and len(north_east) == 9
        assert traces["Mean"][0] == pytest.approx(sum(north_east) / 9)
        limits = traces["Trial process limits"]  # upper then lower, worked by hand in tests/test_published_series.py
        assert (limits[0], limits[9]) == pytest.approx((34.761167, 30.372167), abs=1e-5)
        summary = page.locator("#card-regions-spc .chart-summary").inner_text()
        assert "North East 36.0% in year to Dec 2024 against a mean of 32.6% (trial process limits 30.4-34.8)" in summary
        assert "% of economically inactive who are long-term sick (published)" in \
            page.locator("#card-regions-spc .g-ytitle").text_content()
        assert no_synthetic_label(page)
        assert wrapped.errors == []


def test_series_browser_2_accelerators_draw_the_did_and_event_study_with_reduced_power(browser, series_app):
    rates = icb_rates_by_hand()
    post = rates.columns == "Apr 2025-Mar 2026"
    change = rates.loc[:, post].mean(axis=1) - rates.loc[:, ~post].mean(axis=1)
    treated = change.index.isin(ACCELERATORS)
    estimate = change[treated].mean() - change[~treated].mean()
    with browser_context(browser, series_app) as wrapped:
        page = wrapped.open("/accelerators")
        page.wait_for_function("() => document.querySelectorAll('.chart-card .main-svg').length >= 2", polling=POLL_MS)
        wrapped.wait_for_charts()
        did = plotted(page, "card-accelerators-did")
        assert did["All other ICBs (10)"] == [pytest.approx(estimate)]
        summary = page.locator("#card-accelerators-did .chart-summary").inner_text()
        assert "Reduced power: the loaded files publish % of economically inactive who are long-term sick for 13 ICBs" \
            in summary and "9 before the start (Apr-Jun 2025) and 1 after" in summary
        event = plotted(page, "card-accelerators-event-study")
        assert len(event["All other ICBs (10)"]) == 10 and len(event["Matched ICBs (9)"]) == 10
        assert "the last period before the start" in \
            page.locator("#card-accelerators-event-study .chart-summary").inner_text()
        assert no_synthetic_label(page)
        assert wrapped.errors == []
