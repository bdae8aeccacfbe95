"""Hostile source files (tests/hostile.py) through every output: no live formula in any CSV, Excel sheet or
slide, no markup that plotly would draw as a link or image; negative numbers stay numbers."""
from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from openpyxl import load_workbook

import queries
from dashboard import exports, registry, safety
from dashboard.filters import Filters
from tests import hostile

PUBLISHED = ("regions-fingertips", "regions-league", "overview-uk-published", "interventions-outcomes")
LEVEL = {"regions-league": "region"}  # the fixture's Nomis file has values for regions, not ICBs


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    return hostile.build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_files_only_db(tmp_path_factory):
    return hostile.build(tmp_path_factory.mktemp("hostile-files"), with_demo=False)


def _answering_from(path):
    previous = queries.warehouse()
    queries.use(queries.Warehouse(path))
    try:
        yield
    finally:
        queries.warehouse().close()
        queries.use(previous)


@pytest.fixture()
def on_hostile(app, hostile_db):
    """The session app answering from the hostile warehouse for one test."""
    yield from _answering_from(hostile_db)


@pytest.fixture()
def on_hostile_files_only(app, hostile_files_only_db):
    """The same, built from the hostile files alone: the charts draw the published facts themselves."""
    yield from _answering_from(hostile_files_only_db)


def test_neutralise_1_owasp_prefixes_and_numbers():
    for text in ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\tx", "\rx", hostile.FORMULA):
        assert safety.neutralise(text) == "'" + text
    for value in ("-5", "-0.25", "+3", "1e-3", "plain", "", -5, -0.5, None):
        assert safety.neutralise(value) == value


def test_hostile_1_every_published_chart_exists(app):
    ids = {c.id for c in registry.charts()}
    assert set(PUBLISHED) <= ids, ids


@pytest.mark.parametrize("chart_id", PUBLISHED)
def test_hostile_2_excel_has_no_formula_cell(client, on_hostile, chart_id):
    response = client.get(f"/export/{chart_id}.xlsx?level={LEVEL.get(chart_id, 'icb')}")
    assert response.status_code == 200, response.data[:300]
    book = load_workbook(io.BytesIO(response.data))
    formulas = [(ws.title, c.coordinate, c.value) for ws in book for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    text = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v[:1] == "'" and v[1:2] in "=+-@" for v in text), chart_id  # the hostile values, as text


def test_hostile_3_page_workbook_has_no_formula_cell_and_negative_numbers_stay_numbers(client, on_hostile):
    for page in ("regions", "overview", "interventions"):
        response = client.get(f"/export/page/{page}.xlsx?level=icb")
        assert response.status_code == 200, response.data[:300]
        book = load_workbook(io.BytesIO(response.data))
        assert [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
    # A demo chart with negative numbers (the accelerators' differences) keeps them as numbers.
    response = client.get("/export/page/accelerators.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    numbers = [c.value for ws in book.worksheets[1:] for row in ws.iter_rows(min_row=2) for c in row
               if isinstance(c.value, int | float)]
    assert any(v < 0 for v in numbers)


@pytest.mark.parametrize("chart_id", PUBLISHED)
def test_hostile_4_csv_cells_never_start_like_a_formula(client, on_hostile, chart_id):
    response = client.get(f"/export/{chart_id}.csv?level={LEVEL.get(chart_id, 'icb')}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    cells = [cell for row in rows for cell in row]
    risky = [c for c in cells if c.startswith(safety.FORMULA_START) and not safety._NUMBER.fullmatch(c)]
    assert risky == []
    assert any(c[:1] == "'" and c[1:2] in "=+-@" for c in cells), chart_id


def test_hostile_5_slides_carry_no_formula_text(on_hostile, monkeypatch):
    from pptx import Presentation

    monkeypatch.setattr(exports.images, "to_image", lambda *a, **k: _tiny_png())  # the text is under test, not kaleido
    items = [registry.render(chart_id, Filters(level=LEVEL.get(chart_id, "icb"))) for chart_id in PUBLISHED]
    # No source text is on a slide today but the picture; a chart title like a formula stands in for one.
    items[0] = dataclasses.replace(items[0], chart=dataclasses.replace(items[0].chart, title=hostile.FORMULA))
    ctx = exports.Context.now("http://127.0.0.1/")
    deck = Presentation(io.BytesIO(exports.briefing_pptx(items, ctx)))
    texts = [p.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs]
    assert texts and not [t for t in texts if t.startswith(safety.FORMULA_START)]
    assert "'" + hostile.FORMULA in texts


def _tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("chart_id", PUBLISHED[:3])  # the programme outcomes put no file text in the figure
def test_hostile_6_figures_carry_no_live_markup(on_hostile, chart_id):
    figure = registry.render(chart_id, Filters(level=LEVEL.get(chart_id, "icb"))).figure
    strings = list(_strings(figure.to_plotly_json()))
    assert any("evil.example" in s for s in strings), chart_id  # the planted text is drawn, as text
    assert not [s for s in strings if "<a " in s or "<img" in s], chart_id


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _strings(value)
    elif hasattr(node, "tolist"):
        yield from _strings(node.tolist())


def test_hostile_7_the_profile_from_published_files_alone(client, on_hostile_files_only):
    """The area profile drawn from the published facts (no survey cells): the planted measure is drawn as text,
    and the file names in its exports are neutralised."""
    figure = registry.render("profile-spine", Filters(geo="E12000001")).figure  # the North East: published
    strings = list(_strings(figure.to_plotly_json()))
    assert any("evil.example" in s for s in strings)
    assert not [s for s in strings if "<a " in s or "<img" in s]
    response = client.get("/export/profile-spine.csv?geo=E12000001")
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.data.decode())) for cell in row]
    assert not [c for c in cells if c.startswith(safety.FORMULA_START) and not safety._NUMBER.fullmatch(c)]
    assert any(c.startswith("'" + hostile.NOMIS_NAME) or "'" + hostile.NOMIS_NAME in c for c in cells)
    book = load_workbook(io.BytesIO(client.get("/export/profile-spine.xlsx?geo=E12000001").data))
    assert [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
