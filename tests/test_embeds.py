"""oEmbed (validated against the spec's rules), the embed page's discovery link and resizing messages, the host
script, and a card's embed code with its image link for intranets that strip iframes."""
from __future__ import annotations

import html
import re
from urllib.parse import quote

import jsonschema
import pytest

from dashboard import components, exports, registry

BASE = "http://localhost/"
# The oEmbed 1.0 spec (https://oembed.com/, section 2.3.4) as a JSON Schema: the fields every response has, those a
# "rich" response needs, and the thumbnail's three fields together or not at all.
OEMBED_SCHEMA = {
    "type": "object",
    "required": ["type", "version", "html", "width", "height"],
    "properties": {
        "type": {"const": "rich"}, "version": {"const": "1.0"}, "html": {"type": "string", "minLength": 1},
        "width": {"type": "integer", "minimum": 1}, "height": {"type": "integer", "minimum": 1},
        "title": {"type": "string"}, "author_name": {"type": "string"}, "author_url": {"type": "string"},
        "provider_name": {"type": "string"}, "provider_url": {"type": "string"},
        "cache_age": {"type": "integer", "minimum": 0}, "thumbnail_url": {"type": "string"},
        "thumbnail_width": {"type": "integer"}, "thumbnail_height": {"type": "integer"},
    },
    "dependentRequired": {"thumbnail_url": ["thumbnail_width", "thumbnail_height"],
                          "thumbnail_width": ["thumbnail_url", "thumbnail_height"],
                          "thumbnail_height": ["thumbnail_url", "thumbnail_width"]},
}


def _oembed(client, url: str, **params):
    query = "&".join([f"url={quote(url, safe='')}", *(f"{k}={v}" for k, v in params.items())])
    return client.get(f"/oembed?{query}")


def _iframe_src(markup: str) -> str:
    return html.unescape(re.search(r'<iframe src="([^"]+)"', markup)[1])


