"""``python -m bench.browser``: time first loads and filter changes of every page in a real headless browser.

Target: a filter change on any page renders all of its charts in under 1 second at the 95th percentile at
5,000,000 participants; a page's first load renders them in under 2 seconds.

1. Build (or reuse) the warehouse for ``--participants`` in bench/out/ (``bench.build``).
2. Serve the app as production does, ``gunicorn -w 2 app:server``, on a free loopback port with
   ``DASHBOARD_DB`` set, and wait for ``/healthz``.
3. Drive Debian's Chromium (/usr/bin/chromium, never a downloaded browser) with Playwright. An init script in
   every page records, against the page's own clock (``performance.now()``, zero at navigation start):
   every ``/_dash-update-component`` request (sent; answered, when its JSON is parsed just before Dash applies
   it; bytes; which chart's figure it carries)
   through a ``window.fetch`` wrapper; every chart drawn, from dcc.Graph's ``dash-graph--pending`` class
   (added before ``Plotly.react``, removed when it has drawn) through a MutationObserver; and a
   ``requestAnimationFrame`` after each of those events.
   - First load: a fresh browser context for every load (nothing cached), from navigation start to the
     frame after the last event once every chart has drawn the figure of its latest response (or, for the
     charts at the top of the page, the figure its layout brought: no callback), no callback is in flight
     and the page passes the same "all drawn" check as the browser tests (``BrowserPage.wait_for_charts``: no
     ``[data-dash-is-loading=true]``, a ``.main-svg`` in every ``.chart-graph``, every ``.chart-summary``
     filled). Charts below the fold are drawn when they come into view (assets/lazy.js), so as soon as the
     page's heading is there the bench brings each card into view in turn (``SCROLL_THROUGH``): every chart
     is asked for at once, the worst case for "all drawn" and for the bytes. The first load of a page is its default view; the
     others open a link with a new filter combination.
   - Readers: as many first loads again (the default view, then combinations not asked for before), each in a
     fresh context with no scrolling, timed from navigation start to the first real figure drawn: "first chart
     visible". The loads above scroll through every card as soon as the heading is there, which is right for
     "all drawn" but has every chart's request and draw compete with the first chart's.
   - Filter changes: on one page, ``--changes`` times, choose a value in one of the page's filter
     ``<select>`` elements with Playwright (``get_by_label(...).select_option(...)``, as a user does), each
     to a combination not seen before in the run (values read from the DOM), so the server's result cache
     does not answer the filters as a whole (charts that ignore the changed filter may still be answered
     from it, as they would for a user). Timed from the select's ``input`` event to the frame after the
     last event, once every chart on the page has drawn the figure its new callback returned and no
     callback is in flight.
4. Write bench/out/browser.json; ``browser_section(result)`` turns it into Markdown for bench/REPORT.md.

The server is fresh for every run (its in-process result cache empty); each page is loaded once with a
warm-up combination first, so the workers' first-request costs (imports, opening the warehouse) are not
charged to the first measured load.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench import build
from bench.common import CHROMIUM, VIEWPORT, free_port, gunicorn, launch_chromium, pct, stop, verdict, wait_for

ROOT = Path(__file__).resolve().parent.parent
OUT_JSON = build.OUT / "browser.json"
SERVER_LOG = build.OUT / "browser_gunicorn.log"
PAGES = ("/", "/regions", "/conditions", "/interventions", "/accelerators")
# Issue 15's targets: first chart visible, all charts drawn (p95 of first loads), a filter change (p95), and
# what crosses the wire for a first page and a later page (compressed; the browser's cache holds the bundles).
TARGET_FIRST_CHART_MS, TARGET_FIRST_LOAD_MS, TARGET_CHANGE_P95_MS = 500.0, 1000.0, 600.0
TARGET_FIRST_PAGE_KB, TARGET_LATER_PAGE_KB = 800.0, 150.0
TIMEOUT_MS = 90_000
POLL_MS = 20  # how often a wait checks the page; never on animation frames, which a headless page can stop

# Installed before any of the page's scripts run (``context.add_init_script``).
INSTRUMENT = r"""
(() => {
  if (window.__bench) { return; }
  const B = window.__bench = {reqs: [], draws: [], paints: [], inflight: 0, inputs: [], plotly: null};
  const frameAfter = (ev) => requestAnimationFrame(() => { ev.frame = performance.now(); });
  // A chart on screen: Plotly.react has drawn a figure into a chart's div and the browser has produced the frame
  // after it (FIRST_PAINTED says which figures count). Plotly draws these trace types synchronously; its promise
  // and dcc.Graph's "pending" class follow later, and the class comes back with every resize.
  const painted = (react) => function(gd, ...args) {
    const out = react.call(this, gd, ...args);
    const figure = args.length === 1 ? args[0] : {data: args[0]};
    const ev = {gd, traces: figure && Array.isArray(figure.data) ? figure.data.length : 0, t: performance.now(),
                frame: null};
    B.paints.push(ev);
    requestAnimationFrame(() => { ev.frame = performance.now(); ev.chart = chartOf(gd); });
    return out;
  };
  let plotly;  // when plotly.js has run and set window.Plotly
  Object.defineProperty(window, 'Plotly', {configurable: true, enumerable: true, get: () => plotly,
    set: (v) => {
      plotly = v;
      if (B.plotly === null) { B.plotly = performance.now(); }
      if (v && typeof v.react === 'function' && !v.react.__bench) {
        v.react = painted(v.react);
        v.react.__bench = true;
      }
    }});
  const chartsOf = (body) => {
    const out = [];
    const walk = (o) => {
      if (Array.isArray(o)) { o.forEach(walk); return; }
      if (o && typeof o === 'object' && o.id && typeof o.id === 'object' && o.id.type === 'chart-graph'
          && o.property === 'figure') { out.push(o.id.chart); }
    };
    walk(body && body.outputs);
    return out;
  };
  const origFetch = window.fetch.bind(window);
  window.fetch = function(input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || '';
    if (!url.includes('_dash-update-component')) { return origFetch(input, init); }
    let body = null;
    try { body = JSON.parse(init && init.body); } catch (e) { /* not JSON */ }
    const rec = {start: performance.now(), end: null, frame: null, status: null, bytes: 0,
                 charts: chartsOf(body), output: body && body.output ? String(body.output).slice(0, 120) : null};
    B.reqs.push(rec);
    B.inflight++;
    const done = () => { if (rec.end === null) { rec.end = performance.now(); B.inflight--; frameAfter(rec); } };
    return origFetch(input, init).then((resp) => {
      rec.status = resp.status;
      if (resp.status !== 200) { done(); return resp; }
      // The answer counts as received when its JSON is parsed, just before Dash applies it (its own
      // continuation is chained after this one); the clone only counts the bytes.
      resp.clone().arrayBuffer().then((buf) => { rec.bytes = buf.byteLength; }, () => {});
      const json = resp.json.bind(resp);
      resp.json = () => json().then((data) => { done(); return data; }, (err) => { done(); throw err; });
      return resp;
    }, (err) => { rec.status = 'failed'; done(); throw err; });
  };
  const chartOf = (el) => {
    const graph = el.closest && el.closest('.chart-graph');
    if (!graph || !graph.id) { return null; }
    try { return JSON.parse(graph.id).chart; } catch (e) { return null; }
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      const was = (m.oldValue || '').split(/\s+/).includes('dash-graph--pending');
      const is = m.target.classList.contains('dash-graph--pending');
      if (was && !is) {
        const chart = chartOf(m.target);
        if (chart) { const ev = {chart, t: performance.now(), frame: null}; B.draws.push(ev); frameAfter(ev); }
      }
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['class'], attributeOldValue: true});
  document.addEventListener('input', (e) => {
    if (e.target && e.target.tagName === 'SELECT') { B.inputs.push(performance.now()); }
  }, true);
})();
"""

# Done since ``t0`` for ``charts``: every chart has an answer to a callback started after t0 and has drawn
# after its latest answer, or, on a first load (``initial``), was drawn from the page's layout (a card without
# ``data-lazy``: its figure came with the layout, no callback) after t0; no callback in flight; the browser tests'
# "all drawn" check passes; the frame after the last event has run.
DONE = r"""
([t0, charts, initial]) => {
  const B = window.__bench;
  if (!B || B.inflight > 0) { return false; }
  const dom = [...document.querySelectorAll('.chart-graph')];
  if (dom.length < charts.length) { return false; }
  if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
  if (document.querySelector('.dash-graph--pending')) { return false; }
  if (!dom.every(g => g.querySelector('.main-svg'))) { return false; }
  if (![...document.querySelectorAll('.chart-summary')].every(s => s.textContent.trim().length > 0)) { return false; }
  for (const c of charts) {
    const answers = B.reqs.filter(r => r.start >= t0 && r.charts.includes(c));
    if (!answers.length) {
      const card = document.getElementById('card-' + c);
      if (!initial || !card || card.hasAttribute('data-lazy')) { return false; }
      if (!B.draws.some(d => d.chart === c && d.t >= t0 && d.frame !== null)) { return false; }
      continue;  // drawn from the layout
    }
    if (answers.some(r => r.end === null)) { return false; }
    const last = answers.reduce((a, r) => (r.end > a.end ? r : a));
    if (last.status !== 200) { continue; }  // a failed callback draws nothing: reported, not waited for
    if (!B.draws.some(d => d.chart === c && d.t >= last.end && d.frame !== null)) { return false; }
  }
  return B.reqs.filter(r => r.start >= t0).every(r => r.frame !== null);
}
"""

# A reader scrolling straight down the page: each chart card in turn brought into view, two frames apart (so the
# page's IntersectionObserver sees each), then back to the top. Charts drawn on coming into view
# (assets/lazy.js) are asked for at once, the worst case for "all charts drawn".
SCROLL_THROUGH = r"""
async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (const card of document.querySelectorAll('.chart-card')) { card.scrollIntoView({block: 'center', behavior: 'instant'}); await frame(); }
  window.scrollTo({top: 0, behavior: 'instant'});
}
"""

# What happened since t0: the end (frame after the last event) and, per chart, its callback and its draw (a chart
# drawn from the layout has no callback: ``status`` "layout", its request fields null).
SUMMARY = r"""
([t0, charts]) => {
  const B = window.__bench;
  const reqs = B.reqs.filter(r => r.start >= t0);
  const perChart = {};
  let lastChartFrame = t0;
  for (const c of charts) {
    const answers = reqs.filter(r => r.charts.includes(c));
    const last = answers.reduce((a, r) => (a === null || r.end > a.end ? r : a), null);
    const card = document.getElementById('card-' + c);
    const said = card ? (card.querySelector('.chart-summary') || {}).textContent || '' : '';
    const noData = /no data for this selection/i.test(said);
    if (last === null) {  // drawn from the layout
      const draw = B.draws.find(d => d.chart === c && d.t >= t0) || {t: t0, frame: t0};
      perChart[c] = {request_ms: null, started_ms: null, answered_ms: null, drawn_ms: draw.t - t0, draw_ms: null,
                     kb: 0, status: 'layout', no_data: noData};
      lastChartFrame = Math.max(lastChartFrame, draw.frame);
      continue;
    }
    const draws = B.draws.filter(d => d.chart === c && d.t >= last.end);
    const draw = draws.length ? draws[draws.length - 1] : {t: last.end, frame: last.frame};  // failed: no draw
    perChart[c] = {request_ms: last.end - last.start, started_ms: last.start - t0, answered_ms: last.end - t0,
                   drawn_ms: draw.t - t0, draw_ms: draw.t - last.end, kb: last.bytes / 1024, status: last.status,
                   no_data: noData};
    lastChartFrame = Math.max(lastChartFrame, draw.frame);
  }
  const lastFrame = Math.max(lastChartFrame, ...reqs.map(r => r.frame));
  return {ms: lastFrame - t0, charts_ms: lastChartFrame - t0, callbacks: reqs.length,
          chart_callbacks: reqs.filter(r => r.charts.length).length,
          kb: reqs.reduce((a, r) => a + r.bytes, 0) / 1024,
          statuses: reqs.map(r => r.status).filter(s => s !== 200 && s !== 204), per_chart: perChart};
}
"""

# Where a first load's time went: the HTML, the static files, plotly.js (fetched, then run), the page's content
# (the answer to the first callback, Dash's page router: the page with the charts at its top drawn), the first
# chart callback (a card below asking for its chart).
LOAD_TIMES = r"""
() => {
  const n = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const plotly = res.filter(r => /plotly/.test(r.name)).map(r => r.responseEnd);
  const chartReqs = window.__bench.reqs.filter(r => r.charts.length);
  const router = window.__bench.reqs.reduce((a, r) => (a === null || r.start < a.start ? r : a), null);
  // Over the wire: compressed bodies plus headers; 0 for what the browser's cache answered.
  const wire = [n, ...res].reduce((a, r) => a + (r.transferSize || 0), 0) / 1024;
  const bundles = res.filter(r => /_dash-component-suites|\/assets\/|_vendor/.test(r.name));
  return {html_ms: n.responseEnd, dom_content_loaded_ms: n.domContentLoadedEventEnd, load_ms: n.loadEventEnd,
          transfer_kb: wire, decoded_kb: [n, ...res].reduce((a, r) => a + (r.decodedBodySize || 0), 0) / 1024,
          bundles_cached: bundles.filter(r => r.transferSize === 0).length, bundles: bundles.length,
          static_kb: res.filter(r => !r.name.includes('_dash-update-component'))
                        .reduce((a, r) => a + (r.encodedBodySize || 0), 0) / 1024,
          plotly_fetched_ms: plotly.length ? Math.max(...plotly) : null, plotly_ready_ms: window.__bench.plotly,
          first_chart_callback_ms: chartReqs.length ? Math.min(...chartReqs.map(r => r.start)) : null,
          content_asked_ms: router ? router.start : null, content_ms: router ? router.end : null};
}
"""

FILTERS_IN_DOM = r"""
() => [...document.querySelectorAll('.filter-bar select')].map(s => {
  const label = document.querySelector('label[for="' + CSS.escape(s.id) + '"]');
  return {name: JSON.parse(s.id).name, label: label ? label.textContent.trim() : null, value: s.value,
          options: [...s.options].filter(o => o.value !== '' && !o.disabled && !o.hidden).map(o => o.value)};
})
"""

FILTER_QUERY = {"geo": "geo", "from": "from", "to": "to", "condition": "condition", "intervention": "intervention",
                "age": "age", "sex": "sex"}


# ---- the server -------------------------------------------------------------------------------------

def start_server(db: Path, port: int, log) -> subprocess.Popen:
    return gunicorn(db, port, workers=2, stdout=log)[0]  # the in-process cache only, as a single host serves


def server_worker_class() -> str:
    """The worker class gunicorn reported in its log ("Using worker: gthread")."""
    import re

    found = re.search(r"Using worker: (\S+)", SERVER_LOG.read_text()) if SERVER_LOG.is_file() else None
    return found.group(1) if found else "unknown"


# ---- the browser ------------------------------------------------------------------------------------

class Console:
    """Console errors and warnings, page errors, failed requests and HTTP errors of one page."""

    def __init__(self, page, where: str, into: list[str]):
        self.where, self.into = where, into
        page.on("console", lambda m: m.type in ("error", "warning") and self.add(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.add(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.add(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.add(f"HTTP {r.status}: {r.url}"))

    def add(self, text: str) -> None:
        self.into.append(f"{self.where}: {text[:400]}")


def new_context(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(INSTRUMENT)
    return context


def wait_done(page, t0: float, charts: list[str], initial: bool = False) -> dict:
    # Polled on a timer (tests/test_browser_waits.py says why); the times come from the page's own records.
    page.wait_for_function(DONE, arg=[t0, charts, initial], polling=POLL_MS, timeout=TIMEOUT_MS)
    return page.evaluate(SUMMARY, [t0, charts])


def scroll_through(page) -> None:
    page.evaluate(SCROLL_THROUGH)


def _load(page, url: str, charts: list[str]) -> dict:
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector("main h1")
    scroll_through(page)
    summary = wait_done(page, 0.0, charts, initial=True)
    summary["wall_ms"] = (time.perf_counter() - started) * 1000
    summary.update(page.evaluate(LOAD_TIMES))
    # First chart visible: the first frame with a chart's figure drawn on screen (``FIRST_PAINTED``).
    summary["first_chart_ms"] = page.evaluate(FIRST_PAINTED) or None
    if summary["first_chart_ms"] is None:
        raise RuntimeError(f"{url}: every chart was drawn, but no chart's figure was seen drawn")
    return summary


def first_load(browser, base: str, path: str, query: str, charts: list[str], errors: list[str]) -> dict:
    """One load in a fresh context (empty HTTP cache): navigation start to every chart drawn; then, in the same
    context, a full load of the next page (``later``: what the browser's cache saves on a later page)."""
    context = new_context(browser)
    try:
        page = context.new_page()
        Console(page, f"load {path}{query}", errors)
        summary = _load(page, base + path + query, charts)
        summary["query"] = query
        dom_charts = page.evaluate("() => [...document.querySelectorAll('.chart-graph')]"
                                   ".map(g => JSON.parse(g.id).chart)")
        if sorted(dom_charts) != sorted(charts):
            errors.append(f"load {path}: charts on the page {dom_charts} are not the registry's {charts}")
        later_path = PAGES[(PAGES.index(path) + 1) % len(PAGES)]
        later = _load(page, base + later_path + query, page_charts(later_path))
        summary["later"] = {"path": later_path, "ms": later["ms"], "transfer_kb": later["transfer_kb"],
                            "bundles_cached": later["bundles_cached"], "bundles": later["bundles"]}
        return summary
    finally:
        context.close()


# The first chart on screen: navigation start to the frame after plotly drew a chart's figure: one with traces,
# or a card's answer without any (a chart that says its data are not published for this choice) - not a waiting
# card's "Loading..." placeholder.
FIRST_PAINTED = r"""
() => {
  const B = window.__bench;
  if (!B) { return false; }
  const answer = (p) => {
    const card = p.chart && document.getElementById('card-' + p.chart);
    return (card && !card.hasAttribute('data-lazy'))
      || B.reqs.some(r => r.charts.includes(p.chart) && r.end !== null && r.end <= p.t);
  };
  const shown = B.paints.filter(p => p.frame !== null && (p.traces > 0 || answer(p)));
  return shown.length ? Math.min(...shown.map(p => p.frame)) : false;
}
"""


def reader_load(browser, base: str, path: str, query: str, errors: list[str]) -> float:
    """A reader opening the page and looking at it, fresh context, no scrolling: navigation start to the first
    chart on screen (``FIRST_PAINTED``: what "first chart visible" means). Timed apart from ``first_load``, whose
    scroll through every card, started as soon as the heading is there, asks for every chart at once and competes
    with the first draw for the browser's one main thread."""
    context = new_context(browser)
    try:
        page = context.new_page()
        Console(page, f"reader {path}{query}", errors)
        page.goto(base + path + query, wait_until="commit")
        return page.wait_for_function(FIRST_PAINTED, polling=POLL_MS, timeout=TIMEOUT_MS).json_value()
    finally:
        context.close()


def combo_key(state: dict[str, str]) -> tuple:
    return tuple(sorted(state.items()))


def next_change(rng: random.Random, controls: list[dict], state: dict[str, str], seen: set) -> tuple[dict, str]:
    """One control and a new value for it such that the page's filters are a combination not seen before."""
    for _ in range(10_000):
        control = rng.choice(controls)
        name = control["name"]
        value = rng.choice([v for v in control["options"] if v != state[name]])
        new = {**state, name: value}
        if "from" in new and "to" in new and new["from"] > new["to"]:
            continue  # the app keeps the last good view for from > to: not a change a user gets charts for
        if combo_key(new) not in seen:
            return control, value
    raise RuntimeError("no new filter combination left")


def random_query(rng: random.Random, controls: list[dict], seen: set) -> tuple[str, dict]:
    """A link to a page with a new combination of all of its select filters."""
    from urllib.parse import urlencode

    for _ in range(10_000):
        state = {c["name"]: rng.choice(c["options"]) for c in controls}
        if "from" in state and "to" in state and state["from"] > state["to"]:
            state["from"], state["to"] = state["to"], state["from"]
        if combo_key(state) not in seen:
            seen.add(combo_key(state))
            return "?" + urlencode({FILTER_QUERY[k]: v for k, v in state.items() if v != "all"}), state
    raise RuntimeError("no new filter combination left")


def filter_changes(browser, base: str, path: str, charts: list[str], n: int, rng: random.Random,
                   seen: set, errors: list[str]) -> tuple[list[dict], list[dict]]:
    context = new_context(browser)
    try:
        page = context.new_page()
        Console(page, f"changes {path}", errors)
        page.goto(base + path)
        page.wait_for_selector("main h1")
        scroll_through(page)
        wait_done(page, 0.0, charts, initial=True)
        controls = page.evaluate(FILTERS_IN_DOM)
        state = {c["name"]: c["value"] for c in controls}
        seen.add(combo_key(state))
        changes = []
        for _ in range(n):
            control, value = next_change(rng, controls, state, seen)
            before = page.evaluate("() => window.__bench.inputs.length")
            page.get_by_label(control["label"], exact=True).select_option(value)
            page.wait_for_function("(n) => window.__bench.inputs.length > n", arg=before, polling=POLL_MS)
            t0 = page.evaluate("(n) => window.__bench.inputs[n]", before)
            try:
                summary = wait_done(page, t0, charts)
            except Exception as error:  # noqa: BLE001 - record it and go on with the next change
                errors.append(f"changes {path}: {control['name']}={value} did not finish: {str(error)[:200]}")
                break
            state[control["name"]] = value
            seen.add(combo_key(state))
            summary.update({"filter": control["name"], "value": value})
            changes.append(summary)
        return changes, controls
    finally:
        context.close()


# ---- the run ----------------------------------------------------------------------------------------

def page_charts(path: str) -> list[str]:
    from dashboard import registry

    return [c.id for c in registry.charts(path)]


def dominant(records: list[dict]) -> dict[str, dict]:
    """Per chart: how often it was the last drawn, and its median and worst callback and draw times."""
    out: dict[str, dict] = {}
    for rec in records:
        last = max(rec["per_chart"], key=lambda c: rec["per_chart"][c]["drawn_ms"])
        for chart, x in rec["per_chart"].items():
            o = out.setdefault(chart, {"last": 0, "request_ms": [], "draw_ms": [], "kb": []})
            o["last"] += chart == last
            o["request_ms"].append(x["request_ms"])
            o["draw_ms"].append(x["draw_ms"])
            o["kb"].append(x["kb"])
    return {c: {"last_drawn": o["last"], "request_p50_ms": pct(o["request_ms"], 50),
                "request_max_ms": max(o["request_ms"]), "draw_p50_ms": pct(o["draw_ms"], 50),
                "draw_max_ms": max(o["draw_ms"]), "kb_p50": pct(o["kb"], 50)} for c, o in out.items()}


def run(participants: int, changes: int, loads: int, seed: int) -> dict:
    from playwright.sync_api import sync_playwright

    stats = build.ensure(participants)  # rebuilt if missing or built by older code (schema_version)
    db = build.db_path(participants)
    rng = random.Random(seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    build.OUT.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    load_before = os.getloadavg()
    started = time.time()
    with open(SERVER_LOG, "w") as log:
        server = start_server(db, port, log)
        try:
            health = wait_for(f"{base}/healthz", server, 120.0)
            print(f"gunicorn -w 2 on {base}: {health}", flush=True)
            with sync_playwright() as p:
                browser = launch_chromium(p)
                try:
                    pages = {}
                    for path in PAGES:  # warm-up: one load of each page with its own combination
                        charts = page_charts(path)
                        seen: set = set()
                        query, _ = random_query(rng, controls_for(browser, base, path), seen)
                        try:
                            first_load(browser, base, path, query, charts, errors)
                        except Exception as error:  # noqa: BLE001 - a warm-up that fails is reported, not fatal
                            errors.append(f"warm-up {path}{query}: {str(error)[:200]}")
                        pages[path] = {"charts": charts, "seen": seen}
                    print("warmed up", flush=True)
                    for path in PAGES:
                        charts, seen = pages[path]["charts"], pages[path]["seen"]
                        controls = controls_for(browser, base, path)
                        queries_ = [""] + [random_query(rng, controls, seen)[0] for _ in range(loads - 1)]
                        loads_out = []
                        for query in queries_:
                            try:
                                loads_out.append(first_load(browser, base, path, query, charts, errors))
                            except Exception as error:  # noqa: BLE001 - reported; the page's other loads go on
                                errors.append(f"load {path}{query} did not finish: {str(error)[:200]}")
                        if not loads_out:
                            raise SystemExit(f"no first load of {path} finished: {errors[-1]}")
                        # Readers open the default view and combinations of their own (a combination the loads
                        # above asked for would be answered from the result cache).
                        readers = []
                        for query in [""] + [random_query(rng, controls, seen)[0] for _ in range(loads - 1)]:
                            try:
                                readers.append({"query": query,
                                                "first_chart_ms": reader_load(browser, base, path, query, errors)})
                            except Exception as error:  # noqa: BLE001 - reported; the page's other loads go on
                                errors.append(f"reader {path}{query} did not finish: {str(error)[:200]}")
                        recs, controls = filter_changes(browser, base, path, charts, changes, rng, seen, errors)
                        ms = [r["ms"] for r in recs]
                        pages[path] = {
                            "charts": charts,
                            "filters": [c["name"] for c in controls],
                            "first_load_ms": loads_out[0]["ms"] if loads_out[0]["query"] == "" else None,
                            "first_load_max_ms": max(x["ms"] for x in loads_out),
                            "first_loads": loads_out,
                            "readers": readers,
                            "change_n": len(ms),
                            "change_p50_ms": pct(ms, 50),
                            "change_p95_ms": pct(ms, 95),
                            "change_max_ms": max(ms) if ms else None,
                            "changes": recs,
                            "charts_in_changes": dominant(recs),
                        }
                        print(f"{path}: first load {pages[path]['first_load_ms'] or 0:.0f} ms (max of {len(loads_out)} "
                              f"{pages[path]['first_load_max_ms']:.0f}); {len(ms)} changes p50 "
                              f"{pages[path]['change_p50_ms'] or 0:.0f} p95 {pages[path]['change_p95_ms'] or 0:.0f} "
                              f"max {pages[path]['change_max_ms'] or 0:.0f} ms", flush=True)
                finally:
                    browser.close()
        finally:
            stop(server)
    all_changes = [r["ms"] for pg in pages.values() for r in pg["changes"]]
    loads = [x for pg in pages.values() for x in pg["first_loads"]]
    readers = [x["first_chart_ms"] for pg in pages.values() for x in pg["readers"]]
    worst_page = max(PAGES, key=lambda pth: pages[pth]["first_load_max_ms"])
    result = {
        "participants": participants,
        "build": stats,
        "health": health,
        "server": f"gunicorn -w 2 app:server ({server_worker_class()} workers, gunicorn.conf.py), "
                  "in-process result cache, fresh for this run",
        "worker_class": server_worker_class(),
        "browser": CHROMIUM,
        "viewport": VIEWPORT,
        "changes_per_page": changes,
        "loads_per_page": loads,
        "seed": seed,
        "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)),
        "seconds": round(time.time() - started, 1),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "pages": {pth: {k: v for k, v in pg.items() if k != "seen"} for pth, pg in pages.items()},
        "change_n": len(all_changes),
        "change_p50_ms": pct(all_changes, 50),
        "change_p95_ms": pct(all_changes, 95),
        "change_max_ms": max(all_changes) if all_changes else None,
        "first_load_worst_ms": pages[worst_page]["first_load_max_ms"],
        "first_load_n": len(loads),
        "first_load_p95_ms": pct([x["ms"] for x in loads], 95),
        "first_chart_n": len(readers),
        "first_chart_p95_ms": pct(readers, 95),
        "first_chart_max_ms": max(readers) if readers else None,
        # the same in the loads that scroll through every card at once (the "all drawn" loads), for comparison
        "first_chart_scrolling_p95_ms": pct([x["first_chart_ms"] for x in loads], 95),
        "first_page_kb_max": max(x["transfer_kb"] for x in loads),
        "first_page_kb_p50": pct([x["transfer_kb"] for x in loads], 50),
        "later_page_kb_max": max(x["later"]["transfer_kb"] for x in loads),
        "later_page_kb_p50": pct([x["later"]["transfer_kb"] for x in loads], 50),
        "later_page_ms_p95": pct([x["later"]["ms"] for x in loads], 95),
        "first_load_worst_page": worst_page,
        "errors": errors,
    }
    OUT_JSON.write_text(json.dumps(result, indent=1))
    return result


def controls_for(browser, base: str, path: str) -> list[dict]:
    """A page's select filters and their options, read from the DOM of its default view."""
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(base + path)
        page.wait_for_selector(".filter-bar select")
        return page.evaluate(FILTERS_IN_DOM)
    finally:
        context.close()


# ---- the report -------------------------------------------------------------------------------------

def _verdict(value: float | None, target: float, unit: str = " ms") -> str:
    return verdict(value, target, unit)


def _ms(value: float | None, unit: str = " ms") -> str:
    return "—" if value is None else f"{value:,.0f}{unit}"


def _kb(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} KB"


TARGET_NAMES = (
    f"| first chart visible after opening a page (p95 of readers' first loads) <= {TARGET_FIRST_CHART_MS:.0f} ms",
    f"| all of a page's charts drawn on opening it, p95 <= {TARGET_FIRST_LOAD_MS / 1000:g} s",
    f"| a filter change redraws all of a page's charts, p95 <= {TARGET_CHANGE_P95_MS:.0f} ms",
    f"| first page over the wire <= {TARGET_FIRST_PAGE_KB:.0f} KB",
    f"| a later page over the wire <= {TARGET_LATER_PAGE_KB:.0f} KB",
)


def target_rows(result: dict | None) -> list[str]:
    """The browser rows of the report's targets table (issue 15)."""
    if result is None or "first_chart_p95_ms" not in result:
        return [f"{name} | not measured | — |" for name in TARGET_NAMES]
    r = result
    values = (
        (r["first_chart_p95_ms"], TARGET_FIRST_CHART_MS, (f"p95 {_ms(r['first_chart_p95_ms'])}, worst "
         f"{_ms(r['first_chart_max_ms'])} over {r['first_chart_n']} readers' loads (p95 "
         f"{_ms(r['first_chart_scrolling_p95_ms'])} in the loads that scroll through every card at once)"), " ms"),
        (r["first_load_p95_ms"], TARGET_FIRST_LOAD_MS, (f"p95 {_ms(r['first_load_p95_ms'])}, worst "
         f"{_ms(r['first_load_worst_ms'])} (`{r['first_load_worst_page']}`)"), " ms"),
        (r["change_p95_ms"], TARGET_CHANGE_P95_MS, f"p95 {_ms(r['change_p95_ms'])} over {r['change_n']} changes",
         " ms"),
        (r["first_page_kb_max"], TARGET_FIRST_PAGE_KB, (f"worst {_kb(r['first_page_kb_max'])}, median "
         f"{_kb(r['first_page_kb_p50'])}"), " KB"),
        (r["later_page_kb_max"], TARGET_LATER_PAGE_KB, (f"worst {_kb(r['later_page_kb_max'])}, median "
         f"{_kb(r['later_page_kb_p50'])} (a full load of the next page, same browser)"), " KB"),
    )
    return [f"{name} | {shown} | {_verdict(value, target, unit)} |"
            for name, (value, target, shown, unit) in zip(TARGET_NAMES, values, strict=True)]


def why_lines(result: dict, answers: dict[str, float] | None = None) -> list[str]:
    """Where a first load's time goes and what a filter change waits for, in this run's own numbers (medians of
    its first loads and of every chart's part in its changes): why the browser targets are met or missed.
    ``answers`` (chart id -> its whole answer alone, p50 ms at this size) adds what a change costs the machine."""
    loads = [x for pg in result["pages"].values() for x in pg["first_loads"]]
    renders = [x for pg in result["pages"].values() for c in pg["changes"] for x in c["per_chart"].values()
               if x.get("request_ms") is not None]
    counts = [len(c["per_chart"]) for pg in result["pages"].values() for c in pg["changes"]]

    def med(key: str, rows=loads) -> float | None:
        values = [x[key] for x in rows if x.get(key) is not None]
        return pct(values, 50) if values else None

    readers = [x for pg in result["pages"].values() for x in pg["readers"]]
    if not loads or med("first_chart_ms", readers) is None:
        return []
    return [
        "**Where the time goes** (medians of this run's first loads and filter changes):",
        "",
        (f"- Opening a page: the HTML is in at {_ms(med('html_ms'))} and the scripts "
         f"({_kb(med('decoded_kb'))} unpacked: plotly.js, React, Dash's renderer and components) have all run by "
         f"{_ms(med('dom_content_loaded_ms'))} (plotly.js ready at {_ms(med('plotly_ready_ms'))}), before Dash has "
         f"asked the server for anything. Dash asks for the page's content at {_ms(med('content_asked_ms'))} "
         f"and has it at {_ms(med('content_ms'))} (the page router's answer, with the charts at the top of the page "
         f"drawn in it); the first chart is on screen at {_ms(med('first_chart_ms', readers))} (readers' "
         "loads), after React has rendered the page, dcc.Graph's code has run and plotly has drawn (the cards "
         "that wait below draw their placeholders in the same task), on the browser's one main thread."),
        (f"- A filter change asks for up to {max(counts)} charts at once; a chart's answer takes "
         f"{_ms(med('request_ms', renders))} (p50, including the wait for one of 2 workers' threads on 2 cores, "
         f"against its whole answer alone in the table above) and its draw {_ms(med('draw_ms', renders))} more, "
         "one chart after another on the main thread."),
        *budget_lines(result, answers or {}, med("dom_content_loaded_ms")),
        "",
    ]


def budget_lines(result: dict, answers: dict[str, float], scripts_ms: float | None) -> list[str]:
    """The least time the browser targets could take on this machine, from the work they need: the scripts that
    run before any chart can be drawn, and a filter change's server answers and draws shared by the cores."""
    lines = []
    if scripts_ms is not None:
        lines.append(
            f"- The least the first chart could take: the scripts alone run until {_ms(scripts_ms)} (median), and "
            "a live chart needs them all (plotly.js, React, Dash's renderer) before it can be drawn, against a "
            f"target of {_ms(TARGET_FIRST_CHART_MS)}; only a chart drawn on the server and sent in the page's HTML "
            "could be on screen sooner.")
    costs = {}
    for path, pg in result["pages"].items():
        charts = pg["charts_in_changes"]
        if charts and all(c in answers for c in charts):
            server = sum(answers[c] for c in charts)
            draws = sum(x["draw_p50_ms"] for x in charts.values())
            costs[path] = (len(charts), server, draws, pg["change_p50_ms"])
    if costs:
        path, (n, server, draws, took) = max(costs.items(), key=lambda kv: kv[1][1] + kv[1][2])
        cpus = result["cpus"]
        lines.append(
            f"- The least a filter change could take: on `{path}` its {n} charts' answers need {_ms(server)} of "
            f"server CPU (each alone, p50, the table above) and their draws {_ms(draws)} of the browser's main "
            f"thread: {_ms(server + draws)} of work for {cpus} cores, so at least {_ms((server + draws) / cpus)} "
            f"even if server and browser never waited for each other (target {_ms(TARGET_CHANGE_P95_MS)} at p95); "
            f"its changes took {_ms(took)} (p50). The rest is waiting: answers that arrive together are drawn one "
            "after another, and a worker's threads share one Python interpreter.")
    return lines


def browser_section(result: dict, answers: dict[str, float] | None = None) -> list[str]:
    """Markdown lines for bench/REPORT.md from a bench/out/browser.json result (``answers``: see ``why_lines``)."""
    n, pages = result["participants"], result["pages"]
    renders = [x for pg in pages.values() for c in pg["changes"] for x in c["per_chart"].values()]
    no_data = sum(bool(x.get("no_data")) for x in renders)
    lines = [
        "## In a browser: first load and filter changes",
        "",
        (f"`python -m bench.browser --participants {n} --changes {result['changes_per_page']}`: the app served as in "
         f"production (`gunicorn -w 2 app:server`, {result.get('worker_class', 'unknown')} workers from "
         "gunicorn.conf.py, a fresh result cache) on the "
         f"{n:,}-participant warehouse, driven in Debian's headless Chromium by Playwright. A first load (fresh "
         "browser context, nothing cached) is timed from navigation start, a filter change (a new value in one "
         "of the page's selects, always making a combination not seen before) from the select's input event, "
         "both to the frame after every chart has drawn its new figure and no callback is in flight. "
         f"{no_data} of {len(renders)} chart renders in the changes were \"no data for this selection\". "
         f"Load average {result['loadavg_before'][0]:.1f} before and {result['loadavg_after'][0]:.1f} after, on "
         f"{result['cpus']} cores (the run's own server and browser keep about 3 busy); other work on the "
         "machine slows both server and browser, so rerun before reading much into a small miss."),
        "",
        "| target | measured | result |",
        "| --- | --- | --- |",
        *target_rows(result),
        "",
        *why_lines(result, answers),
    ]
    for path, pg in pages.items():
        dom = pg["charts_in_changes"]
        lines += [
            "", f"### `{path}`", "",
            (f"First load {_ms(pg['first_load_ms'])} (default view); worst of {len(pg['first_loads'])} "
             f"{_ms(pg['first_load_max_ms'])}. {pg['change_n']} filter changes: p50 {_ms(pg['change_p50_ms'])}, "
             f"p95 {_ms(pg['change_p95_ms'])}, max {_ms(pg['change_max_ms'])}."),
            "",
            "| chart | last drawn in a change | callback p50 | callback max | draw p50 | draw max | answer p50 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for chart, x in sorted(dom.items(), key=lambda kv: (-kv[1]["last_drawn"], -kv[1]["request_p50_ms"])):
            lines.append(f"| `{chart}` | {x['last_drawn']} of {pg['change_n']} | {_ms(x['request_p50_ms'])} | "
                         f"{_ms(x['request_max_ms'])} | {_ms(x['draw_p50_ms'])} | {_ms(x['draw_max_ms'])} | "
                         f"{x['kb_p50']:.0f} kB |")
    lines += [
        "",
        ("Callback: request sent to answer parsed, including any wait for a free worker thread; draw: answer to "
         "Plotly done. Where a first load's time goes (the worst load of each page, ms from navigation start):"),
        "",
        ("| page | HTML | first chart callback | plotly.js fetched | plotly.js ready | first chart drawn | "
         "last answer | all drawn | over the wire | next page over the wire |"),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for path, pg in pages.items():
        worst = max(pg["first_loads"], key=lambda x: x["ms"])
        last_answer = max((x["answered_ms"] or 0) for x in worst["per_chart"].values())
        lines.append(f"| `{path}{worst['query']}` | {_ms(worst['html_ms'], '')} | "
                     f"{_ms(worst['first_chart_callback_ms'], '')} | {_ms(worst['plotly_fetched_ms'], '')} | "
                     f"{_ms(worst['plotly_ready_ms'], '')} | {_ms(worst['first_chart_ms'], '')} | "
                     f"{_ms(last_answer, '')} | {_ms(worst['ms'], '')} | {_kb(worst['transfer_kb'])} "
                     f"({_kb(worst['decoded_kb'])} unpacked) | {_kb(worst['later']['transfer_kb'])} "
                     f"(`{worst['later']['path']}`, {worst['later']['bundles_cached']} of "
                     f"{worst['later']['bundles']} files from the cache) |")
    if result["errors"]:
        lines += ["", f"Browser console and network problems ({len(result['errors'])}):", ""]
        lines += [f"- {e}" for e in result["errors"][:20]]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=5_000_000)
    parser.add_argument("--changes", type=int, default=20, help="filter changes per page")
    parser.add_argument("--loads", type=int, default=3, help="first loads per page (the first: default view)")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", "8")))
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the server is stopped on the way out
    result = run(args.participants, args.changes, args.loads, args.seed)
    print(f"wrote {OUT_JSON}")
    print("\n".join(browser_section(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
