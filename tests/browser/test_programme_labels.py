"""The programme outcomes chart on a 320 px wide screen (WCAG 1.4.10's narrowest): its wrapped programme labels
leave the plot most of the chart's width, every dot is drawn inside the plot, and no markup shows as text."""
from tests.conftest import BROWSER_TIMEOUT_MS, BrowserPage


def test_labels_browser_1_at_320_px_the_labels_leave_the_plot_its_width(browser, server_url):
    context = browser.new_context(viewport={"width": 320, "height": 800})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        wrapped = BrowserPage(context.new_page(), server_url)
        page = wrapped.open("/interventions")
        size = page.evaluate("""() => {
            const gd = document.querySelector('#card-interventions-outcomes .js-plotly-plot'), s = gd._fullLayout._size;
            const xa = gd._fullLayout.xaxis, dots = [];
            gd._fullData.forEach((t, k) => gd.calcdata[k].forEach(c => { if (Number.isFinite(c.x)) dots.push(xa.l2p(c.x)); }));
            const ticks = [...gd.querySelectorAll('.ytick text')];
            return {width: s.l + s.w + s.r, left: s.l, plot: s.w, dots,
                    lines: ticks.map(t => t.querySelectorAll('tspan.line').length || 1),
                    text: ticks.map(t => t.textContent)}; }""")
        # Unwrapped, 'Employment advisers in physio and MSK clinics (100)' took 464 of 860 px.
        assert size["left"] < 0.25 * size["width"] and size["plot"] > 0.7 * size["width"], size
        assert size["dots"] and all(0 <= x <= size["plot"] for x in size["dots"]), size
        assert max(size["lines"]) > 1  # drawn on several lines, not as one long line
        assert not any("<br>" in t or "&amp;" in t or "&lt;" in t for t in size["text"]), size["text"]
        heading = page.locator("#card-interventions-outcomes h2").inner_text()
        assert heading == "Job outcomes by programme"  # the chart's accessible name
        assert wrapped.errors == []
    finally:
        context.close()
