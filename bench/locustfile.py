"""Locust users for ``python -m bench.load``: people reading the dashboard in a meeting, and analysts exporting.

Each simulated user does what a browser does, not just a GET of each page:

- **open a page** (a link with filters in it): the page HTML, then ``/_dash-layout`` and ``/_dash-dependencies``
  (fetched on every full page load; the fingerprinted JavaScript bundles are left out: a returning browser has
  them cached), then the Dash Pages router callback (``_pages_content``), then every callback the renderer fires
  for the new layout: each chart card's figure/summary/table callback and its share-links callback, the page's
  download links, the overview's headline tiles. Up to ``LOAD_CONNECTIONS`` (default 6, Chromium's connections
  per host) run at once, as the renderer sends them together.
- **change a filter** on the open page: the ``page-filters`` callback (every filter control's value, as the
  renderer sends a pattern-matching ``ALL`` input), then every callback fed by the new filters.
- **follow a navigation link** (in-app routing: the router callback and the page's callbacks, no page HTML).
- **export** a chart as CSV (often) or PNG (rarely: kaleido draws it, and an analyst takes few images), mostly
  the view on screen, sometimes a random chart and view (a link from an email); **embeds** ``/embed/<chart>``
  (a few published views, and random ones); ``/api/charts`` and ``/healthz``.

The callback payloads are built from the app's own ``/_dash-dependencies`` and the layout the router returns,
in the shape Dash 4.4's renderer sends them (captured from Chromium with Playwright and compared field by
field: ``output``, ``outputs``, ``inputs``, ``state``, ``changedPropIds``, ``parsedChangedPropsIds`` and the
page's signed ``endId`` in the query string).

Filters come from ``bench.common.random_filters`` (every filter, new combinations), so the results cache does not
answer everything: 70 % of page opens use a new random combination, 15 % the user's own area (a commissioner's
ICB) with random other filters, 15 % the default England view.

A failure is any non-2xx response, a connection error, a callback answer that is not JSON with a ``response``
object (including a 204 "no update": every filter change here changes the view, so the app must answer), a
chart callback whose figure is missing or that says its filters were not accepted, a page without Dash's
config, a CSV export that is not ``text/csv`` or a PNG without PNG's signature.

Environment: ``LOAD_SEED`` (default 8), ``LOAD_SAMPLES`` (write every request's name, type, milliseconds and
outcome to this JSON file when the test stops; ``bench.load`` computes its percentiles from it),
``LOAD_CONNECTIONS`` (default 6), ``LOAD_WAIT`` (seconds between a user's actions, default ``5,15``), ``LOAD_COMBOS`` (size of the random filter pool, default 4000).
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

import gevent.pool
from locust import HttpUser, between, events, task

from bench.common import random_filters
from dashboard import registry
from dashboard.filters import Filters
from data import reference

PAGES = ("/", "/regions", "/conditions", "/interventions", "/accelerators", "/about")
CHART_IDS = [c.id for c in registry.charts()]
CHARTS_BY_PAGE = {page: [c.id for c in registry.charts(page)] for page in PAGES}
ICBS = reference.icbs()["code"].tolist()
SEED = int(os.environ.get("LOAD_SEED", "8"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "6"))
# Seconds a user spends reading between actions (a page of five charts and their summaries, or a filter
# change's result): uniform between the two, "5,15" unless LOAD_WAIT says otherwise.
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "5,15").split(","))
COMBOS = random_filters(random.Random(SEED), int(os.environ.get("LOAD_COMBOS", "4000")))
# A handful of published embeds (an intranet editor's fixed views), seen by many readers.
PUBLISHED_EMBEDS = [(chart, f.query_string()) for chart, f in zip(
    random.Random(SEED + 1).sample(CHART_IDS, 8), random_filters(random.Random(SEED + 2), 8), strict=True)]
END_ID = re.compile(r'"end_id"\s*:\s*"([^"]+)"')
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_user_numbers = itertools.count()

# Every request's outcome, written to LOAD_SAMPLES when the test stops (exact percentiles, not locust's buckets).
SAMPLES: list[tuple[str, str, float, int, str | None, float]] = []
RUN = {"started": None, "stopped": None}


def kind(name: str) -> str:
    return name.split(" ", 1)[0]


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **_):
    SAMPLES.append((name, kind(name), float(response_time), int(response_length or 0),
                    None if exception is None else f"{type(exception).__name__}: {exception}"[:300], time.time()))


@events.test_start.add_listener
def _started(**_):
    RUN["started"] = time.time()


@events.test_stop.add_listener
def _stopped(**_):
    RUN["stopped"] = time.time()
    path = os.environ.get("LOAD_SAMPLES")
    if path:
        with open(path, "w") as out:
            json.dump({"started": RUN["started"], "stopped": RUN["stopped"],
                       "columns": ["name", "type", "ms", "bytes", "error", "at"], "samples": SAMPLES}, out)


# ---- a small Dash renderer: which callbacks fire, with which payload ---------------------------------------

def _parse_id(text: str):
    return json.loads(text) if text.startswith("{") else text


def _outputs(output: str) -> list[tuple[object, str]]:
    """``'..a.b...c.d..'`` (several outputs) or ``'a.b'`` -> [(id, property)]; ids may be JSON (pattern ids)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        cid, prop = part.rsplit(".", 1)
        out.append((_parse_id(cid.split("@", 1)[0]), prop))
    return out


