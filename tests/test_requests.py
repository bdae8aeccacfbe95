"""Hostile or odd requests: non-ASCII digits, huge bodies and values, repeated parameters, expensive slide packs,
a full image queue, forged Host headers and a bad frame-ancestors setting."""
from __future__ import annotations

import dataclasses
import io
import json
import time

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from dashboard import exports, registry
from dashboard.filters import FilterError, Filters
from dashboard.settings import Settings


@pytest.mark.parametrize("query", ["to=201%EF%BC%99Q4", "from=201%D9%A9Q1", "from=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94Q1"])
def test_request_1_non_ascii_digits_are_a_400_on_every_chart(client, query):
    for chart in registry.charts():
        response = client.get(f"/export/{chart.id}.csv?{query}")
        assert response.status_code == 400, (chart.id, response.status_code, response.data[:200])
        assert b"not a quarter" in response.data


def test_request_2_non_ascii_digits_are_refused_by_the_filters():
    for text in ("201\uff19Q4", "201\u0669Q1", "\u0968\u0966\u0968\u0966Q1"):
        with pytest.raises(FilterError, match="not a quarter"):
            Filters.from_query({"to": text})


def test_request_3_a_huge_callback_body_is_refused_before_it_is_read(client):
    value = "E" * (5 * 1024 * 1024)
    body = json.dumps({"output": "x", "inputs": [{"id": "page-filters", "property": "data", "value": value}]})
    started = time.perf_counter()
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 413
    assert time.perf_counter() - started < 2
    assert len(response.data) < 2048


def test_request_4_messages_quote_at_most_a_little_of_a_huge_value(client):
    huge = "X" * 200_000
    for url in (f"/export/overview-trend.csv?geo={huge}", f"/export/{huge}.csv", f"/export/overview-trend.{huge}",
                f"/export/page/{huge}.xlsx", f"/embed/overview-trend?sex={huge}"):
        response = client.get(url)
        assert response.status_code in (400, 404), url[:60]
        assert len(response.data) < 1500, (url[:60], len(response.data))
        assert b"200,000 characters" in response.data


def test_request_5_repeated_parameters_the_last_wins_on_routes_and_pages(client):
    from werkzeug.datastructures import MultiDict

    from dashboard.components import parse_lenient

    twice = client.get("/export/overview-trend.csv?geo=E12000007&geo=E12000001")
    last = client.get("/export/overview-trend.csv?geo=E12000001")
    assert twice.status_code == 200 and twice.data == last.data
    assert Filters.from_query(MultiDict([("geo", "E12000007"), ("geo", "E12000001")])).geo == "E12000001"
    assert Filters.from_query("?geo=E12000007&geo=E12000001").geo == "E12000001"
    assert parse_lenient({"geo": ["E12000007", "E12000001"]})[0].geo == "E12000001"


@pytest.fixture()
def slides(monkeypatch):
    """Count the images a slide pack asks for (drawing them is kaleido's business, tested elsewhere)."""
    from tests.test_hostile import _tiny_png

    drawn = []
    monkeypatch.setattr(exports.images, "to_image", lambda fig, fmt, *a, **k: drawn.append(fmt) or _tiny_png())
    return drawn


def test_request_6_a_slide_pack_draws_each_chart_once_and_has_a_limit(client, slides):
    response = client.get("/export/briefing.pptx?charts=" + ",".join(["accelerators-event-study"] * 20))
    assert response.status_code == 200
    assert len(Presentation(io.BytesIO(response.data)).slides) == 1 and len(slides) == 1
    ids = [c.id for c in registry.charts()][:exports.MAX_BRIEFING_CHARTS + 1]
    response = client.get("/export/briefing.pptx?charts=" + ",".join(ids))
    assert response.status_code == 400
    assert f"at most {exports.MAX_BRIEFING_CHARTS} different charts" in response.data.decode()
    response = client.get("/export/briefing.pptx?charts=no-such&charts=overview-trend")  # the last wins
    assert response.status_code == 200


