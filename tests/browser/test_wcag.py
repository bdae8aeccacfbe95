"""The WCAG 2.2 AA audit's checks, in a real browser, on every page and a sample of embeds.

One browser context for the module; pytest groups the tests by the module-scoped ``view`` fixture, so each
page is loaded once and every check runs on it before the next page. Colours are measured from what is drawn:
a screenshot with the text hidden gives the colour under each piece of text, in HTML and in the chart SVGs.
"""
from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image

from dashboard import accessibility
from dashboard.theme import contrast
from tests.conftest import BROWSER_TIMEOUT_MS, POLL_MS, BrowserPage

PAGES = ["/", "/regions", "/conditions", "/interventions", "/accelerators", "/about"]
EMBEDS = ["/embed/overview-trend?geo=E54000061", "/embed/regions-map?level=icb", "/embed/conditions-heatmap"]
FOCUSABLE = ("a[href], button:not([disabled]), select, input:not([type=hidden]), textarea, summary, "
             "[tabindex]:not([tabindex='-1'])")


@pytest.fixture(scope="module")
def tab(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield BrowserPage(context.new_page(), server_url)
    context.close()


def _wait_for_embed(tab: BrowserPage) -> None:
    tab.page.locator("body[data-ready='true'] .main-svg").first.wait_for(timeout=BROWSER_TIMEOUT_MS)
    tab.page.wait_for_timeout(300)


@pytest.fixture(scope="module", params=PAGES + EMBEDS)
def view(request, tab):
    tab.page.set_viewport_size({"width": 1280, "height": 900})
    if request.param.startswith("/embed/"):
        tab.page.goto(tab.base_url + request.param)
        _wait_for_embed(tab)
    else:
        tab.open(request.param)
    return tab


# ---- 1.1.1: one image a chart, named by its heading and described by its summary -----------------------

def _ax_images(page) -> dict[str, list[dict]]:
    """For each chart container, the images and the text Chromium's accessibility tree exposes inside it."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        boxes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-labelledby]"})["nodeIds"]
        out = {}
        for i, node in enumerate(boxes):
            label = cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
            key = dict(zip(label[::2], label[1::2]))["data-labelledby"]
            found = cdp.send("Accessibility.queryAXTree", {"nodeId": node})["nodes"]
            exposed = [n for n in found if not n.get("ignored")]
            out[key] = [{"role": n["role"]["value"], "name": n.get("name", {}).get("value", ""),
                         "description": n.get("description", {}).get("value", "")}
                        for n in exposed if n["role"]["value"] not in ("generic", "none", "group")]
        return out
    finally:
        cdp.detach()


def test_wcag_1_each_chart_is_one_named_image_with_a_description(view):
    page = view.page
    # A folded card (a published series not loaded) hides its empty chart: no image to name, only its note.
    charts = page.evaluate("""[...document.querySelectorAll('[data-labelledby]')]
        .filter(b => b.getClientRects().length > 0).map(b => [
        b.dataset.labelledby, document.getElementById(b.dataset.labelledby).textContent.trim(),
        document.getElementById(b.dataset.describedby).textContent.trim()])""")
    if view.page.url.endswith("/about"):
        assert charts == []
        return
    assert charts, "no chart containers"
    # Chromium updates its tree after the page settles: ask again for a few seconds before judging.
    for _ in range(20):
        tree = _ax_images(page)
        images_ok = all(len([n for n in tree[key] if n["role"] == "image"]) == 1 for key, _, _ in charts)
        if images_ok:
            break
        page.wait_for_timeout(250)
    for key, title, summary in charts:
        nodes = tree[key]
        images = [n for n in nodes if n["role"] == "image"]
        assert len(images) == 1, (key, nodes[:5])
        assert images[0]["name"] == title and title
        assert images[0]["description"] == summary and summary
        # Nothing of plotly's drawing is exposed: only the image and the toolbar's named buttons.
        others = [n for n in nodes if n["role"] not in ("image", "button", "toolbar")]
        assert others == [], (key, others[:5])
        assert all(n["name"] for n in nodes if n["role"] == "button"), key


# ---- 1.4.3: text contrast, measured against what is drawn under the text ---------------------------------

TEXT_ITEMS = """() => {
    const items = [];
    const add = (el, rect, colour, text) => {
        const style = getComputedStyle(el);
        const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
        if (rect.width < 2 || rect.height < 2 || style.visibility === 'hidden') return;
        if (el.closest('.visually-hidden, .skip-link, option, [aria-hidden="true"] .hoverlayer')) return;
        items.push({text: text.slice(0, 40), colour, opacity: parseFloat(style.opacity) || 1,
                    large: size >= 24 || (size >= 18.66 && bold),
                    x: rect.left + scrollX, y: rect.top + scrollY, w: rect.width, h: rect.height});
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!el || el.closest('svg, script, style, noscript, textarea') || !node.textContent.trim()) continue;
        const range = document.createRange(); range.selectNodeContents(node);
        for (const rect of range.getClientRects()) add(el, rect, getComputedStyle(el).color, node.textContent.trim());
    }
    document.querySelectorAll('svg.main-svg text').forEach(el => {
        if (!el.textContent.trim()) return;
        const style = getComputedStyle(el);
        const fill = style.fill;
        if (!fill.startsWith('rgb') || parseFloat(style.fillOpacity) === 0) return;
        add(el, el.getBoundingClientRect(), fill, el.textContent.trim());
    });
    return items;
}"""
HIDE_TEXT = ("* { color: transparent !important; -webkit-text-fill-color: transparent !important; "
             "text-shadow: none !important; caret-color: transparent !important; } "
             "svg text { visibility: hidden !important; }")


def _rgb(css: str) -> tuple[tuple[int, int, int], float]:
    parts = [float(p) for p in css[css.index("(") + 1:-1].replace("/", ",").split(",")]
    return tuple(round(v) for v in parts[:3]), (parts[3] if len(parts) > 3 else 1.0)


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(c):02X}" for c in rgb)


def test_wcag_2_text_contrast_against_what_is_drawn_under_it(view):
    page = view.page
    page.evaluate("window.scrollTo(0, 0)")
    items = page.evaluate(TEXT_ITEMS)
    assert items
    handle = page.add_style_tag(content=HIDE_TEXT)
    page.wait_for_timeout(100)
    shot = np.asarray(Image.open(io.BytesIO(page.screenshot(full_page=True, animations="disabled"))).convert("RGB"))
    handle.evaluate("el => el.remove()")
    failures = []
    for item in items:
        box = (int(item["x"]), int(item["y"]), int(item["x"] + item["w"]), int(item["y"] + item["h"]))
        box = (max(0, box[0]), max(0, box[1]), min(shot.shape[1], box[2]), min(shot.shape[0], box[3]))
        if box[2] - box[0] < 1 or box[3] - box[1] < 1:
            continue
        under = tuple(float(v) for v in np.median(shot[box[1]:box[3], box[0]:box[2]].reshape(-1, 3), axis=0))
        colour, alpha = _rgb(item["colour"])
        alpha *= item["opacity"]
        drawn = tuple(alpha * c + (1 - alpha) * u for c, u in zip(colour, under, strict=True))
        ratio = contrast(_hex(drawn), _hex(under))
        if ratio < (3.0 if item["large"] else 4.5):
            failures.append(f"{item['text']!r}: {ratio:.2f}:1 ({_hex(drawn)} on {_hex(under)})")
    assert failures == [], failures[:12]


# ---- 2.1.1 / 2.4.7 / 1.4.11: every control reached with Tab, with a focus indicator of 3:1 ----------------

def _kind(page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        return e.tagName + '.' + (e.getAttribute('type') || '') + '.' + [...e.classList].sort().join('.'); }""")