def _is_pattern(cid) -> bool:
    return isinstance(cid, dict) and any(isinstance(v, list) for v in cid.values())


def _matches(pattern: dict, cid) -> bool:
    if not isinstance(cid, dict) or set(cid) != set(pattern):
        return False
    return all(isinstance(v, list) or cid[k] == v for k, v in pattern.items())


def _key(cid) -> str:
    return json.dumps(cid, sort_keys=True, separators=(",", ":")) if isinstance(cid, dict) else cid


class Layout:
    """The components of a page's layout in document order: id -> props."""

    def __init__(self, tree):
        self.order: list[object] = []
        self.props: dict[str, dict] = {}
        self._walk(tree)

    def _walk(self, node):
        if isinstance(node, list):
            for child in node:
                self._walk(child)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if "id" in props:
                self.order.append(props["id"])
                self.props[_key(props["id"])] = props
            self._walk(props.get("children"))

    def find(self, cid) -> list[object]:
        if _is_pattern(cid):
            return [c for c in self.order if _matches(cid, c)]
        return [cid] if _key(cid) in self.props else []

    def value(self, cid, prop):
        return self.props[_key(cid)].get(prop)


class Callback:
    def __init__(self, dep: dict):
        self.output = dep["output"]
        self.outputs = _outputs(dep["output"])
        self.inputs = [(_parse_id(i["id"]), i["property"]) for i in dep["inputs"]]
        self.state = [(_parse_id(s["id"]), s["property"]) for s in dep.get("state", [])]
        self.clientside = bool(dep.get("clientside_function"))
        self.prevent_initial_call = bool(dep.get("prevent_initial_call"))
        first = self.outputs[0][0]
        self.label = (first.get("type") if isinstance(first, dict) else first) or "callback"

    def fed_by(self, cid, prop) -> bool:
        return any(i == cid and p == prop for i, p in self.inputs)

    def requests(self, layout: Layout, changed: list[tuple[object, str]]) -> list[tuple[str, dict]]:
        """The payloads the renderer sends for this callback on ``layout`` (one per MATCH-ed component)."""
        pattern = next((cid for cid, _ in self.outputs if _is_pattern(cid)), None)
        matches = layout.find(pattern) if pattern is not None else [None]
        out = []
        for match in matches:
            def concrete(cid, m=match):
                if not _is_pattern(cid) or m is None:
                    return cid
                return {k: (m[k] if v == ["MATCH"] else v) for k, v in cid.items()}

            def spec(cid, prop, with_value: bool):
                cid = concrete(cid)
                if _is_pattern(cid):  # ALL: a list, one entry per component, in document order
                    return [{"id": c, "property": prop, **({"value": layout.value(c, prop)} if with_value else {})}
                            for c in layout.find(cid)]
                item = {"id": cid, "property": prop}
                if with_value:
                    item["value"] = cid if prop == "id" else layout.value(cid, prop)
                return item

            if not all(layout.find(concrete(cid)) for cid, _ in self.outputs):
                continue
            if not all(layout.find(concrete(cid)) for cid, _ in self.inputs):
                continue
            outputs = [spec(cid, prop, False) for cid, prop in self.outputs]
            body = {"output": self.output, "outputs": outputs if self.output.startswith("..") else outputs[0],
                    "inputs": [spec(cid, prop, True) for cid, prop in self.inputs],
                    "changedPropIds": [f"{_key(cid)}.{prop}" for cid, prop in changed],
                    "parsedChangedPropsIds": [cid for cid, _ in changed] if changed and isinstance(changed[0][0], dict)
                    else [f"{_key(cid)}.{prop}" for cid, prop in changed]}
            if self.state:
                body["state"] = [spec(cid, prop, True) for cid, prop in self.state]
            chart = match.get("chart") if isinstance(match, dict) else None
            out.append((f"{self.label}:{chart}" if chart and self.label == "chart-graph" else self.label, body))
        return out


