"""The data API: its OpenAPI document, every chart's numbers against its CSV export and its schema, the reference
routes, problem details, conditional requests across a rebuild, and stable (redirected) chart ids."""
from __future__ import annotations

import io
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import jsonschema
import numpy as np
import pandas as pd
import pytest
from openapi_spec_validator import validate as validate_openapi

import queries
from dashboard import registry
from dashboard.filters import FILTER_DEFINITIONS, FilterError, Filters
from data import build

FILTERED = "?geo=E54000050&sex=female&from=2022Q1"
PROBLEM_FIELDS = {"type", "title", "status", "detail"}

try:  # spreadsheet formula neutralising of CSV text (dashboard/safety.py), where the branch has it
    from dashboard.safety import neutralise as csv_text
except ImportError:
    def csv_text(value):
        return value


@pytest.fixture(scope="module")
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _schema_validator(document: dict, chart_id: str) -> jsonschema.Draft202012Validator:
    """A validator for one chart's response schema, resolving the document's $refs."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": document["components"],
              "$ref": f"#/components/schemas/chart-{chart_id}"}
    return jsonschema.Draft202012Validator(schema)


@contextmanager
def warehouse_at(path):
    """Point the app at another warehouse file for a while (the app reads queries.warehouse() per request)."""
    before = queries.warehouse()
    wh = queries.Warehouse(path)
    queries.use(wh)
    try:
        yield wh
    finally:
        wh.close()
        queries.use(before)


# ---- the document -------------------------------------------------------------------------------------------

def test_api_1_openapi_document_validates_and_describes_every_chart_and_filter(document):
    validate_openapi(document)  # raises on an invalid OpenAPI 3.1 document
    assert document["openapi"].startswith("3.1")
    for chart in registry.charts():
        operation = document["paths"][f"/api/v1/charts/{chart.id}"]["get"]
        assert [p["$ref"].rsplit("/", 1)[1] for p in operation["parameters"]] == list(chart.filters)
    parameters = document["components"]["parameters"]
    for definition in FILTER_DEFINITIONS:
        assert parameters[definition.name]["schema"] == definition.json_schema()
        if definition.accepted is not None:  # a list of values; the others are numbers within a range
            assert parameters[definition.name]["schema"]["enum"] == list(definition.values())
    assert "stable" in document["info"]["description"]


def test_api_1b_numeric_filters_and_filters_not_yet_described_get_parameters():
    from dashboard import openapi
    from dashboard.filters import FilterDefinition

    share = FilterDefinition("deadweight", "Deadweight", "Share who would have found work anyway.", "50",
                             minimum=0, maximum=95)
    assert share.json_schema() == {"type": "number", "minimum": 0, "maximum": 95}
    assert share.describe()["maximum"] == 95 and share.values() == {}
    chart = registry.Chart(id="x", title="X", page="/", description="", source="", data=None, figure=None,
                           filters=("geo", "not-described"))
    parameters = openapi._parameters([chart])
    assert parameters["not-described"]["schema"] == {"type": "string"} and "geo" in parameters


def test_api_2_the_api_page_is_served_offline_from_the_document(client, document):
    response = client.get("/api")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.data.decode()
    assert "ids are stable" in page.lower() or "Chart ids are stable" in page
    for path in document["paths"]:
        assert f"<code>{path}</code>" in page
    assert "https://" not in page.split("</head>")[0]  # nothing fetched from elsewhere
    assert "<script" not in page


# ---- every chart: the CSV's numbers, and its schema -----------------------------------------------------------

@pytest.mark.parametrize("query", ["", FILTERED])
def test_api_3_every_chart_has_its_csv_numbers_and_passes_its_schema(client, document, query):
    with_rows = 0
    for chart in registry.charts():
        response = client.get(f"/api/v1/charts/{chart.id}{query}")
        assert response.status_code == 200, (chart.id, response.data[:300])
        answer = response.get_json()
        errors = sorted(_schema_validator(document, chart.id).iter_errors(answer), key=str)
        assert not errors, (chart.id, [e.message for e in errors[:3]])
        csv = client.get(f"/export/{chart.id}.csv{query}").data
        expected = pd.read_csv(io.BytesIO(csv))
        if not answer["data"]:  # an empty chart's CSV is its header and one "No data" note row
            assert len(expected) == 1 and str(expected.iloc[0, 0]).startswith("No data"), chart.id
            continue
        got = pd.DataFrame(answer["data"], columns=[c["name"] for c in answer["columns"]])
        assert list(got.columns) == list(expected.columns), chart.id
        assert len(got) == len(expected), chart.id
        for column in expected.columns:
            if pd.api.types.is_numeric_dtype(expected[column]):
                # A CSV cannot tell an empty text from a missing value: both read back as missing.
                values = pd.to_numeric(got[column].replace({"": None}), errors="raise")
                np.testing.assert_array_equal(values.astype(float).to_numpy(),
                                              expected[column].astype(float).to_numpy(), err_msg=f"{chart.id}.{column}")
            else:  # the CSV's text is neutralised for spreadsheets, where it has to be; JSON's need not be
                assert got[column].map(csv_text).fillna("").astype(str).tolist() == \
                    expected[column].fillna("").astype(str).tolist(), (chart.id, column)
        with_rows += len(got) > 0
    assert with_rows >= 12  # most charts have numbers: the comparison above is not of empty tables


def test_api_4_a_chart_says_what_its_numbers_are(client):
    answer = client.get(f"/api/v1/charts/overview-trend{FILTERED}").get_json()
    health = client.get("/healthz").get_json()
    chart = registry.get("overview-trend")
    assert (answer["title"], answer["source"], answer["description"]) == (chart.title, chart.source,
                                                                           chart.description)
    assert answer["data_version"] == health["data_version"] and answer["built_at"] == health["built_at"]
    assert answer["demo"] is True and "Synthetic demo data" in answer["quality_notes"][0]
    assert any("Disclosure control" in note for note in answer["quality_notes"])
    assert answer["filters"]["geo"] == "E54000050" and answer["filters"]["sex"] == "female"
    assert "North East and North Cumbria" in answer["filters_in_words"] and "women" in answer["filters_in_words"]
    assert answer["period_covered"] == {"first": "2022Q1", "last": "2026Q2"}
    assert answer["units"]["rate"] == "percent" and answer["units"]["people"] == "people"
    assert answer["links"]["csv"].endswith("/export/overview-trend.csv?geo=E54000050&from=2022Q1&sex=female")
    # The accelerators chart pools ICBs: an area filter is reported as not applied, not silently dropped.
    pooled = client.get("/api/v1/charts/overview-accelerators?geo=E54000050").get_json()
    assert pooled["filters_ignored"] == ["geo"] and "geo" not in pooled["filters"]
    assert "North East and North Cumbria" not in pooled["filters_in_words"]


# ---- reference routes -------------------------------------------------------------------------------------------

def test_api_5_filters_lists_every_accepted_value_and_each_one_is_accepted(client):
    listed = {f["name"]: f for f in client.get("/api/v1/filters").get_json()}
    assert set(listed) == {"geo", "level", "from", "to", "condition", "intervention", "age", "sex",
                           "deadweight", "persistence", "earnings", "benefit_saving", "discount"}
    for name, entry in listed.items():
        if "minimum" in entry:  # a number: its default, and both ends of its range, are accepted; beyond is not
            for value in (entry["default"], entry["minimum"], entry["maximum"]):
                Filters.from_query({name: str(value)})
            with pytest.raises(FilterError):
                Filters.from_query({name: str(entry["maximum"] + 1)})
            continue
        assert entry["default"] in entry["accepted"], name
        for value in entry["accepted"]:
            Filters.from_query({name: value})  # raises if the API lists a value the filters refuse
    assert listed["geo"]["accepted"]["E54000061"] == "South Yorkshire"
    assert len(listed["geo"]["accepted"]) == 52 and listed["from"]["accepted"]["2024Q1"] == "Jan-Mar 2024"


def test_api_6_areas_and_programmes(client):
    areas = {a["code"]: a for a in client.get("/api/v1/areas").get_json()}
    assert len(areas) == 52
    assert areas["E54000061"] == {**areas["E54000061"], "name": "South Yorkshire", "level": "icb",
                                  "parent": "E12000003", "ods": "QF7", "accelerator": True}
    assert areas["E12000007"]["level"] == "region" and areas["E12000007"]["parent"] == "E92000001"
    programmes = {p["id"]: p for p in client.get("/api/v1/programmes").get_json()}
    assert programmes["accelerator"]["icbs"] == sorted(["E54000061", "E54000054", "E54000050"])
    assert programmes["accelerator"]["start"] == "2025-04-01"
    for programme_id in programmes:
        Filters.from_query({"intervention": programme_id})


# ---- problem details ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "status", "parameter"), [
    ("/api/v1/charts/no-such-chart", 404, "chart_id"),
    ("/api/v1/charts/overview-trend?geo=E99999999", 400, "geo"),
    ("/api/v1/charts/overview-trend?from=2026Q2&to=2020Q1", 400, "from"),
    ("/api/v1/charts/overview-trend?age=<script>", 400, "age"),
    ("/api/v1/no-such-route", 404, None),
])
def test_api_7_errors_are_problem_details_naming_the_parameter(client, path, status, parameter):
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert PROBLEM_FIELDS <= set(problem) and problem["status"] == status
    assert "Traceback" not in problem["detail"]
    if parameter:
        assert problem["parameter"] == parameter and problem["accepted"]
    if parameter == "age":
        assert problem["accepted"] == ["all", "16-24", "25-34", "35-49", "50-64"]


# ---- conditional requests ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/charts/overview-trend?geo=E12000007", "/export/overview-trend.csv",
                                  "/api/v1/areas", "/feed.atom", "/api/openapi.json", "/api/charts",
                                  "/export/page/overview.xlsx"])
def test_api_8_unchanged_data_answer_304(client, path):
    first = client.get(path)
    assert first.status_code == 200
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    # Another view is another resource.
    other = client.get(path + ("&" if "?" in path else "?") + "sex=male")
    assert other.headers["ETag"] != etag


def test_api_9_a_rebuild_changes_the_etag_and_ends_the_304s(client, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    build.build_demo(path, participants=3000, seed=build.demo.SEED)
    url = "/api/v1/charts/overview-trend?geo=E54000061"
    with warehouse_at(path):
        first = client.get(url)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.get("/export/overview-trend.csv?geo=E54000061", headers={
            "If-None-Match": client.get("/export/overview-trend.csv?geo=E54000061").headers["ETag"]}).status_code == 304
        time.sleep(1.1)  # build times are kept to the second
        build.build_demo(path, participants=3000, seed=build.demo.SEED)
        after = client.get(url, headers={"If-None-Match": etag})
        assert after.status_code == 200 and after.headers["ETag"] != etag
        assert after.get_json()["data_version"] != first.get_json()["data_version"]
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 200
        later = format_datetime(datetime.now(UTC) + timedelta(minutes=1), usegmt=True)
        assert client.get(url, headers={"If-Modified-Since": later}).status_code == 304


# ---- stable ids -----------------------------------------------------------------------------------------------

def test_api_10_renamed_ids_are_not_reused_and_point_at_current_charts(app):
    current = {c.id for c in registry.charts()}
    assert not set(registry.RENAMED) & current
    assert set(registry.RENAMED.values()) <= current


@pytest.mark.parametrize(("old", "new"), [
    ("/api/v1/charts/overview-old-trend?geo=E12000007", "/api/v1/charts/overview-trend?geo=E12000007"),
    ("/export/overview-old-trend.csv?sex=male", "/export/overview-trend.csv?sex=male"),
    ("/embed/overview-old-trend", "/embed/overview-trend"),
    ("/export/briefing.pptx?charts=overview-old-trend,overview-accelerators",
     "/export/briefing.pptx?charts=overview-trend%2Coverview-accelerators"),
])
def test_api_11_a_renamed_chart_redirects_to_its_current_id(client, monkeypatch, old, new):
    monkeypatch.setitem(registry.RENAMED, "overview-old-trend", "overview-trend")
    response = client.get(old)
    assert response.status_code == 308
    assert response.headers["Location"] == new


def test_api_12_rows_become_json_values_as_the_csv_writes_them():
    from dashboard.api_document import records

    frame = pd.DataFrame({"n": [np.array(240.0), np.int64(5), None, float("nan"), float("inf")],
                          "day": pd.to_datetime(["2024-01-01", "2024-02-29", None, "2024-03-31", "2024-04-30"]),
                          "flag": ["*", None, "~", "!", "-"]})
    assert records(frame) == [
        {"n": 240.0, "day": "2024-01-01", "flag": "*"}, {"n": 5, "day": "2024-02-29", "flag": None},
        {"n": None, "day": None, "flag": "~"}, {"n": None, "day": "2024-03-31", "flag": "!"},
        {"n": None, "day": "2024-04-30", "flag": "-"}]
