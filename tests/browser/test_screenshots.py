"""Every page at desktop (1280 px) and phone (390 px) width: a full-page screenshot kept as a test artefact
(tests/artifacts/, not committed), and no text cut off, measured from element boxes against the viewport."""
from pathlib import Path

import pytest

from tests.conftest import BROWSER_TIMEOUT_MS, BrowserPage

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
PAGES = ("/", "/regions", "/conditions", "/interventions", "/accelerators", "/about", "/profile?geo=E54000061")
WIDTHS = (1280, 390)

# HTML elements that hold text, outside scrollable regions (a wide table scrolls inside its own box, by design).
CLIPPED = """() => {
    const width = document.documentElement.clientWidth, out = [];
    const selector = 'h1, h2, h3, p, a, label, legend, li, summary, .navbar-brand, .nav-link, button, th, td';
    for (const el of document.querySelectorAll(selector)) {
        if (el.closest('.table-responsive, .js-plotly-plot, .skip-link, [hidden]')) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || !el.textContent.trim()) continue;
        const style = getComputedStyle(el);
        const cut = box.left < -1 || box.right > width + 1
            || (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1);
        if (cut) out.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" ` +
                          `[${Math.round(box.left)}, ${Math.round(box.right)}] of ${width}`);
    }
    return out;
}"""


@pytest.fixture(scope="module", params=WIDTHS)
def sized_page(request, browser, server_url):
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield request.param, BrowserPage(context.new_page(), server_url)
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_screenshot_1_no_text_cut_off(sized_page, path):
    width, wrapped = sized_page
    wrapped.errors.clear()
    page = wrapped.open(path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = (path.strip("/").split("?")[0] or "overview") + f"-{width}.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    assert page.evaluate(CLIPPED) == []
    assert wrapped.errors == []
