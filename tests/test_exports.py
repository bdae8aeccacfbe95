"""Exports and embeds of every chart in the registry: formats, contents, bad requests, headers, disclosure."""
from __future__ import annotations

import html
import io
import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image

from dashboard import exports, figures, registry
from dashboard.filters import Filters
from dashboard.stats.disclosure import SUPPRESSED, disclose, round_count, show_count

FILTERED = "?geo=E54000050&sex=female"


@pytest.fixture(scope="module")
def chart_ids(app):
    ids = [c.id for c in registry.charts()]
    assert len(ids) >= 2
    return ids


def _expected(chart_id: str, query: str = "") -> pd.DataFrame:
    return exports.table(registry.render(chart_id, Filters.from_query(query)))


# ---- CSV and Excel for every chart ------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", FILTERED])
def test_export_1_csv_of_every_chart_has_exactly_its_data_rows(client, chart_ids, query):
    for chart_id in chart_ids:
        response = client.get(f"/export/{chart_id}.csv{query}")
        assert response.status_code == 200, (chart_id, response.data[:200])
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="{chart_id}.csv"' in response.headers["Content-Disposition"]
        expected = _expected(chart_id, query)
        frame = pd.read_csv(io.BytesIO(response.data))
        if expected.empty:  # no data for this selection: its header (or "note") and one row saying why
            assert list(frame.columns) == ([str(c) for c in expected.columns] or ["note"]), chart_id
            assert len(frame) == 1 and str(frame.iloc[0, 0]).startswith("No data: "), chart_id
            continue
        assert len(frame) == len(expected), chart_id
        assert list(frame.columns) == [str(c) for c in expected.columns], chart_id


def test_export_2_excel_of_every_chart_opens_with_a_header_sheet_and_the_data(client, chart_ids):
    for chart_id in chart_ids:
        response = client.get(f"/export/{chart_id}.xlsx{FILTERED}")
        assert response.status_code == 200, (chart_id, response.data[:200])
        book = load_workbook(io.BytesIO(response.data))
        assert book.sheetnames == ["About", "Data", "Columns"]
        # Machine-friendly headers on the data, and a reader's words for each one beside them.
        data_columns = [c.value for c in book["Data"][1] if c.value is not None]  # an empty table has none
        meanings = {row[1]: row[2] for row in book["Columns"].iter_rows(min_row=2, values_only=True)}
        assert list(meanings) == data_columns and all(meanings.values()), chart_id
        about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
        chart = registry.get(chart_id)
        assert about["Title"] == chart.title
        assert about["Source"] == chart.source
        assert about["Filters"] == Filters.from_query(FILTERED).describe()
        assert "North East and North Cumbria" in about["Filters"] and "women" in about["Filters"]
        assert "Accessed on" in about["Accessed"] and "Disclosure control" in about["Notes"]
        if chart.synthetic:
            assert "synthetic demo data" in about["Warning"]
        else:  # published figures loaded from files are never labelled synthetic
            assert "Warning" not in about
        expected = _expected(chart_id, FILTERED)
        assert book["Data"].max_row - 1 == len(expected), chart_id


def test_export_3_csv_numbers_equal_the_registry_data(client):
    response = client.get("/export/overview-trend.csv?geo=E12000007")
    frame = pd.read_csv(io.BytesIO(response.data))
    expected = _expected("overview-trend", "?geo=E12000007")
    assert "period_start" not in frame.columns  # a plotting position derived from "period"
    np.testing.assert_allclose(frame["rate"], expected["rate"])
    np.testing.assert_allclose(frame["people"].fillna(-1), expected["people"].fillna(-1))
    # London's counts are disclosure-controlled (multiples of 5), England's are not.
    london = frame[frame["area_code"] == "E12000007"]["people"].dropna()
    assert len(london) > 0 and (london % 5 == 0).all()


