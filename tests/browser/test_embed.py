"""Embeds and the proxy-path mode in a real headless Chromium.

A second copy of the app runs in its own process (Dash keeps callbacks in module globals, so two apps
cannot share one) with ``Settings(url_prefix=..., frame_ancestors=<the intranet page's origin>)``. A
stand-in intranet page on another local port frames its embed (allowed) and the session app's embed,
whose frame-ancestors is the default ``'self'`` (refused).
"""
from __future__ import annotations

import html
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlparse

import pytest

from tests.conftest import POLL_MS, browser_context, served_app

PREFIX = "/health-and-work/"



class _IntranetPage(BaseHTTPRequestHandler):
    """``/?src=a&src=b[&script=s]``: a page that frames each ``src`` in an iframe with id f0, f1, ... (and runs
    each ``script``)."""

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        sources = query.get("src", [])
        frames = "".join(f'<iframe id="f{i}" title="embedded chart {i}" src="{html.escape(src)}" width="960" '
                         f'height="520"></iframe>' for i, src in enumerate(sources))
        # ?script=URL: the dashboard's host-page script, as an intranet editor pastes it after the iframes.
        frames += "".join(f'<script src="{html.escape(src)}" async></script>' for src in query.get("script", []))
        body = ("<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>Intranet</title></head>"
                f"<body><h1>Intranet page</h1>{frames}</body></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def intranet():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _IntranetPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def second_app(demo_db, intranet, tmp_path_factory):
    """The app under PREFIX, letting the intranet page's origin frame its embeds; its base URL."""
    with served_app(demo_db, tmp_path_factory.mktemp("second-app"), prefix=PREFIX, ancestors=intranet) as base:
        yield base


def _headers(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return dict(response.headers)


def test_embed_1_renders_in_an_iframe_of_an_allowed_origin(browser_page, second_app, intranet):
    src = f"{second_app}{PREFIX}embed/overview-trend?geo=E12000007"
    assert _headers(src)["Content-Security-Policy"].endswith(f"frame-ancestors {intranet}")
    page = browser_page.page
    page.goto(f"{intranet}/?src={quote(src, safe='')}")
    frame = page.frame_locator("#f0")
    frame.locator("body[data-ready='true'] .main-svg").first.wait_for(timeout=60_000)
    assert frame.locator("#embed-title").inner_text() == "Long-term sickness over time"
    assert "London" in frame.locator(".legend").first.text_content()
    link = frame.locator("a.open-dashboard")
    assert link.get_attribute("href") == f"{PREFIX}?geo=E12000007"
    assert "SYNTHETIC DEMO DATA" in frame.locator("footer").inner_text()
    # Sized to its iframe: the chart fills the frame's width.
    width = frame.locator("#chart .main-svg").first.evaluate("svg => svg.getBoundingClientRect().width")
    assert 900 <= width <= 960
    assert browser_page.errors == []


def test_embed_2_is_refused_in_an_iframe_of_an_origin_not_allowed(browser_page, second_app, server_url, intranet):
    refused = f"{server_url}/embed/overview-trend"  # the session app: frame-ancestors 'self'
    allowed = f"{second_app}{PREFIX}embed/overview-trend"
    headers = _headers(refused)
    assert headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")
    assert "X-Frame-Options" not in headers
    page = browser_page.page
    page.goto(f"{intranet}/?src={quote(refused, safe='')}&src={quote(allowed, safe='')}")
    # The allowed frame on the same page draws, so the refused one has had its chance to.
    page.frame_locator("#f1").locator("body[data-ready='true'] .main-svg").first.wait_for(timeout=60_000)
    blocked = page.locator("#f0").element_handle().content_frame()
    assert blocked is None or blocked.locator("#embed-title").count() == 0
    assert blocked is None or blocked.locator(".main-svg").count() == 0
    assert any("frame-ancestors" in error or "Refused to frame" in error for error in browser_page.errors)


def test_embed_3_prefix_mode_serves_the_overview_with_prefixed_links(browser, second_app):
    with browser_context(browser, second_app) as wrapped:
        page = wrapped.open(f"{PREFIX}?geo=E54000050")
        assert page.locator(".chart-card .main-svg").count() >= 2
        assert wrapped.external_requests() == []
        assert all(urlparse(url).path.startswith(PREFIX) for url in wrapped.requests), wrapped.requests
        png = page.locator("#card-overview-trend a.chart-download[data-format='png']")
        assert png.get_attribute("href") == f"{PREFIX}export/overview-trend.png?geo=E54000050"
        csv = page.locator("#card-overview-trend a.chart-download[data-format='csv']").get_attribute("href")
        response = page.request.get(second_app + csv)
        assert response.status == 200 and response.text().startswith("period,")
        page.locator("#card-overview-trend .chart-embed-summary").click()
        code = page.locator("#card-overview-trend textarea").first.input_value()
        assert f'src="{second_app}{PREFIX}embed/overview-trend?geo=E54000050"' in code
        assert wrapped.errors == []


def test_embed_4_prefix_mode_serves_every_page(browser, second_app):
    with browser_context(browser, second_app) as wrapped:
        page = wrapped.open(PREFIX)
        links = [a.get_attribute("href") for a in page.locator("a.nav-page-link").all()]
        assert len(links) >= 2 and all(link.startswith(PREFIX) for link in links), links
        for link in links:
            wrapped.open(link)
            assert page.locator("h1").count() == 1, link
        assert wrapped.errors == []


def test_embed_5_card_links_follow_a_filter_change(browser_page):
    page = browser_page.open("/")
    png = page.locator("#card-overview-trend a.chart-download[data-format='png']")
    assert png.get_attribute("href") == "/export/overview-trend.png"
    page.get_by_label("Area").select_option(label="Region: London")
    page.wait_for_function(
        """() => document.querySelector("#card-overview-trend a.chart-download[data-format='png']")
                 .getAttribute('href').includes('geo=E12000007')""", polling=POLL_MS)
    assert png.get_attribute("href") == "/export/overview-trend.png?geo=E12000007"
    assert browser_page.errors == []


def test_embed_6_the_iframe_takes_the_height_of_its_content_and_follows_it(browser_page, second_app, intranet):
    src = f"{second_app}{PREFIX}embed/regions-league?geo=E54000061&level=icb"
    script = f"{second_app}{PREFIX}embed.js"
    page = browser_page.page
    page.goto(f"{intranet}/?src={quote(src, safe='')}&script={quote(script, safe='')}")
    frame = page.frame_locator("#f0")
    frame.locator("body[data-ready='true'] .main-svg").first.wait_for(timeout=60_000)
    content = page.frames[1]
    iframe = page.locator("#f0")

    def content_height() -> int:
        return content.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")

    def follows(height: int) -> None:
        page.wait_for_function("h => Math.abs(document.getElementById('f0').clientHeight - h) <= 1",
                               arg=height, timeout=30_000, polling=POLL_MS)

    # The league of 42 ICBs is taller than the 520 pixels the page gave: the iframe grows to it, no scrolling.
    tall = content_height()
    assert tall > 700
    follows(tall)
    assert content.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")
    # Narrower, the footer's links wrap onto more lines: the iframe follows the content again.
    iframe.evaluate("f => { f.style.width = '320px'; }")
    page.wait_for_function("h => document.getElementById('f0').clientHeight > h + 10", arg=tall,
                           timeout=30_000, polling=POLL_MS)
    follows(content_height())
    # A message from anywhere but the dashboard (here the intranet page itself) is ignored.
    before = iframe.evaluate("f => f.clientHeight")
    page.evaluate("window.postMessage({type: 'health-work-embed:height', height: 123}, '*')")
    page.wait_for_timeout(300)
    assert iframe.evaluate("f => f.clientHeight") == before
    assert frame.locator("#embed-title").inner_text() == registry_title("regions-league")
    assert "SYNTHETIC DEMO DATA" in frame.locator("footer").inner_text()
    assert browser_page.errors == []


def registry_title(chart_id: str) -> str:
    from dashboard import registry

    return registry.get(chart_id).title
