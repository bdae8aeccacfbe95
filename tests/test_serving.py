"""Compression and browser caching (dashboard/serving.py), through the Flask test client."""
from __future__ import annotations

import gzip
import re

import brotli
import pytest

from dashboard import serving

IMMUTABLE = "public, max-age=31536000, immutable"


def _bundles(client) -> list[str]:
    page = client.get("/").data.decode()
    return re.findall(r'src="(/_dash-component-suites/[^"]+)"', page)


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_serving_1_pages_json_css_and_csv_are_compressed_when_the_client_accepts_it(client, encoding, decode):
    for path in ("/", "/api/charts", "/_dash-layout", serving.bootstrap_href("/"),
                 "/export/overview-trend.csv?geo=E54000061", _bundles(client)[0]):
        plain = client.get(path)
        packed = client.get(path, headers={"Accept-Encoding": f"{encoding}, deflate"})
        assert plain.status_code == packed.status_code == 200, path
        assert "Content-Encoding" not in plain.headers, path
        assert packed.headers["Content-Encoding"] == encoding, path
        assert "Accept-Encoding" in packed.headers["Vary"], path
        if path == "/":  # the page shell differs between two requests (its nonce): compare its shape
            assert decode(packed.data).startswith(b"<!DOCTYPE html>") and b'lang="en-GB"' in decode(packed.data)
        else:
            assert decode(packed.data) == plain.data, path
        assert len(packed.data) < len(plain.data), path


def test_serving_2_svg_and_csv_are_compressible_types(app):
    types = set(app.server.config["COMPRESS_MIMETYPES"])
    assert {"image/svg+xml", "text/csv", "application/json", "text/html", "text/css"} <= types
    assert "image/png" not in types  # already compressed: no CPU spent on it


def test_serving_3_fingerprinted_bundles_are_immutable_for_a_year(client):
    bundles = _bundles(client)
    assert bundles and all(re.search(r"\.v[\w-]+m[0-9a-f]+\.", b) for b in bundles)
    for path in bundles[:3]:
        response = client.get(path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE, path
    page = client.get("/").data.decode()
    asset = re.search(r'href="(/assets/[^"]+\?m=[^"]+)"', page).group(1)
    assert client.get(asset).headers["Cache-Control"] == IMMUTABLE
    assert serving.bootstrap_href("/") in page
    assert client.get(serving.bootstrap_href("/")).headers["Cache-Control"] == IMMUTABLE


def test_serving_4_pages_callbacks_and_unfingerprinted_files_are_not_immutable(client):
    bundle = _bundles(client)[0]
    plain = re.sub(r"\.v[\w-]+m[0-9a-f]+\.", ".", bundle)  # the same file at its unfingerprinted address
    for path in ("/", "/regions", "/_dash-layout", "/_dash-dependencies", plain, "/assets/style.css",
                 "/_vendor/bootstrap.min.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "immutable" not in response.headers.get("Cache-Control", ""), path
    assert client.get("/").headers["Cache-Control"] == "no-cache"
    body = {"output": "page-status.children", "outputs": {"id": "page-status", "property": "children"},
            "inputs": [{"id": "page-filters", "property": "data", "value": "?geo=E54000061"}],
            "state": [{"id": "page-chart-count", "property": "data", "value": 2}], "changedPropIds": []}
    callback = client.post("/_dash-update-component", json=body)
    assert "immutable" not in callback.headers.get("Cache-Control", "")
    assert "max-age" not in callback.headers.get("Cache-Control", "")


def test_serving_5_layout_and_compressed_api_answers_revalidate_with_a_304(client):
    first = client.get("/_dash-layout", headers={"Accept-Encoding": "br"})
    assert first.headers.get("ETag")
    again = client.get("/_dash-layout", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    # The API's ETag, sent back by a browser that took the compressed copy, is still a match.
    api = client.get("/api/v1/charts/overview-trend?geo=E54000061", headers={"Accept-Encoding": "br"})
    assert api.status_code == 200 and api.headers["Content-Encoding"] == "br"
    repeat = client.get("/api/v1/charts/overview-trend?geo=E54000061",
                        headers={"Accept-Encoding": "br", "If-None-Match": api.headers["ETag"]})
    assert repeat.status_code == 304


def test_serving_6_a_bundle_is_compressed_once_per_process():
    cache = serving.BundleCache()
    cache.set("br;/_dash-component-suites/dash/x.v1m2.js", b"packed")
    cache.set("br;-", b"a page")  # not fingerprinted: never kept
    assert cache.get("br;/_dash-component-suites/dash/x.v1m2.js") == b"packed"
    assert cache.get("br;-") is None


def test_serving_7_plotly_is_sent_precompressed_and_the_copy_matches_its_source(client):
    for name in serving.PRECOMPRESSED:
        source = (serving.ASSETS / name).read_bytes()
        # A stale .br (plotly.js updated, the copy not rewritten: python -m dashboard.serving) fails here.
        assert brotli.decompress((serving.ASSETS / f"{name}.br").read_bytes()) == source, name
    page = client.get("/").data.decode()
    href = re.search(r'src="(/assets/vendor/plotly-custom\.min\.js\?m=[^"]+)"', page).group(1)
    packed = client.get(href, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "br"
    assert packed.headers["Cache-Control"] == IMMUTABLE and "javascript" in packed.headers["Content-Type"]
    assert brotli.decompress(packed.data) == (serving.ASSETS / "vendor/plotly-custom.min.js").read_bytes()
    assert len(packed.data) < 0.3 * len(brotli.decompress(packed.data))
    gzipped = client.get(href, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.data) == brotli.decompress(packed.data)
    unfingerprinted = client.get("/assets/vendor/plotly-custom.min.js", headers={"Accept-Encoding": "br"})
    assert "immutable" not in unfingerprinted.headers["Cache-Control"]