def _focus_change(page, index: int) -> tuple[int, int]:
    """Pixels around control ``index`` that change by at least 3:1 when it takes focus, and its perimeter."""
    rect = page.evaluate("""i => { const e = document.querySelector(`[data-kb="${i}"]`);
        e.scrollIntoView({block: 'center', behavior: 'instant'}); e.focus({preventScroll: true}); const r = e.getBoundingClientRect();
        return [r.left, r.top, r.width, r.height]; }""", index)
    pad, size = 10, page.viewport_size
    x0, y0 = max(0, rect[0] - pad), max(0, rect[1] - pad)
    x1, y1 = min(size["width"], rect[0] + rect[2] + pad), min(size["height"], rect[1] + rect[3] + pad)
    clip = {"x": x0, "y": y0, "width": max(1, x1 - x0), "height": max(1, y1 - y0)}
    focused = Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled"))).convert("RGB")
    page.evaluate("document.activeElement.blur()")
    plain = Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled"))).convert("RGB")
    a, b = (np.asarray(image, dtype=float).reshape(-1, 3) for image in (focused, plain))
    differ = (a != b).any(axis=1)
    changed = sum(1 for x, y in zip(a[differ], b[differ], strict=True) if contrast(_hex(x), _hex(y)) >= 3)
    # The part of the control on screen (a long table is taller than the window).
    visible_w = min(size["width"], rect[0] + rect[2]) - max(0, rect[0])
    visible_h = min(size["height"], rect[1] + rect[3]) - max(0, rect[1])
    return changed, int(2 * (visible_w + visible_h))


