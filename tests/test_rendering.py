"""The render cache (dashboard/rendering.py): what it keys on, what it hands out, and that it is honest."""
from __future__ import annotations

import dataclasses

import pytest

from dashboard import registry, rendering
from dashboard.filters import Filters

CHART = "overview-trend"


@pytest.fixture()
def counted(app):
    """registry's own builder, counting the calls that were not answered from the cache."""
    calls: list[Filters] = []

    def build(chart, filters):
        calls.append(filters)
        return registry._build(chart, filters)

    return calls, lambda filters: rendering.render(registry.get(CHART), filters, build)


@dataclasses.dataclass(frozen=True)
class ScopedFilters(Filters):
    """Filters with a field that is in no URL, not in repr and not compared by ==, as a viewer's allowed areas
    could be: the cache must still tell two of them apart."""
    scope: tuple[str, ...] = dataclasses.field(default=(), compare=False, repr=False)


def test_render_cache_1_a_repeated_view_is_not_built_again(counted):
    calls, render = counted
    first = render(Filters(geo="E54000061"))
    second = render(Filters(geo="E54000061"))
    assert len(calls) == 1
    assert second.figure_json == first.figure_json and second.summary == first.summary
    assert second.data is first.data  # the frame is shared, as the query cache shares its frames
    render(Filters(geo="E54000050"))
    assert len(calls) == 2


def test_render_cache_2_filters_differing_in_any_field_never_share_an_entry(counted):
    calls, render = counted
    a, b = ScopedFilters(geo="E54000061", scope=("E54000061",)), ScopedFilters(geo="E54000061", scope=("E54000050",))
    assert a == b and repr(a) == repr(b)  # Python itself cannot tell them apart...
    assert rendering.filters_token(a) != rendering.filters_token(b)  # ...the cache's key can
    render(a)
    render(b)
    render(a)
    assert [f.scope for f in calls] == [("E54000061",), ("E54000050",)]
    assert rendering.shared_key(CHART, a, "v1", True) != rendering.shared_key(CHART, b, "v1", True)
    # Every field, whichever it is: changing any one of them makes a different key.
    base = Filters()
    for field in dataclasses.fields(Filters):
        other = dataclasses.replace(base, **{field.name: "x" if field.type != "float | None" else 1.5})
        assert rendering.filters_token(other) != rendering.filters_token(base), field.name


def test_render_cache_3_each_caller_gets_its_own_figure(counted):
    _, render = counted
    first = render(Filters())
    first.figure.update_layout(title="changed by a caller")
    first.figure.layout.annotations = []
    again = render(Filters())
    assert again.figure is not first.figure
    assert again.figure.layout.title.text != "changed by a caller"
    assert [a for a in again.figure.layout.annotations if a.name == "source-note"]


def test_render_cache_4_a_new_data_version_is_a_new_entry(counted):
    import queries

    calls, render = counted
    render(Filters())
    queries.warehouse().clear_cache()  # as a new warehouse file does: the query results go, and the renders
    render(Filters())
    assert len(calls) == 2
    assert rendering.shared_key(CHART, Filters(), "v1", True) != rendering.shared_key(CHART, Filters(), "v2", True)


def test_render_cache_5_the_page_copy_drops_the_source_note_and_leaves_the_cache_alone(counted):
    _, render = counted
    rendered = render(Filters())
    page = rendering.page_figure(rendered)
    assert not [a for a in page["layout"].get("annotations", []) if a.get("name") == "source-note"]
    assert page["layout"]["margin"]["b"] == 64
    assert '"source-note"' in render(Filters()).figure_json  # the cached figure keeps it for exports


def test_render_cache_6_warming_renders_every_default_view_once(app):
    from dashboard.filters import Filters

    assert rendering.warm() == len(registry.charts())
    before = dict(rendering.stats)
    for chart in registry.charts():
        registry.render(chart, Filters())
    assert rendering.stats["misses"] == before["misses"]  # every default view was already there
    assert rendering.stats["hits"] == before["hits"] + len(registry.charts())


