"""Pages are declared once (registry.PAGES): the page's cards, its workbook's sheets and its slide pack all follow
the declared order of its charts."""
from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import dash
import pytest
from openpyxl import load_workbook
from pptx import Presentation

from dashboard import registry

PAGES = [p.path for p in registry.PAGES]


def _layout(path: str):
    entry = next(e for e in dash.page_registry.values() if e["path"] == path)
    return entry["layout"]()


def _card_order(component) -> list[str]:
    return [c.id.removeprefix("card-") for c in component._traverse()
            if isinstance(getattr(c, "id", None), str) and c.id.startswith("card-")]


def test_pages_1_every_chart_has_one_home_page_that_shows_it(app):
    registry.check_pages()  # raises on a chart whose page does not show it, or a page showing no such chart
    homes = {c.id: c.page for c in registry.charts()}
    assert set(homes) == {chart_id for p in registry.PAGES for chart_id in p.charts}
    assert all(c.id in registry.page(c.page).charts for c in registry.charts())
    assert len(registry.pages()) == len(registry.PAGES)  # one name (in export URLs) a page


@pytest.mark.parametrize("path", PAGES)
def test_pages_2_cards_follow_the_declared_order(app, path):
    page = registry.page(path)
    assert _card_order(_layout(path)) == list(page.charts)
    assert [c.id for c in registry.charts(path)] == list(page.charts)


@pytest.mark.parametrize("path", PAGES)
def test_pages_3_workbook_sheets_follow_the_page(app, client, path):
    page = registry.page(path)
    response = client.get(f"/export/page/{page.name}.xlsx?geo=E54000050")
    assert response.status_code == 200, response.data[:200]
    sheets = load_workbook(io.BytesIO(response.data), read_only=True).sheetnames
    assert sheets == ["Notes", *[chart_id[:31] for chart_id in page.charts], "Columns"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_4_slide_pack_follows_the_page(app, client, monkeypatch, path):
    from dashboard import components
    from dashboard.exports import images

    monkeypatch.setattr(images, "to_image", lambda *a, **k: _tiny_png())  # the order is under test, not kaleido
    with app.server.test_request_context("/_dash-update-component"):
        _, pack = (link.href for link in components.page_download_links(path, "?geo=E54000050"))
    assert parse_qs(urlparse(pack).query)["charts"] == [",".join(registry.page(path).charts)]
    response = client.get(pack)
    assert response.status_code == 200, response.data[:200]
    titles = [slide.shapes.title.text for slide in Presentation(io.BytesIO(response.data)).slides]
    assert titles == [registry.get(chart_id).title for chart_id in registry.page(path).charts]


def _tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()