@pytest.mark.parametrize(("url", "chart_id", "query"), [
    (f"{BASE}embed/regions-league?geo=E54000061&level=icb", "regions-league", "?geo=E54000061&level=icb"),
    (f"{BASE}conditions?sex=female", None, "?sex=female"),  # a page: its first chart
    (f"{BASE}?geo=E12000007#card-overview-accelerators", "overview-accelerators", "?geo=E12000007"),
])
def test_oembed_1_a_dashboard_link_becomes_a_rich_embed_of_its_view(client, url, chart_id, query):
    chart_id = chart_id or registry.charts("/conditions")[0].id
    response = _oembed(client, url, format="json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    answer = response.get_json()
    jsonschema.validate(answer, OEMBED_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert answer["provider_name"] and answer["provider_url"] == BASE
    assert answer["title"] == registry.get(chart_id).title
    assert _iframe_src(answer["html"]) == f"{BASE}embed/{chart_id}{query}"
    assert f'width="{answer["width"]}" height="{answer["height"]}"' in answer["html"]
    assert 'title="' in answer["html"] and f'<script src="{BASE}embed.js" async></script>' in answer["html"]
    assert answer["thumbnail_url"] == f"{BASE}export/{chart_id}.png{query}"
    assert answer["thumbnail_width"] == exports.IMAGE_WIDTH


def test_oembed_2_keeps_to_maxwidth_and_maxheight(client):
    answer = _oembed(client, f"{BASE}embed/overview-trend", maxwidth=400, maxheight=300).get_json()
    jsonschema.validate(answer, OEMBED_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert answer["width"] <= 400 and answer["height"] <= 300
    assert "thumbnail_url" not in answer  # the 1200-pixel PNG would not fit
    assert "embed.js" not in answer["html"]  # resizing would break the maximum height
    roomy = _oembed(client, f"{BASE}embed/overview-trend", maxwidth=2000).get_json()
    assert roomy["width"] <= 2000 and roomy["thumbnail_width"] <= 2000


@pytest.mark.parametrize(("params", "status", "parameter"), [
    ({"url": "https://elsewhere.example/embed/overview-trend"}, 404, "url"),
    ({"url": f"{BASE}embed/no-such-chart"}, 404, "url"),
    ({"url": f"{BASE}about"}, 404, "url"),
    ({"url": f"{BASE}embed/overview-trend?geo=nowhere"}, 404, "url"),
    ({"url": f"{BASE}embed/overview-trend", "format": "xml"}, 501, "format"),
    ({"url": f"{BASE}embed/overview-trend", "maxwidth": "wide"}, 400, "maxwidth"),
    ({}, 400, "url"),
    ({"url": "http://[::1"}, 404, "url"),
    ({"url": f"{BASE}embed/overview-trend", "maxheight": "\uff11"}, 400, "maxheight"),  # a full-width digit
])
def test_oembed_3_refuses_what_it_cannot_embed(client, params, status, parameter):
    response = client.get("/oembed", query_string=params)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["parameter"] == parameter


def test_oembed_4_the_embed_page_carries_its_discovery_link(client):
    page = client.get("/embed/overview-trend?geo=E54000050").data.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert link, page[:600]
    href = html.unescape(link[1]).removeprefix("http://localhost")
    answer = client.get(href).get_json()
    assert _iframe_src(answer["html"]) == f"{BASE}embed/overview-trend?geo=E54000050"
    # The embed reports its height to its parent, and the demo label stays.
    assert 'type: "health-work-embed:height"' in page and "SYNTHETIC DEMO DATA" in page


def test_embed_js_sets_heights_only_for_messages_from_its_own_origin(client):
    response = client.get("/embed.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    script = response.data.decode()
    assert "event.origin !== origin" in script and "contentWindow === source" in script
    assert "health-work-embed:height" in script


def _public_url(app, monkeypatch, url: str | None):
    import dataclasses

    settings = app.server.config["DASHBOARD_SETTINGS"]
    monkeypatch.setitem(app.server.config, "DASHBOARD_SETTINGS", dataclasses.replace(settings, public_url=url))


def test_embed_code_offers_the_resizing_iframe_and_an_image_link(app, monkeypatch):
    summary = 'Share of people aged 16-64 "quoted" & <summarised>'
    _public_url(app, monkeypatch, "http://intranet.example")
    with app.server.test_request_context("/", base_url="http://attacker.example"):
        links = components.share_links("overview-trend", "?geo=E54000050", summary)
    areas = [c.value for c in _walk(links) if type(c).__name__ == "Textarea"]
    iframe, image = areas
    assert 'src="http://intranet.example/embed/overview-trend?geo=E54000050"' in iframe
    assert '<script src="http://intranet.example/embed.js" async></script>' in iframe
    assert 'title="Long-term sickness over time: North East and North Cumbria, ' in iframe
    assert '<a href="http://intranet.example/?geo=E54000050">' in image
    assert '<img src="http://intranet.example/export/overview-trend.png?geo=E54000050"' in image
    assert f'alt="{html.escape(summary)}"' in image


def _walk(component):
    if isinstance(component, list | tuple):
        for item in component:
            yield from _walk(item)
        return
    yield component
    children = getattr(component, "children", None)
    if children is not None and not isinstance(children, str):
        yield from _walk(children)


def test_oembed_5_every_page_with_charts_names_its_oembed_address(client):
    head = client.get("/regions?geo=E12000007").data.decode().split("</head>")[0]
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', head)
    assert link, head[-800:]
    answer = client.get(html.unescape(link[1]).removeprefix("http://localhost")).get_json()
    assert _iframe_src(answer["html"]) == f"{BASE}embed/{registry.charts('/regions')[0].id}?geo=E12000007"
    assert "json+oembed" not in client.get("/about").data.decode()  # no chart to embed there


def test_oembed_6_answers_only_for_the_dashboards_public_address(app, client, monkeypatch):
    _public_url(app, monkeypatch, "https://dash.example.gov.uk")
    answer = client.get("/oembed", query_string={"url": "https://dash.example.gov.uk/embed/overview-trend"},
                        base_url="http://attacker.example").get_json()
    assert _iframe_src(answer["html"]) == "https://dash.example.gov.uk/embed/overview-trend"
    assert answer["provider_url"] == "https://dash.example.gov.uk/"
    # A forged Host header is not taken for the dashboard's address.
    forged = client.get("/oembed", query_string={"url": "http://attacker.example/embed/overview-trend"},
                        base_url="http://attacker.example")
    assert forged.status_code == 404
    # Without a public address (and not on loopback), oEmbed says what to set rather than write a broken embed.
    _public_url(app, monkeypatch, None)
    unknown = client.get("/oembed", query_string={"url": "http://dash.internal/embed/overview-trend"},
                         base_url="http://dash.internal")
    assert unknown.status_code == 404 and "DASHBOARD_PUBLIC_URL" in unknown.get_json()["detail"]