def test_export_4_page_workbook_has_a_notes_sheet_and_a_sheet_a_chart(client):
    charts = registry.charts("/")
    response = client.get("/export/page/overview.xlsx?geo=E54000054")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Notes", *[c.id[:31] for c in charts], "Columns"]
    columns = list(book["Columns"].iter_rows(min_row=2, values_only=True))
    assert ("overview-trend", "rate", "Rate (%)") in columns
    notes = "\n".join(str(v) for row in book["Notes"].iter_rows(values_only=True) for v in row if v)
    for chart in charts:
        assert chart.title in notes and chart.source in notes
        assert book[chart.id[:31]].max_row - 1 == len(_expected(chart.id, "?geo=E54000054"))
    assert "West Yorkshire" in notes


# ---- images and the slide pack (few: kaleido takes a second or two an image on this machine) -----------

@pytest.mark.parametrize("chart_id", ["overview-trend", "overview-accelerators"])
def test_export_5_png_is_at_least_1200_wide(client, chart_id):
    response = client.get(f"/export/{chart_id}.png?geo=E54000061")
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == "image/png"
    width, height = Image.open(io.BytesIO(response.data)).size
    assert width >= 1200 and height >= 600


@pytest.mark.parametrize("chart_id", ["overview-trend", "overview-accelerators"])
def test_export_6_svg_carries_title_filters_source_date_and_demo_label(client, chart_id):
    chart = registry.get(chart_id)
    response = client.get(f"/export/{chart_id}.svg?geo=E54000061&age=50-64")
    assert response.status_code == 200, response.data[:200]
    markup = response.data.decode()
    assert markup.lstrip().startswith("<svg")
    # The text as drawn: wrapped lines are separate <tspan>s, so join them with spaces.
    svg = " ".join(html.unescape(t).strip() for t in re.findall(r">([^<]+)<", markup) if t.strip())
    assert chart.title in svg
    assert chart.source in svg
    assert "South Yorkshire" in svg and "aged 50-64" in svg
    assert "Data to Apr-Jun 2026" in svg
    assert "Accessed on" in svg
    assert "SYNTHETIC DEMO DATA" in svg


def test_export_7_slide_pack_has_one_slide_a_chart_with_title_and_source(client):
    from pptx import Presentation

    ids = ["overview-trend", "overview-accelerators"]
    response = client.get(f"/export/briefing.pptx?charts={','.join(ids)}&sex=male")
    assert response.status_code == 200, response.data[:200]
    deck = Presentation(io.BytesIO(response.data))
    assert len(deck.slides) == len(ids)
    for slide, chart_id in zip(deck.slides, ids, strict=True):
        chart = registry.get(chart_id)
        texts = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert slide.shapes.title.text == chart.title
        assert f"Source: {chart.source}" in texts and "men" in texts
        assert any(shape.shape_type == 13 for shape in slide.shapes)  # a picture


# ---- bad requests ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/export/no-such-chart.csv", "/export/no-such-chart.png", "/embed/no-such-chart",
                                  "/export/briefing.pptx?charts=overview-trend,no-such-chart"])
def test_export_8_unknown_chart_is_a_404_with_one_line(client, path):
    response = client.get(path)
    assert response.status_code == 404
    text = response.data.decode()
    assert "no-such-chart" in text and text.count("\n") == 1 and "Traceback" not in text


@pytest.mark.parametrize("path", ["/export/overview-trend.csv", "/export/overview-trend.png",
                                  "/embed/overview-trend", "/export/page/overview.xlsx"])
def test_export_9_bad_filter_is_a_400_naming_the_parameter_and_what_it_accepts(client, path):
    response = client.get(path + "?geo=E54000050&sex=unknown&from=1999Q1")
    assert response.status_code == 400
    text = response.data.decode()
    assert text.count("\n") == 1 and "Traceback" not in text
    assert "sex: 'unknown' is not a known sex; use female, male or all" in text
    assert "from: " in text and "2019Q1" in text


def test_export_10_other_bad_requests_say_what_to_do(client):
    assert client.get("/export/overview-trend.gif").status_code == 404
    assert "use one of png, svg, csv, xlsx" in client.get("/export/overview-trend.gif").data.decode()
    response = client.get("/export/briefing.pptx")
    assert response.status_code == 400 and "charts" in response.data.decode()
    response = client.get("/export/page/no-such-page.xlsx")
    assert response.status_code == 404 and "overview" in response.data.decode()