# ---- the user ----------------------------------------------------------------------------------------------

class Reader(HttpUser):
    """A commissioner or analyst with the dashboard open in a meeting: reads, changes filters, exports."""

    wait_time = between(*WAIT)

    def on_start(self):
        number = next(_user_numbers)
        self.rng = random.Random(SEED * 1000 + number)
        self.home = self.rng.choice(ICBS)
        self.callbacks: list[Callback] | None = None
        self.page: str | None = None
        self.layout: Layout | None = None
        self.end_id = ""
        self.pool = gevent.pool.Pool(CONNECTIONS)

    # -- helpers

    def filters(self) -> Filters:
        roll = self.rng.random()
        if roll < 0.15:
            return Filters()
        f = self.rng.choice(COMBOS)
        return f.replace(geo=self.home) if roll < 0.30 else f

    def _check(self, response, ok, why):
        if not 200 <= response.status_code < 300:
            response.failure(f"HTTP {response.status_code}: {response.text[:200]!r}")
            return
        try:
            good = ok(response)
        except (ValueError, TypeError, AttributeError):  # e.g. a body that should be JSON and is not
            good = False
        if good:
            response.success()
        else:
            response.failure(why)

    def get(self, url: str, name: str, ok=lambda r: True, why=""):
        with self.client.get(url, name=name, catch_response=True) as response:
            self._check(response, ok, why)
            return response

    def callback(self, label: str, body: dict) -> dict | None:
        """POST one callback; the parsed ``response`` object, or None after recording a failure."""
        url = "/_dash-update-component" + (f"?endId={self.end_id}" if self.end_id else "")
        with self.client.post(url, json=body, name=f"callback {label}", catch_response=True,
                              headers={"Accept": "application/json"}) as response:
            if not 200 <= response.status_code < 300:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]!r}")
                return None
            try:
                answer = json.loads(response.text)["response"]
            except (ValueError, KeyError, TypeError):
                response.failure(f"callback answer is not Dash JSON (HTTP {response.status_code}): "
                                 f"{response.text[:120]!r}")
                return None
            if label.startswith("chart-graph"):
                graph = next((v for k, v in answer.items() if '"chart-graph"' in k), {})
                summary = json.dumps(next((v for k, v in answer.items() if '"chart-summary"' in k), {}))
                if "data" not in graph.get("figure", {}):
                    response.failure("chart callback without a figure")
                    return None
                if "Filters not accepted" in summary:
                    response.failure(f"chart callback refused its filters: {summary[:160]}")
                    return None
            response.success()
            return answer

    def run_callbacks(self, requests: list[tuple[str, dict]]) -> None:
        for label, body in requests:
            self.pool.spawn(self.callback, label, body)
        self.pool.join()

    def ensure_dependencies(self) -> bool:
        response = self.get("/_dash-dependencies", "page /_dash-dependencies", lambda r: isinstance(r.json(), list),
                            "dependencies are not a JSON list")
        if self.callbacks is None and response.ok:
            try:
                self.callbacks = [Callback(d) for d in response.json()]
            except ValueError:
                return False
        return self.callbacks is not None

    def route(self, path: str, search: str, changed: bool = True) -> bool:
        """The Dash Pages router callback for ``path`` + ``search``, then the callbacks of the new layout."""
        router = next(c for c in self.callbacks if "_pages_content" in c.output)
        body = {"output": router.output, "outputs": [{"id": cid, "property": prop} for cid, prop in router.outputs],
                "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                           {"id": "_pages_location", "property": "search", "value": search}],
                "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
                "parsedChangedPropsIds": ["_pages_location.pathname", "_pages_location.search"]}
        answer = self.callback("_pages_content", body)
        if answer is None:
            return False
        self.page, self.layout = path, Layout(answer["_pages_content"]["children"])
        initial = [r for cb in self.callbacks if not cb.clientside and not cb.prevent_initial_call
                   and "_pages" not in cb.output for r in cb.requests(self.layout, [])]
        self.run_callbacks(initial)
        self.scroll_through()
        return True

    def scroll_through(self) -> None:
        """The reader scrolls down the page: each card still waiting (drawn when it comes into view,
        assets/lazy.js) becomes "seen" and its callbacks are sent, as the browser sends them."""
        waiting = [c for c in self.layout.order if isinstance(c, dict) and c.get("type") == "chart-lazy"
                   and self.layout.value(c, "data") == "waiting"]
        requests = []
        for card in waiting:
            self.layout.props[_key(card)]["data"] = "seen"
            for cb in self.callbacks:
                if cb.clientside or not any(_is_pattern(i) and _matches(i, card) and p == "data" for i, p in cb.inputs):
                    continue
                requests += [(label, body) for label, body in cb.requests(self.layout, [(card, "data")])
                             if body["inputs"] and card in [i.get("id") for i in body["inputs"] if isinstance(i, dict)]]
        self.run_callbacks(requests)

    # -- tasks

    @task(8)
    def open_page(self):
        path = self.rng.choice(PAGES)
        search = self.filters().query_string()
        response = self.get(path + search, f"page {path}", lambda r: "_dash-config" in r.text,
                            "page without Dash's config")
        if not response.ok:
            return
        found = END_ID.search(response.text)
        self.end_id = found.group(1) if found else ""
        self.get("/_dash-layout", "page /_dash-layout", lambda r: "props" in r.json(), "layout is not JSON")
        if self.ensure_dependencies():
            self.route(path, search)

    @task(4)
    def follow_link(self):
        if self.callbacks is None:
            return self.open_page()
        self.route(self.rng.choice([p for p in PAGES if p != self.page]), "")

    @task(8)
    def change_filter(self):
        if self.layout is None:
            return self.open_page()
        controls = [c for c in self.layout.order if isinstance(c, dict) and c.get("type") == "filter"]
        if not controls:
            return self.follow_link()
        control = self.rng.choice(controls)
        props = self.layout.props[_key(control)]
        current = props.get("value")
        values = {c["name"]: self.layout.value(c, "value") for c in controls}
        choices = [o["value"] for o in props.get("options", []) if o["value"] != current]
        if control["name"] == "from" and values.get("to"):
            choices = [v for v in choices if v <= values["to"]]
        if control["name"] == "to" and values.get("from"):
            choices = [v for v in choices if v >= values["from"]]
        if not choices:
            return None
        props["value"] = self.rng.choice(choices)
        store = next(cb for cb in self.callbacks if cb.output == "page-filters.data")
        [(_label, body)] = store.requests(self.layout, [(control, "value")])
        answer = self.callback("page-filters", body)
        if answer is None:
            return None
        self.layout.props["page-filters"]["data"] = answer["page-filters"]["data"]
        fed = [r for cb in self.callbacks if not cb.clientside and cb.fed_by("page-filters", "data")
               for r in cb.requests(self.layout, [("page-filters", "data")])]
        self.run_callbacks(fed)
        return None

    def _export_target(self) -> tuple[str, str]:
        if self.layout is not None and self.rng.random() < 0.5 and CHARTS_BY_PAGE.get(self.page):
            return self.rng.choice(CHARTS_BY_PAGE[self.page]), self.layout.value("page-filters", "data") or ""
        return self.rng.choice(CHART_IDS), self.filters().query_string()

    @task(4)
    def export_csv(self):
        chart, query = self._export_target()
        # A selection with no rows is a valid answer (an empty file): check it is a CSV download, no more.
        self.get(f"/export/{chart}.csv{query}", "csv /export/[chart].csv",
                 lambda r: r.headers.get("Content-Type", "").startswith("text/csv") and len(r.content) > 0,
                 "not a CSV download")

    @task(1)
    def export_png(self):
        chart, query = self._export_target()
        self.get(f"/export/{chart}.png{query}", "png /export/[chart].png",
                 lambda r: r.content.startswith(PNG_SIGNATURE), "not a PNG")

    @task(3)
    def embed(self):
        if self.rng.random() < 0.5:
            chart, query = self.rng.choice(PUBLISHED_EMBEDS)
        else:
            chart, query = self.rng.choice(CHART_IDS), self.filters().query_string()
        self.get(f"/embed/{chart}{query}", "embed /embed/[chart]", lambda r: "plotly" in r.text.lower(),
                 "embed page without its chart")

    @task(1)
    def api_charts(self):
        self.get("/api/charts", "api /api/charts", lambda r: len(r.json()) == len(CHART_IDS),
                 "catalogue does not list every chart")

    @task(1)
    def healthz(self):
        self.get("/healthz", "api /healthz", lambda r: r.json().get("status") == "ok", "not ok")