def test_wcag_3_every_control_reached_by_tab_with_a_visible_focus_indicator(view):
    page = view.page
    page.set_viewport_size({"width": 1280, "height": 900})
    controls = page.evaluate(f"""() => {{
        const all = [...document.querySelectorAll("{FOCUSABLE}")].filter(e => {{
            const r = e.getBoundingClientRect(), s = getComputedStyle(e);
            const closed = e.closest('details:not([open])');
            return s.visibility !== 'hidden' && s.display !== 'none' && (r.width > 0 || e.matches('.skip-link'))
                && (!closed || e.matches('details:not([open]) > summary'));
        }});
        all.forEach((e, i) => e.setAttribute('data-kb', i));
        // A radio group is one stop for Tab (arrows move within it).
        return all.map(e => e.type === 'radio' && e.name ? 'radio:' + e.name : String(e.dataset.kb));
    }}""")
    assert controls
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    reached, kinds, strays = set(), {}, []
    for _ in range(len(controls) + 10):
        page.keyboard.press("Tab")
        index = page.evaluate("document.activeElement.getAttribute('data-kb')")
        if index is None:  # the document itself, or something the list above missed
            strays.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
            continue
        key = controls[int(index)]
        if key in reached:
            break
        reached.add(key)
        kinds.setdefault(_kind(page), int(index))
    missed = page.evaluate("keys => keys.map(k => document.querySelector(`[data-kb='${k}']`)?.outerHTML.slice(0, 90))",
                           sorted(k for k in set(controls) - reached if not k.startswith("radio:")))
    assert set(controls) - reached == set(), (missed[:6], strays[:6])
    weak = []
    for kind, index in kinds.items():
        if "skip-link" in kind:
            continue  # off screen until focused: the whole link appears
        changed, perimeter = _focus_change(page, index)
        if changed < perimeter:
            weak.append(f"{kind}: {changed} pixels change 3:1, perimeter {perimeter}")
    assert weak == []
    assert view.errors == []


# ---- 1.4.10 reflow: nothing sideways at 320 px, no text outside its box at 320 and 1280 px --------------

OUTSIDE = """() => {
    const out = [], width = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll('body *')) {
        if (el.closest('svg, .table-responsive, .visually-hidden, .skip-link, option, script, style, select')) continue;
        if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0) continue;
        if (r.right > width + 1 || r.left < -1) out.push(el.tagName + ': ' + el.textContent.trim().slice(0, 40));
    }
    for (const svg of document.querySelectorAll('svg.main-svg')) {
        const box = svg.getBoundingClientRect();
        for (const t of svg.querySelectorAll('text')) {
            const r = t.getBoundingClientRect();
            if (r.width === 0 || !t.textContent.trim()) continue;
            if (r.left < box.left - 2 || r.right > box.right + 2 || r.top < box.top - 2 || r.bottom > box.bottom + 2)
                out.push('svg text: ' + t.textContent.trim().slice(0, 40));
        }
    }
    return out;
}"""


def test_wcag_4_reflow_at_320_and_1280_px(view):
    page = view.page
    assert page.evaluate(OUTSIDE) == [], "at 1280 px"
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_timeout(1500)  # plotly redraws to the new width
    sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    outside = page.evaluate(OUTSIDE)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(800)
    assert sideways <= 0
    assert outside == [], "at 320 px"


# ---- single checks: operation by keyboard, status messages, focus on page change ---------------------------

@pytest.fixture()
def fresh(browser, server_url):
    from tests.conftest import browser_context

    with browser_context(browser, server_url) as wrapped:
        yield wrapped