def test_render_cache_7_a_filter_the_chart_does_not_respond_to_shares_its_entry(counted):
    calls, render = counted
    chart = registry.get(CHART)
    assert "intervention" not in chart.filters and "level" not in chart.filters
    first = render(Filters(geo="E54000061"))
    second = render(Filters(geo="E54000061", intervention="workwell", level="icb"))
    assert len(calls) == 1 and second.figure_json == first.figure_json
    assert second.filters.intervention == "workwell"  # the reader's own filters travel with the answer (exports)
    render(Filters(geo="E54000061", sex="female"))  # one it responds to: a new entry
    assert len(calls) == 2
    # The viewer's scope is in no chart's URL filters: always part of the key.
    render(Filters(geo="E54000061", scope=("E54000061",)))
    assert len(calls) == 3


@pytest.mark.parametrize("seed", [3, 11])
def test_render_cache_8_every_chart_builds_the_same_whatever_the_filters_it_does_not_declare(app, seed):
    # The guard for test 7: a chart's declared filters (Chart.filters) are all it reads. For each chart and random
    # views, the view with its undeclared filters at their defaults builds the same numbers, figure and summary.
    import random

    from bench.common import random_filters

    views = random_filters(random.Random(seed), 4)
    views += [dataclasses.replace(v, areas=("E54000061", "E54000050"), roi_discount=5.0) for v in views[:1]]
    compared = 0
    for chart in registry.charts():
        for view in views:
            keyed = rendering.relevant(chart, view)
            if keyed == view:
                continue
            a, b = registry._build(chart, view), registry._build(chart, keyed)
            assert a.figure_json == b.figure_json and a.summary == b.summary, (chart.id, view.query_string())
            assert a.data.equals(b.data), (chart.id, view.query_string())
            compared += 1
    assert compared > 40


def test_render_cache_9_every_chart_is_drawn_in_the_theme(app):
    """The theme is plotly's default template (building a figure no longer validates it again each time): every
    chart's figure, subplots included, and a waiting card's placeholder still carry it, not plotly's own."""
    import json

    import plotly.io as pio

    from dashboard import figures, theme

    assert pio.templates.default == theme.TEMPLATE
    theme_layout = json.loads(pio.templates[theme.TEMPLATE].layout.to_json())
    drawn = {chart.id: json.loads(registry.render(chart, Filters()).figure_json) for chart in registry.charts()}
    drawn["placeholder"] = json.loads(pio.to_json(figures.empty("Loading...")))
    for name, figure in drawn.items():
        layout = figure["layout"]["template"]["layout"]
        assert layout["font"] == theme_layout["font"], name
        assert layout["colorway"] == list(theme.CATEGORICAL), name
        assert layout["margin"] == theme_layout["margin"], name


def test_render_cache_10_a_view_asked_for_twice_at_once_is_built_once(app):
    """Two requests for the same view that is not cached (two readers opening a page after a rebuild, a page and
    its export): the second waits for the first's build instead of doing it again; a build that fails leaves the
    view to the next asker, who builds it (and gets its own error)."""
    import threading

    from dashboard.filters import Filters

    started, release, calls = threading.Event(), threading.Event(), []

    def slow_build(chart, filters):
        calls.append(filters)
        started.set()
        release.wait(10)
        return registry._build(chart, filters)

    chart, view = registry.get(CHART), Filters(geo="E12000007", sex="female")
    rendering.clear()
    results = []
    first = threading.Thread(target=lambda: results.append(rendering.render(chart, view, slow_build)))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: results.append(rendering.render(chart, view, slow_build)))
    second.start()
    second.join(0.3)
    assert second.is_alive()  # waiting for the first build, not building
    release.set()
    first.join(10), second.join(10)
    assert len(calls) == 1 and len(results) == 2
    assert results[0].figure_json == results[1].figure_json and rendering._building == {}

    def failing(chart, filters):
        raise RuntimeError("the warehouse went away")

    other = Filters(geo="E12000001")
    with pytest.raises(RuntimeError):
        rendering.render(chart, other, failing)
    assert rendering._building == {}  # the failed build is not left marked: the next asker builds it
    assert rendering.render(chart, other, registry._build).summary
