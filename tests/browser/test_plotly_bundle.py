"""The vendored plotly.js (assets/vendor/plotly-custom.min.js, built by scripts/plotly-bundle with only the trace
types the charts use) in a real headless Chromium: it can draw every chart the registry declares, and what it
holds of plotly.js works as plotly.js's own full bundle does (its build left out documentation, nothing else)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import plotly
import pytest

from dashboard import registry
from dashboard.filters import Filters
from tests.conftest import browser_context

FULL_PLOTLY = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"  # same version (test_exports 1b)
# The parts of plotly.js's schema a bundle's build decides, with documentation (descriptions) and calendars (left
# out of the vendored bundle: no figure sets a *calendar attribute) taken away. Functions are named, not compared.
SCHEMA = """(traces) => {
    const bare = (value) => {
        if (Array.isArray(value)) { return value.map(bare); }
        if (typeof value === 'function') { return 'function'; }
        if (!value || typeof value !== 'object') { return value; }
        const out = {};
        Object.keys(value).sort().forEach((key) => {
            if (key !== 'description' && !/calendar$/.test(key)) { out[key] = bare(value[key]); }
        });
        return out;
    };
    const schema = Plotly.PlotSchema.get();
    return {
        types: Object.keys(schema.traces).sort(),
        traces: Object.fromEntries(traces.map((t) => [t, bare(schema.traces[t])])),
        layout: bare(schema.layout.layoutAttributes),
        config: bare(schema.config),
        valObjects: Object.keys(schema.defs.valObjects).sort(),
    };
}"""


def trace_types(views: list[Filters]) -> dict[str, set[str]]:
    """Each trace type the registry's charts draw for ``views`` on the demo warehouse -> the charts that use it."""
    used: dict[str, set[str]] = {}
    for chart in registry.charts():
        for view in views:
            for trace in json.loads(registry.render(chart, view).figure_json)["data"]:
                used.setdefault(trace["type"], set()).add(chart.id)
    return used


@pytest.fixture(scope="module")
def vendored(browser, server_url) -> dict:
    """The vendored bundle's schema, read on the overview page as the app serves it."""
    with browser_context(browser, server_url) as wrapped:
        wrapped.open("/")
        scripts = [url for url in wrapped.requests if "plotly" in url]
        assert any("/assets/vendor/plotly-custom.min.js" in url for url in scripts), scripts
        schema = wrapped.page.evaluate(SCHEMA, ["scatter", "bar", "heatmap"])
        assert wrapped.errors == []
        return schema


def test_plotly_bundle_1_holds_every_trace_type_the_charts_draw(app, vendored):
    from bench.common import random_filters

    views = [Filters(), Filters(geo="E54000050", sex="female"), *random_filters(random.Random(15), 3)]
    used = trace_types(views)
    assert {"scatter", "bar", "heatmap"} <= set(used)  # the figures draw all three: the check below has teeth
    missing = {t: sorted(charts) for t, charts in used.items() if t not in vendored["types"]}
    assert missing == {}, f"charts draw trace types scripts/plotly-bundle/index.js does not register: {missing}"


def test_plotly_bundle_2_a_chart_of_a_type_it_lacks_is_caught(vendored):
    # The guard for test 1: plotly.js's other trace types are not in the bundle, so a figure using one would fail.
    assert vendored["types"] == ["bar", "heatmap", "scatter"]
    assert "pie" not in vendored["types"] and "scattergl" not in vendored["types"]


def test_plotly_bundle_3_works_as_plotly_js_own_full_bundle_does(browser, vendored):
    with browser_context(browser, "about:blank") as wrapped:
        wrapped.page.set_content("<!DOCTYPE html><html><head><title>full</title></head><body></body></html>")
        wrapped.page.add_script_tag(path=str(FULL_PLOTLY))
        full = wrapped.page.evaluate(SCHEMA, ["scatter", "bar", "heatmap"])
    assert len(full["types"]) > 40  # plotly.js's every trace type
    # Every attribute of the three traces, with its type, default, range and edit type: the build's stripping of
    # documentation took nothing that plotly.js reads.
    for trace in ("scatter", "bar", "heatmap"):
        assert vendored["traces"][trace] == full["traces"][trace], trace
    # The layout: the full bundle has more (polar, geo, 3-D scenes...); what the vendored one has is the same.
    assert set(vendored["layout"]) <= set(full["layout"])
    for key, value in vendored["layout"].items():
        assert value == full["layout"][key], key
    assert vendored["config"] == full["config"]
    assert vendored["valObjects"] == full["valObjects"]