def test_wcag_5_sort_copy_and_table_work_from_the_keyboard(fresh):
    page = fresh.open("/regions")
    league = page.locator("#card-regions-league")
    order = "document.querySelector('#card-regions-league .js-plotly-plot').layout.yaxis.categoryarray.join('|')"
    page.wait_for_function("() => document.querySelector('#card-regions-league .js-plotly-plot')?.layout?.meta", polling=POLL_MS)
    before = page.evaluate(order)
    league.locator("button.chart-sort", has_text="Sort by name").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => {order} !== {before!r}", polling=POLL_MS)
    names = page.evaluate(order).split("|")[::-1]  # top of the chart first
    assert names == sorted(names, key=lambda n: n.replace("<b>", "").lower())
    assert league.locator("button.chart-sort[aria-pressed='true']").inner_text().endswith("Sort by name")
    # The table opens with Enter on its summary; the embed code is copied with a real button and says so.
    league.locator("summary.chart-table-toggle").focus()
    page.keyboard.press("Enter")
    table = league.locator(".chart-table[open] table")
    table.wait_for()
    headers = table.locator("thead th").all_inner_texts()
    assert headers[0] == "Area" and "Rate (%)" in headers and "Chosen area" in headers
    assert table.locator("tbody th[scope=row]").count() == 9
    assert set(table.locator("tbody td").all_inner_texts()) & {"Yes", "No"}
    league.locator("summary.chart-embed-summary").focus()
    page.keyboard.press("Enter")
    league.locator("button.chart-embed-copy").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#card-regions-league .chart-embed-status').textContent", polling=POLL_MS)
    assert "copied" in league.locator(".chart-embed-status").inner_text() or \
        "selected" in league.locator(".chart-embed-status").inner_text()
    assert fresh.errors == []


LIVE = """() => [...document.querySelectorAll(
    '[aria-live]:not([aria-live="off"]), [role=status], [role=alert], [role=log]')].map(e => e.textContent.trim())"""


def test_wcag_6_one_short_status_message_per_filter_change(fresh):
    page = fresh.open("/")
    assert page.locator("[role=alert]").count() == 0  # the demo banner is a note, not an alert
    before = page.evaluate(LIVE)
    page.select_option("select[id*='\"geo\"']", "E12000007")
    page.wait_for_function("() => document.getElementById('page-status').textContent.includes('London')", polling=POLL_MS)
    fresh.wait_for_charts()
    after = page.evaluate(LIVE)
    changed = [text for old, text in zip(before, after, strict=True) if old != text]
    assert len(before) == len(after) and len(changed) == 1, changed
    assert changed[0].startswith("Showing 3 charts for London") and len(changed[0]) < 160


def test_wcag_7_focus_moves_to_the_h1_and_the_title_changes_on_page_change(fresh):
    page = fresh.open("/")
    assert page.locator("a.nav-page-link[aria-current='page']").all_inner_texts() == ["Overview"]
    assert page.locator("nav").count() == 1 and page.locator("nav").get_attribute("aria-label") == "Pages"
    title = page.title()
    page.locator("a.nav-page-link", has_text="Conditions").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.tagName === 'H1'", polling=POLL_MS)
    assert page.evaluate("document.activeElement.textContent") == page.locator("main h1").inner_text()
    assert "condition" in page.locator("main h1").inner_text().lower()
    page.wait_for_function(f"() => document.title !== {title!r}", polling=POLL_MS)
    assert page.locator("a.nav-page-link[aria-current='page']").all_inner_texts() == ["Conditions"]


def test_wcag_8_no_toolbar_or_upload_and_no_controls_drawn_in_the_figure(fresh):
    page = fresh.open("/regions")
    # No plotly toolbar: its zoom did nothing on the theme's fixed axes, and "Share chart" uploads to Plotly Cloud.
    assert page.locator(".modebar-btn").count() == 0
    assert "Share chart" not in page.content()
    # The sort buttons are HTML beside the chart, so no export draws them (the figure carries only the orders).
    assert page.locator("#card-regions-league button.chart-sort").count() == 2
    assert page.locator("#card-regions-league .updatemenu-container, #card-regions-league .updatemenu-button").count() == 0


# ---- the statement: each known issue is still real (fix it, then take it off the list) ---------------------

