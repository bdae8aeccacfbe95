"""Shared fixtures: a small demo warehouse, a tiny hand-made warehouse, the app served on a real port,
and Debian's Chromium driven by Playwright for browser tests."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

import queries
from bench.common import BROWSER_TIMEOUT_MS, CHROMIUM, VIEWPORT, launch_chromium  # the benchmark's settings too

# Every ``wait_for_function`` polls on a timer, never on animation frames (Playwright's default): a headless page
# can stop producing frames, and then a frame-polled wait never runs again and never times out either (its
# timeout is the page's own timer). Seen here: a CI run hung 80 minutes in one. tests/test_browser_waits.py
# checks that every wait in the suite says how it polls.
POLL_MS = 100
from data import build
from tests import warehouses

ROOT = Path(__file__).resolve().parents[1]
TEST_PARTICIPANTS = 40_000


@pytest.fixture(autouse=True)
def _empty_render_cache():
    """Every test starts with an empty render cache: tests swap what charts read (monkeypatch) within one data
    version, which in production only a new warehouse does (and that changes the cache key)."""
    from dashboard import rendering

    rendering.clear()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo warehouse built once per run (fewer participants than the default, same generator)."""
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    build.build_demo(path, participants=TEST_PARTICIPANTS, seed=build.demo.SEED)
    return path


@pytest.fixture(scope="session")
def demo_warehouse(demo_db) -> queries.Warehouse:
    wh = queries.Warehouse(demo_db)
    queries.use(wh)
    return wh


@pytest.fixture(scope="session")
def real_files_db(tmp_path_factory) -> Path:
    """A warehouse built once per run from the real-layout published files alone (``warehouses.REAL_FILES``)."""
    return warehouses.built(tmp_path_factory.mktemp("real-files"), warehouses.REAL_FILES)


@pytest.fixture()
def real_files(real_files_db, monkeypatch) -> queries.Warehouse:
    """That warehouse as the app's for one test."""
    with warehouses.opened(real_files_db, monkeypatch) as wh:
        yield wh


@pytest.fixture()
def tiny_con() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with the real schema and reference tables and no facts: tests add rows."""
    con = duckdb.connect()
    build.create_schema(con)
    build.load_reference(con)
    yield con
    con.close()


@pytest.fixture(scope="session")
def app(demo_warehouse, demo_db):
    os.environ["DASHBOARD_DB"] = str(demo_db)
    import app as app_module
    from dashboard.settings import Settings

    return app_module.create_app(Settings.from_env())


@pytest.fixture(scope="session")
def client(app):
    return app.server.test_client()


@pytest.fixture(scope="session")
def server_url(app) -> str:
    """The app served by a real threaded WSGI server on a free loopback port."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


SERVE_APP = """
import sys
from pathlib import Path
import app
from dashboard.settings import Settings

db, port, prefix, ancestors = sys.argv[1:5]
settings = Settings(db=Path(db), port=int(port), url_prefix=prefix, frame_ancestors=ancestors)
app.create_app(settings).run(host="127.0.0.1", port=int(port), debug=False)
"""


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on just now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """End a server process started by a test: politely, then by force after ten seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def served_app(db: Path, workdir: Path, *, prefix: str = "/", ancestors: str = "'self'", ready_status: int = 200):
    """The app on warehouse ``db`` in its own process (a process serves one warehouse), on a free port, with
    ``prefix`` and CSP ``frame-ancestors``; yields its base URL once ``/healthz`` answers ``ready_status`` (503
    for a warehouse that cannot be read) and stops it afterwards."""
    port = free_port()
    log = workdir / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-c", SERVE_APP, str(db), str(port), prefix, ancestors],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}{prefix}healthz", timeout=2) as response:
                    if response.status == ready_status:
                        break
            except urllib.error.HTTPError as error:
                if error.code == ready_status:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"app on {db} did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield base
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see README) or set CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


class BrowserPage:
    """A page with its console errors and failed requests collected, so tests can assert none."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status}: {r.url}"))

    def open(self, path: str):
        self.page.goto(self.base_url + path)
        self.wait_for_charts()
        return self.page

    def wait_for_charts(self, timeout: float = BROWSER_TIMEOUT_MS):
        """Wait until Dash has no callbacks in flight and every chart on the page has drawn."""
        # The page's own layout first (every page has one h1 in main), so the check below cannot pass
        # on a page whose charts have not been laid out yet.
        self.page.wait_for_selector("main h1", timeout=timeout)
        self.page.wait_for_function(
            """() => {
                // Charts below the fold are drawn when they come into view (assets/lazy.js): as a reader scrolling
                // down, bring each waiting card into view in turn, one each time this runs.
                const scrolled = window.__testScrolled = window.__testScrolled || new Set();
                const next = [...document.querySelectorAll('.chart-card[data-lazy]')]
                    .find(c => !scrolled.has(c.dataset.lazy));
                if (next) {
                    if (window.__testScrollBack === undefined) { window.__testScrollBack = window.scrollY; }
                    scrolled.add(next.dataset.lazy);
                    next.scrollIntoView({block: 'center', behavior: 'instant'});
                    return false;
                }
                // dcc.Graph marks itself pending until Plotly has drawn the figure it was last given.
                const loading = document.querySelector('[data-dash-is-loading="true"], .dash-graph--pending');
                const graphs = [...document.querySelectorAll('.chart-graph')];
                const summaries = [...document.querySelectorAll('.chart-summary')];
                // Each chart's summary is written by the same callback as its figure: filled = drawn.
                return !loading && graphs.every(g => g.querySelector('.main-svg'))
                    && summaries.every(s => s.textContent.trim().length > 0);
            }""", timeout=timeout, polling=POLL_MS)
        # Back to where the page was (only if it was scrolled here): tests go on from the reader's place.
        self.page.evaluate("""() => { if (window.__testScrollBack !== undefined) {
            window.scrollTo({top: window.__testScrollBack, behavior: 'instant'}); delete window.__testScrollBack; } }""")
        self.page.wait_for_timeout(300)

    def external_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.base_url) and not u.startswith("data:")]


@contextmanager
def browser_context(browser, base_url: str):
    """A fresh browser context on base_url, with generous waits: the machines that run the suite are shared."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        yield BrowserPage(context.new_page(), base_url)
    finally:
        context.close()


@pytest.fixture()
def browser_page(browser, server_url):
    with browser_context(browser, server_url) as wrapped:
        yield wrapped