def test_request_7_a_full_image_queue_is_a_503_with_retry_after_and_csv_still_answers(client):
    taken = 0
    while exports.images.RENDERER._places.acquire(blocking=False):  # every place in the queue taken by other requests
        taken += 1
    try:
        assert taken == 1 + exports.IMAGE_QUEUE
        started = time.perf_counter()
        response = client.get("/export/overview-trend.png")
        assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
        assert "busy" in response.data.decode()
        assert client.get("/export/briefing.pptx?charts=overview-trend").status_code == 503
        assert client.get("/export/overview-trend.csv").status_code == 200
        assert time.perf_counter() - started < 5
    finally:
        for _ in range(taken):
            exports.images.RENDERER._places.release()


def _accessed(client, **kwargs) -> str:
    response = client.get("/export/overview-trend.xlsx", **kwargs)
    assert response.status_code == 200, response.data[:200]
    about = {row[0]: row[1] for row in load_workbook(io.BytesIO(response.data))["About"].iter_rows(values_only=True)}
    return about["Accessed"]


def test_request_8_a_forged_host_never_reaches_an_export(app, client, monkeypatch):
    assert "evil.example" not in _accessed(client, headers={"Host": "evil.example"})
    assert "from http://localhost/" in _accessed(client)  # a loopback host (a laptop) is written as it is
    settings = app.server.config["DASHBOARD_SETTINGS"]
    monkeypatch.setitem(app.server.config, "DASHBOARD_SETTINGS",
                        dataclasses.replace(settings, public_url="https://dash.example.gov.uk"))
    line = _accessed(client, headers={"Host": "evil.example"})
    assert "from https://dash.example.gov.uk/" in line and "evil.example" not in line.replace("dash.example", "")


def test_request_9_allowed_hosts_refuse_any_other_host(app, client, monkeypatch):
    settings = app.server.config["DASHBOARD_SETTINGS"]
    monkeypatch.setitem(app.server.config, "DASHBOARD_SETTINGS",
                        dataclasses.replace(settings, allowed_hosts=("dash.example.gov.uk",)))
    monkeypatch.setitem(app.server.config, "TRUSTED_HOSTS", ["dash.example.gov.uk"])
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    assert "from http://dash.example.gov.uk/" in _accessed(client, headers={"Host": "dash.example.gov.uk"})


@pytest.mark.parametrize("value, says", [
    ("'self'; script-src *", "';'"),
    ("'self', https://intranet.example", "','"),
    ("'self'\nhttps://intranet.example", "contains '.n'"),
    ("'self'  https://intranet.example", "doubled space"),
    ("https://intranet.example/'x'", "not a CSP source"),
    ("'unsafe-inline'", "not a CSP source"),
])
def test_request_10_frame_ancestors_are_checked_at_startup(value, says):
    with pytest.raises(SystemExit, match=says):
        Settings.from_env({"DASHBOARD_FRAME_ANCESTORS": value})


def test_request_11_frame_ancestors_accept_csp_sources():
    for value in ("'self'", "'none'", "https:", "'self' https://intranet.example.gov.uk http://127.0.0.1:5000",
                  "https://*.example.gov.uk:443/path/"):
        assert Settings.from_env({"DASHBOARD_FRAME_ANCESTORS": value}).frame_ancestors == value
    with pytest.raises(SystemExit, match="DASHBOARD_PUBLIC_URL"):
        Settings.from_env({"DASHBOARD_PUBLIC_URL": "https://dash.example.gov.uk/path?x=1"})


def test_request_12_csp_allows_no_inline_or_eval_script(client):
    for url in ("/", "/embed/overview-trend", "/healthz"):
        csp = client.get(url).headers["Content-Security-Policy"]
        scripts = next(d for d in csp.split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, url
        assert "'sha256-" in scripts