def _points_not_focusable(page, base: str) -> bool:
    page.goto(base + "/")
    page.locator("#card-overview-trend .point").first.wait_for()
    return page.locator("#card-overview-trend .point[tabindex]").count() == 0


def _map_not_focusable(page, base: str) -> bool:
    page.goto(base + "/regions?level=icb")
    page.locator("#card-regions-map").scroll_into_view_if_needed()  # drawn when it comes into view
    page.locator("#card-regions-map .scatterlayer path").first.wait_for()
    return page.locator("#card-regions-map [tabindex]:not(.modebar-btn)").count() == 0


def _pptx_has_no_alt_text(page, base: str) -> bool:
    from pptx import Presentation

    body = page.request.get(base + "/export/briefing.pptx?charts=overview-trend", timeout=BROWSER_TIMEOUT_MS).body()
    pictures = [s for slide in Presentation(io.BytesIO(body)).slides for s in slide.shapes if s.shape_type == 13]
    # python-pptx writes the file name ("image.png") as the picture's description: no alternative text.
    return bool(pictures) and all(p._element.nvPicPr.cNvPr.get("descr", "") in ("", "image.png") for p in pictures)


def _legend_overlaps_with_text_spacing(page, base: str) -> bool:
    """WCAG's text-spacing overrides on the overview: a legend entry's text runs into the next entry's symbol.

    The accelerators card has a two-entry legend on one row. It is drawn when it comes into view, so the check
    brings it there and waits for both entries: measuring whatever happens to be drawn made this depend on timing
    (and on a machine's fonts, when it compared text with text rather than text with the next symbol)."""
    page.goto(base + "/")
    card = page.locator("#card-overview-accelerators")
    card.scroll_into_view_if_needed()
    card.locator(".legend .traces").nth(1).wait_for()
    entries = """() => [...document.querySelectorAll('#card-overview-accelerators .legend .traces')].map(g => {
        const text = g.querySelector('text.legendtext').getBoundingClientRect();
        const symbol = g.querySelector('.legendsymbols, .legendpoints').getBoundingClientRect();
        return {symbolLeft: symbol.left, textRight: text.right, top: text.top, bottom: text.bottom}; })"""

    def overlapping() -> bool:
        drawn = page.evaluate(entries)
        return any(a["top"] < b["bottom"] and b["top"] < a["bottom"] and a["textRight"] > b["symbolLeft"]
                   for a, b in itertools.pairwise(drawn))  # the next entry, on the same row, starts inside this text

    clear_before = not overlapping()
    page.add_style_tag(content="* { letter-spacing: 0.12em !important; word-spacing: 0.16em !important; "
                               "line-height: 1.5 !important; }")
    return clear_before and overlapping()


def _bands_below_3_to_1(page, base: str) -> bool:
    from dashboard import figures
    from dashboard.theme import Colour

    band = figures.band_colour(Colour.DARK_BLUE)
    (r, g, b), alpha = _rgb(band)
    drawn = tuple(alpha * c + (1 - alpha) * 255 for c in (r, g, b))
    return contrast(_hex(drawn), "#FFFFFF") < 3


ISSUE_CHECKS = {
    "chart-points-by-keyboard": _points_not_focusable,
    "map-select-by-pointer": _map_not_focusable,
    "exported-images-alt-text": _pptx_has_no_alt_text,
    "chart-text-spacing": _legend_overlaps_with_text_spacing,
    "interval-bands-contrast": _bands_below_3_to_1,
}


def test_wcag_9_statement_lists_each_known_issue_and_each_is_still_real(fresh):
    page = fresh.open("/about")
    listed = page.locator("#accessibility-issues li").evaluate_all("els => els.map(e => e.dataset.issue)")
    assert listed == [issue.id for issue in accessibility.KNOWN_ISSUES]
    assert set(ISSUE_CHECKS) == set(listed)
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" in \
        page.locator("#accessibility-status").inner_text()
    text = page.locator("main").inner_text()
    for words in ("Enforcement procedure", "Equality and Human Rights Commission",
                  "Equality Commission for Northern Ireland", "working days",
                  f"last tested on {accessibility.LAST_TESTED}"):
        assert words in text, words
    still_real = {issue: check(page, fresh.base_url) for issue, check in ISSUE_CHECKS.items()}
    assert still_real == dict.fromkeys(ISSUE_CHECKS, True), "fixed? take it off accessibility.KNOWN_ISSUES"