# ---- embed page and headers ------------------------------------------------------------------------------

def test_embed_1_serves_the_chart_alone_with_its_links(client):
    response = client.get("/embed/overview-trend?geo=E12000007&sex=female")
    assert response.status_code == 200
    page = response.data.decode()
    assert "<nav" not in page and "site-nav" not in page
    assert 'src="/assets/vendor/plotly-custom.min.js' in page and "cdn" not in page.lower()
    assert 'href="/?geo=E12000007&amp;sex=female"' in page  # open in dashboard, same view
    assert "Open in dashboard" in page and "SYNTHETIC DEMO DATA" in page
    assert f"Source: {registry.get('overview-trend').source}" in page
    assert "/export/overview-trend.png?geo=E12000007&amp;sex=female" in page
    assert "</script" not in page.split('id="embed-figure">')[1].split("</script>")[0]
    assert client.get("/assets/vendor/plotly-custom.min.js").status_code == 200


def test_embed_1b_the_vendored_plotly_bundle_is_the_version_the_plotly_package_pins():
    """assets/vendor holds plotly.js built by scripts/plotly-bundle from npm's plotly.js; upgrading plotly means
    pinning the new version there (package.json and its lock) and building again (the recipe's README)."""
    import json
    import re
    from pathlib import Path

    import plotly

    root = Path(__file__).parents[1]
    full = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()[:400]
    ours = (root / "assets" / "vendor" / "plotly-custom.min.js").read_text()[:600]
    pinned = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", full).group(1)
    header = re.search(r"plotly\.js \(custom: scatter, bar, heatmap - minified\) v(\d+\.\d+\.\d+)", ours)
    assert header.group(1) == pinned
    assert f"Built from npm's plotly.js@{pinned} with esbuild" in ours
    recipe = root / "scripts" / "plotly-bundle"
    assert json.loads((recipe / "package.json").read_text())["dependencies"]["plotly.js"] == pinned
    lock = json.loads((recipe / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/plotly.js"]["version"] == pinned


def test_embed_2_frame_ancestors_from_settings_on_embeds_only(client, app):
    settings = app.server.config["DASHBOARD_SETTINGS"]
    embed = client.get("/embed/overview-trend")
    assert f"frame-ancestors {settings.frame_ancestors}" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    for path in ("/healthz", "/api/charts", "/export/overview-trend.csv", "/export/no-such-chart.csv"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN", path
        assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'"), path


def test_embed_3_snippet_is_an_iframe_of_the_view_and_notes_allow_downloads():
    snippet = exports.embed_snippet("https://dash.example/hw/embed/overview-trend?geo=E12000007", "A chart")
    assert '<iframe src="https://dash.example/hw/embed/overview-trend?geo=E12000007"' in snippet
    assert 'title="A chart"' in snippet
    assert "allow-downloads" in snippet and "allow-scripts" in snippet


# ---- chart card links follow the page filters -------------------------------------------------------------

def _hrefs(children) -> dict[str, str]:
    return {c.className.split()[0] + ":" + c.to_plotly_json()["props"].get("data-format", ""): c.href
            for c in children if getattr(c, "href", None)}


def test_card_1_download_links_and_embed_code_follow_the_page_filters(app, monkeypatch):
    import dataclasses

    from dashboard import components

    settings = app.server.config["DASHBOARD_SETTINGS"]
    monkeypatch.setitem(app.server.config, "DASHBOARD_SETTINGS",
                        dataclasses.replace(settings, public_url="http://intranet.example"))
    with app.server.test_request_context("/_dash-update-component", base_url="http://attacker.example"):
        _, _, children, *_ = components.update_chart("?sex=female&geo=E12000007", {"type": "chart-graph",
                                                                             "chart": "overview-trend"})
    hrefs = _hrefs(children)
    assert hrefs["chart-download:png"] == "/export/overview-trend.png?geo=E12000007&sex=female"
    assert hrefs["chart-download:xlsx"] == "/export/overview-trend.xlsx?geo=E12000007&sex=female"
    assert set(hrefs) == {f"chart-download:{f}" for f in ("png", "svg", "csv", "xlsx")} | {"chart-profile-link:"}
    assert hrefs["chart-profile-link:"] == "/profile?geo=E12000007"  # the area's profile, without other filters
    details = children[-1]
    code = details.children[2].value
    assert 'src="http://intranet.example/embed/overview-trend?geo=E12000007&amp;sex=female"' in code
    assert "allow-downloads" in code


def test_card_2_page_links_build_the_workbook_and_slide_pack_of_that_page(app, client):
    from dashboard import components

    with app.server.test_request_context("/_dash-update-component"):
        links = components.update_page_downloads("?geo=E54000050", {"type": "page-downloads", "page": "/"})
    workbook, pack = (link.href for link in links)
    assert workbook == "/export/page/overview.xlsx?geo=E54000050"
    query = parse_qs(urlparse(pack).query)
    assert query["charts"] == [",".join(c.id for c in registry.charts("/"))]
    assert query["geo"] == ["E54000050"]
    assert client.get(workbook).status_code == 200


# ---- disclosure control at its boundaries (0, 1, 7, 8, 12, 13) ------------------------------------------

def test_disclosure_1_boundaries_sub_national():
    counts = [0, 1, 7, 8, 12, 13]
    got = round_count(counts)
    assert got[0] == 0
    assert np.isnan(got[1]) and np.isnan(got[2])
    assert list(got[3:]) == [10, 10, 15]
    assert [show_count(v) for v in got] == ["0", SUPPRESSED, SUPPRESSED, "10", "10", "15"]


def test_disclosure_2_national_counts_are_unrounded_and_masks_apply_per_row():
    assert list(round_count([0, 1, 7, 8, 12, 13], national=True)) == [0, 1, 7, 8, 12, 13]
    frame = pd.DataFrame({"people": [7, 7, 13], "national": [True, False, False]})
    out = disclose(frame, ["people"], national=frame["national"])
    assert out["people"].iloc[0] == 7 and np.isnan(out["people"].iloc[1]) and out["people"].iloc[2] == 15
    assert frame["people"].tolist() == [7, 7, 13]  # the input is not changed


def test_export_11_footer_is_wrapped_and_names_crown_copyright_only_for_real_data(app):
    from datetime import date

    rendered = registry.render("overview-trend", Filters())
    real = exports.Context(url="https://dash.example/hw/?geo=E12000007", accessed=date(2026, 3, 5),
                           meta={"built_at": "2026-03-01T09:00:00+00:00"}, demo=False)
    demo = exports.Context(url=real.url, accessed=real.accessed, meta=real.meta, demo=True)
    assert exports.accessed_line(real).startswith("© Crown copyright 2026. Accessed on 5 March 2026 from https://")
    assert "Crown copyright" not in exports.accessed_line(demo)
    lines = exports.footer_lines(rendered, real)
    assert all(len(html.unescape(line)) <= exports.FOOTER_WRAP for line in lines)
    assert "Data to Apr-Jun 2026; warehouse built 1 March 2026" in lines
    assert not any("SYNTHETIC" in line for line in lines)
    assert exports.footer_lines(rendered, demo)[0] == f"<b>{figures.DEMO_NOTE}</b>"
    fig = exports.image_figure(rendered, demo)
    assert fig.layout.height >= exports.IMAGE_HEIGHT
    assert [a.name for a in fig.layout.annotations].count("source-note") == 0


def test_empty_chart_csv_keeps_its_header_and_says_why(client):
    # No Fingertips export is loaded in the demo warehouse: the chart is empty but its CSV is not a blank file.
    lines = client.get("/export/regions-fingertips.csv").data.decode().splitlines()
    assert lines[0].startswith("code,name,short_name,indicator_id")
    assert len(lines) == 2 and "No data: No OHID Fingertips export is loaded" in lines[1]
    lines = client.get("/export/regions-spc.csv?from=2026Q2&to=2026Q2").data.decode().splitlines()
    assert lines[0] == "note" and lines[1].strip('"').startswith("No data: No data for this selection")
