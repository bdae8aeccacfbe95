"""The render cache: a chart's finished result (the numbers behind it, its figure as plotly JSON and its text
summary), so a view asked for again costs a lookup, not the statistics and the figure again.

The query cache (``queries``) keeps DuckDB's answers; a repeated request still paid for the statistics built on
them (event study, survival curves, SPC limits) and the figure (plotly validates every property it is given),
which was most of its time. Here the whole result is kept by

    (chart id, every field of the Filters value, data version, warehouse generation)

in two tiers, as the query cache: a small LRU in the process and, when ``DASHBOARD_CACHE_URL`` is set, the shared
Redis cache (``queries/shared.py``: signed Arrow bytes, data only, with its circuit breaker). The figure is kept
as JSON text, never as a live ``go.Figure``: a hit hands out a new object, so no caller can change what the next
one gets, and the page callback sends the JSON without rebuilding a figure at all (``page_figure``).

The key holds the *whole* ``Filters`` value, field by field, including fields that are not in the URL, not in
``repr`` and not compared by ``==`` (``filters_token``): a field added to ``Filters`` later (the viewer's
allowed areas, say) is part of the key without anyone remembering to add it here. One exception
(``relevant``): a URL filter that some chart responds to but this chart does not (``Chart.filters``, the list
the data API reports as applied) is keyed at its default, so the regions league is built once whichever
programme the reader has chosen on another page. tests/test_rendering.py checks, chart by chart, that such a
filter changes nothing in what is built.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

import plotly.io as pio

import queries
from queries import shared

if TYPE_CHECKING:
    from dashboard.filters import Filters
    from dashboard.registry import Chart, Rendered

log = logging.getLogger(__name__)

SIZE = 512  # entries in the process; a figure's JSON is 2-300 KB (the map's boundaries), most under 20 KB
SHARED_PREFIX = "render:"
_FIGURE, _SUMMARY, _DEMO = "dashboard.figure", "dashboard.summary", "dashboard.demo"

_cache: OrderedDict = OrderedDict()
_building: dict[tuple, threading.Event] = {}  # views being built now, for other threads asking for the same
_lock = threading.Lock()
BUILD_WAIT_SECONDS = 60
stats = {"hits": 0, "shared_hits": 0, "misses": 0, "waited": 0}


def _stable(value):
    """A value with a repr that is the same in every process (sets sorted), for the shared key."""
    if isinstance(value, (set, frozenset)):
        return tuple(sorted((_stable(v) for v in value), key=repr))
    if isinstance(value, (list, tuple)):
        return tuple(_stable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _stable(v)) for k, v in value.items()))
    return value


def filters_token(filters: Filters) -> tuple:
    """Every field of ``filters`` by name, whatever its ``repr``/``compare`` flags: two Filters values that
    differ in any field, even one that never appears in a URL, never share a cache entry."""
    return tuple((f.name, _stable(getattr(filters, f.name))) for f in dataclasses.fields(filters))


def _url_name(field: str) -> str:
    from dashboard.filters import Filters

    return Filters._URL.get(field, field)


def relevant(chart: Chart, filters: Filters) -> Filters:
    """``filters`` with every URL filter that the chart does not respond to, and some other chart does, at its
    default: the value the render cache keys on. Fields no chart declares (the viewer's scope, any field added
    later) are always kept."""
    unused = {f.name: f.default for f in dataclasses.fields(filters)
              if f.default is not dataclasses.MISSING and _url_name(f.name) in _declared()
              and _url_name(f.name) not in chart.filters and getattr(filters, f.name) != f.default}
    return dataclasses.replace(filters, **unused) if unused else filters


@functools.cache
def _declared() -> frozenset[str]:
    """Every URL filter some chart responds to."""
    from dashboard import registry

    return frozenset(name for c in registry.charts() for name in c.filters)


def shared_key(chart_id: str, filters: Filters, version: str, demo: bool) -> str:
    digest = hashlib.sha256(repr(filters_token(filters)).encode()).hexdigest()[:40]
    return f"{SHARED_PREFIX}{chart_id}:{version}:{int(demo)}:{digest}"


def clear() -> None:
    with _lock:
        _cache.clear()


def render(chart: Chart, filters: Filters, build: Callable[[Chart, Filters], Rendered]) -> Rendered:
    """``build(chart, filters)`` through the cache: the cached result when there is one, else built and kept."""
    from dashboard.registry import Rendered, shows_demo_data

    wh = queries.warehouse()
    # The demo label follows from the warehouse (its meta, so its version), the chart and its rows: no part of
    # the key, kept in the entry.
    version, demo = wh.version, shows_demo_data(chart)  # WarehouseUnavailable here, as from the chart's query
    keyed = relevant(chart, filters)
    key = (chart.id, filters_token(keyed), version, id(wh), wh.generation)
    with _lock:
        entry = _cache.get(key)
        if entry is not None:
            _cache.move_to_end(key)
            stats["hits"] += 1
    if entry is None and wh.shared is not None:
        entry = _shared_get(wh.shared, shared_key(chart.id, keyed, version, demo))
        if entry is not None:
            stats["shared_hits"] += 1
            _put(key, entry)
    owner = False
    if entry is None:  # another thread may be building this view (two readers, a page and its export): wait
        entry, owner = _claim(key)
    if entry is not None:
        data, figure_json, summary, demo = entry
        return Rendered(chart, filters, data, figure_json, summary, demo)
    try:
        stats["misses"] += 1
        rendered = build(chart, filters)
        entry = (rendered.data, rendered.figure_json, rendered.summary, rendered.demo)
        _put(key, entry)
    finally:
        if owner:
            with _lock:
                _building.pop(key).set()
    if wh.shared is not None:
        payload = shared.frame_bytes(rendered.data, {_FIGURE: rendered.figure_json, _SUMMARY: rendered.summary,
                                                     _DEMO: str(int(rendered.demo))})
        if payload is not None:  # a frame Arrow cannot hold stays in this process only
            wh.shared.set_bytes(shared_key(chart.id, keyed, version, demo), payload)
    return rendered


def _claim(key) -> tuple[tuple | None, bool]:
    """(entry, False) when the cache has the view, or another thread was building it and has it now; (None, True)
    when this thread is to build it (marked as being built, for others asking meanwhile); (None, False) when the
    other thread took too long (build it here, unmarked). A build that failed leaves it to the next asker."""
    with _lock:
        entry = _cache.get(key)
        if entry is not None:
            return entry, False
        building = _building.get(key)
        if building is None:
            _building[key] = threading.Event()
            return None, True
    if not building.wait(timeout=BUILD_WAIT_SECONDS):
        return None, False
    stats["waited"] += 1
    return _claim(key)


def _put(key, entry) -> None:
    with _lock:
        _cache[key] = entry
        while len(_cache) > SIZE:
            _cache.popitem(last=False)


def _shared_get(cache: shared.SharedCache, key: str):
    payload = cache.get_bytes(key)
    if payload is None:
        return None
    try:
        meta = shared.read_metadata(payload)
        return shared.read_frame(payload), meta[_FIGURE], meta[_SUMMARY], meta[_DEMO] == "1"
    except (KeyError, ValueError, TypeError, OSError) as error:  # pyarrow's errors are OSError/ValueError kinds
        log.warning("render cache: entry %s could not be read (%s); rendering afresh", key, error)
        return None


def figure_json(figure) -> str:
    """The finished figure as plotly JSON (what Dash would send), without validating it again."""
    return pio.to_json(figure, validate=False)


def page_figure(rendered: Rendered) -> dict:
    """The figure as a page shows it, as the JSON dict Dash sends (no ``go.Figure`` built on a cache hit): the
    source note is text under the chart there (it wraps to any width, where the figure's one-line note was cut
    off at 1280 px), so the figure's copy comes out. Exports draw their own provenance block under the image."""
    figure = json.loads(rendered.figure_json)
    layout = figure.setdefault("layout", {})
    annotations = layout.get("annotations") or []
    kept = [a for a in annotations if a.get("name") != "source-note"]
    if len(kept) != len(annotations):
        layout["annotations"] = kept
        layout.setdefault("margin", {})["b"] = 64
    return figure


def warm() -> int:
    """Render every chart's default view (what every page opens on, and what most readers see) into the cache,
    so a worker's first readers wait for a lookup, not for the statistics; with a shared cache, one worker's
    work serves all. Run in a background thread when a gunicorn worker starts (gunicorn.conf.py). Returns the
    number of charts rendered; a chart that fails is logged and skipped (its readers get the error as usual)."""
    from dashboard import registry
    from dashboard.filters import Filters

    try:
        queries.warehouse().meta  # noqa: B018  reading it opens the warehouse, or finds there is none
    except queries.WarehouseUnavailable as error:
        log.warning("render cache not warmed: %s", error)
        return 0
    done = 0
    for chart in registry.charts():
        try:
            registry.render(chart, Filters())
            done += 1
        except Exception:  # warming is an optimisation: never take a worker down
            log.exception("render cache: warming %s failed", chart.id)
    return done
