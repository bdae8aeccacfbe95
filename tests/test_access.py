"""Who sees what (issue 21): proxy sign-in from trusted and untrusted addresses, every chart in every format for
each role, caches keyed by what the viewer may see, the audit trail, CSRF, and the roles file's checks.

The session app is switched to proxy mode for a test (``proxy`` fixture) by swapping its settings: the access
rules read them each request. OIDC runs end to end in tests/browser/test_sign_in.py."""
from __future__ import annotations

import dataclasses
import io
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

import queries
from dashboard import registry
from dashboard.auth_settings import AuthSettings, parse_roles
from dashboard.filters import FILTER_DEFINITIONS, Filters
from dashboard.settings import SettingError, Settings
from tests.dash_calls import chart_body, table_body

PROXY = "10.0.0.5"
SY, GM = "E54000061", "E54000057"  # South Yorkshire, Greater Manchester
ROLES = "hwd-national: national\nhwd-icb-south-yorkshire: icb:E54000061\n"
# who -> the identity headers the proxy sends
VIEWERS = {
    "anonymous": {},
    "no role": {"X-Forwarded-User": "nobody", "X-Forwarded-Email": "nobody@nhs.net", "X-Forwarded-Groups": "staff"},
    "icb": {"X-Forwarded-User": "sy", "X-Forwarded-Email": "sy@nhs.net",
            "X-Forwarded-Groups": "staff,hwd-icb-south-yorkshire"},
    "national": {"X-Forwarded-User": "nat", "X-Forwarded-Email": "nat@dwp.gov.uk", "X-Forwarded-Groups": "hwd-national"},
}
DATA_FORMATS = ("csv", "xlsx", "api", "embed", "oembed", "page", "table")


def restricted() -> list[str]:
    return [c.id for c in registry.charts() if c.restricted]


@pytest.fixture()
def proxy(app, tmp_path):
    """The session app in proxy mode; yields the audit log's path."""
    roles, audit = tmp_path / "roles.yaml", tmp_path / "audit.jsonl"
    roles.write_text(ROLES)
    auth = AuthSettings.from_env({"DASHBOARD_AUTH": "proxy", "DASHBOARD_TRUSTED_PROXIES": f"{PROXY},10.1.0.0/24",
                                  "DASHBOARD_ROLES": str(roles), "DASHBOARD_AUDIT_LOG": str(audit),
                                  "DASHBOARD_PUBLIC_URL": "http://localhost"})
    config = app.server.config
    before = config["DASHBOARD_SETTINGS"]
    config["DASHBOARD_SETTINGS"] = dataclasses.replace(before, auth=auth, public_url="http://localhost")
    try:
        yield audit
    finally:
        config["DASHBOARD_SETTINGS"] = before


def fetch(client, who: str, path: str, *, address: str = PROXY, method: str = "GET", **kwargs):
    return client.open(path, method=method, headers={**VIEWERS[who], **kwargs.pop("headers", {})},
                       environ_base={"REMOTE_ADDR": address}, **kwargs)


def audit_lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


# ---- the Filters value: scope is never a URL filter ------------------------------------------------------------

def test_scope_1_is_never_read_from_or_written_to_a_url(demo_warehouse):
    assert Filters.from_query(f"?scope={SY}&geo={SY}").scope is None
    scoped = Filters(geo=SY, scope=(SY,))
    assert scoped.to_query() == {"geo": SY} and "scope" not in scoped.query_string()
    assert "scope" not in scoped.describe() and "scope" not in scoped.params()
    assert "scope" not in {d.name for d in FILTER_DEFINITIONS}
    assert scoped != Filters(geo=SY) and hash(scoped) != hash(Filters(geo=SY))  # a cache key tells them apart


def test_scope_2_routes_ignore_a_scope_parameter(client, proxy):
    response = fetch(client, "anonymous", f"/api/v1/charts/interventions-outcomes?geo={SY}&scope={SY}")
    assert response.status_code == 401  # it does not let anyone in
    national = fetch(client, "national", f"/api/v1/charts/interventions-funnel?scope={SY}")
    assert len({row["area_code"] for row in national.get_json()["data"]}) > 30  # nor narrow anyone's view
    assert "scope" not in json.dumps(national.get_json()["filters"]) + json.dumps(national.get_json()["links"])


# ---- proxy mode: identity only from the trusted proxy -----------------------------------------------------------

def test_proxy_1_headers_from_the_trusted_proxy_sign_the_user_in(client, proxy):
    path = f"/export/interventions-outcomes.csv?geo={SY}"
    assert fetch(client, "national", path).status_code == 200
    assert fetch(client, "national", path, address="10.1.0.77").status_code == 200  # in the trusted range


@pytest.mark.parametrize("address", ["10.0.0.6", "127.0.0.1", "192.168.1.5", "::1"])
def test_proxy_2_the_same_headers_from_anywhere_else_are_anonymous(client, proxy, address):
    response = fetch(client, "national", f"/export/interventions-outcomes.csv?geo={SY}", address=address)
    assert response.status_code == 401
    assert response.data.decode().strip() == ("This chart shows unpublished pilot returns. Sign in to see pilot "
                                              "returns for your ICB.")
    assert audit_lines(proxy)[-1]["user"] is None and audit_lines(proxy)[-1]["address"] == address


def test_proxy_3_published_charts_stay_open_to_everyone(client, proxy):
    for chart in registry.charts():
        if not chart.restricted:
            assert fetch(client, "anonymous", f"/export/{chart.id}.csv", address="192.168.1.5").status_code == 200
    assert audit_lines(proxy) == []  # published figures are not audited


# ---- every chart in every format, for each role -----------------------------------------------------------------

def _dash(client, who, body):
    response = fetch(client, who, "/_dash-update-component", method="POST", data=body,
                     content_type="application/json")
    assert response.status_code == 200, response.data[:300]
    return response.get_json()["response"]


def get_format(client, who: str, chart_id: str, fmt: str, query: str):
    """(status, what came back: a frame for data formats, text otherwise)."""
    if fmt in ("csv", "xlsx", "png", "svg"):
        response = fetch(client, who, f"/export/{chart_id}.{fmt}{query}")
        if response.status_code != 200:
            return response.status_code, response.data.decode()
        if fmt == "csv":
            return 200, pd.read_csv(io.BytesIO(response.data))
        if fmt == "xlsx":
            assert "Data" in load_workbook(io.BytesIO(response.data)).sheetnames
            return 200, pd.read_excel(io.BytesIO(response.data), sheet_name="Data")
        return 200, response.data
    if fmt == "api":
        response = fetch(client, who, f"/api/v1/charts/{chart_id}{query}")
        body = response.get_json()
        return response.status_code, pd.DataFrame(body["data"]) if response.status_code == 200 else body
    if fmt == "embed":
        response = fetch(client, who, f"/embed/{chart_id}{query}")
        return response.status_code, response.data.decode()
    if fmt == "oembed":
        url = f"http://localhost/embed/{chart_id}{query}"
        response = fetch(client, who, "/oembed", query_string={"url": url})
        return response.status_code, response.get_json()
    if fmt == "page":
        out = _dash(client, who, chart_body(chart_id, query))
        return 200, out
    if fmt == "table":
        return 200, _dash(client, who, table_body(client, chart_id, query, 1))
    raise ValueError(fmt)


def _icb_codes(frame: pd.DataFrame) -> set[str]:
    return {str(v) for c in ("area_code", "icb_code") if c in frame.columns for v in frame[c].dropna()}


@pytest.mark.parametrize("fmt", DATA_FORMATS)
def test_roles_1_anonymous_and_roleless_see_no_restricted_chart_in_any_format(client, proxy, fmt):
    for who, status in (("anonymous", 401), ("no role", 403)):
        for chart_id in restricted():
            code, body = get_format(client, who, chart_id, fmt, f"?geo={SY}")
            text = json.dumps(body) if not isinstance(body, str) else body
            if fmt in ("page", "table"):  # the card says why, and has no download links
                assert ("Sign in to see pilot returns" if status == 401 else "has no role") in text, (who, chart_id)
                if fmt == "page":
                    assert body[f'{{"chart":"{chart_id}","type":"chart-share"}}']["children"] == []
            else:
                assert code == status, (who, chart_id, fmt, text[:200])
            assert "participants" not in text.replace("participant records", ""), (who, chart_id, fmt)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "api"])
def test_roles_2_an_icb_role_sees_its_own_icb_rows_only(client, proxy, fmt):
    for chart_id in restricted():
        chart = registry.get(chart_id)
        code, mine = get_format(client, "icb", chart_id, fmt, f"?geo={SY}")
        assert code == 200, (chart_id, mine)
        assert _icb_codes(mine) <= {SY}, (chart_id, _icb_codes(mine))
        # exactly the rows of its own ICB: the same numbers the chart gives when restricted to it directly
        with queries.scope((SY,)):
            expected = chart.data(Filters(geo=SY) if "geo" in chart.filters else Filters())
        if expected.empty:  # no returns loaded in the demo: the export's one "no data" note
            assert len(mine) <= 1 and not _icb_codes(mine), chart_id
        else:
            assert len(mine) == len(expected), chart_id
        if "geo" in chart.filters:
            code, other = get_format(client, "icb", chart_id, fmt, f"?geo={GM}")
            assert code == 403 and "South Yorkshire" in json.dumps(other), (chart_id, other)
            code, _england = get_format(client, "icb", chart_id, fmt, "")
            assert code == 403, chart_id


def test_roles_3_an_icb_role_on_a_page_and_in_a_table(client, proxy):
    for chart_id in restricted():
        page = _dash(client, "icb", chart_body(chart_id, f"?geo={GM}"))
        summary = page[f'{{"chart":"{chart_id}","type":"chart-summary"}}']["children"]
        if "geo" in registry.get(chart_id).filters:
            assert "Your role lets you see pilot returns for South Yorkshire only" in json.dumps(summary), chart_id
        table = _dash(client, "icb", table_body(client, chart_id, f"?geo={SY}", 1))
        assert "lets you see" not in json.dumps(table)


def test_roles_4_national_sees_every_icb(client, proxy):
    code, frame = get_format(client, "national", "interventions-funnel", "csv", "")
    assert code == 200 and len(_icb_codes(frame)) > 30
    for chart_id in restricted():
        for fmt in ("csv", "api", "embed", "oembed"):
            assert get_format(client, "national", chart_id, fmt, "")[0] == 200, (chart_id, fmt)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_roles_5_images_for_each_role(client, proxy, fmt):
    for chart_id in restricted():
        assert get_format(client, "anonymous", chart_id, fmt, f"?geo={SY}")[0] == 401
        assert get_format(client, "no role", chart_id, fmt, f"?geo={SY}")[0] == 403
        assert get_format(client, "icb", chart_id, fmt, f"?geo={GM}")[0] == (
            403 if "geo" in registry.get(chart_id).filters else 200)
    for who in ("icb", "national"):
        code, body = get_format(client, who, "interventions-outcomes", fmt, f"?geo={SY}")
        assert code == 200 and len(body) > 1000


def test_roles_6_page_workbooks_and_slide_packs(client, proxy):
    # every chart on the page restricted: refused as a whole
    assert fetch(client, "anonymous", "/export/page/interventions.xlsx").status_code == 401
    assert fetch(client, "icb", "/export/page/interventions.xlsx").status_code == 403  # England: not theirs
    book = load_workbook(io.BytesIO(fetch(client, "icb", f"/export/page/interventions.xlsx?geo={SY}").data))
    assert "lets you see" not in json.dumps([c.value for ws in book for row in ws.iter_rows() for c in row],
                                            default=str)
    # some restricted: the published charts, and a note in place of each restricted one (no numbers)
    response = fetch(client, "anonymous", f"/export/page/profile.xlsx?geo={SY}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    notes = [c.value for row in book["Notes"].iter_rows() for c in row if isinstance(c.value, str)]
    assert sum("Sign in to see pilot returns" in v for v in notes) == 2  # outcomes and cost
    withheld = pd.read_excel(io.BytesIO(response.data), sheet_name="interventions-outcomes")
    assert list(withheld.columns) == ["note"] and len(withheld) == 1
    assert len(pd.read_excel(io.BytesIO(response.data), sheet_name="profile-spine")) > 3
    pack = "/export/briefing.pptx?charts=overview-trend,interventions-outcomes"
    assert fetch(client, "anonymous", pack).status_code == 200
    assert fetch(client, "anonymous", "/export/briefing.pptx?charts=interventions-outcomes").status_code == 401
    lines = audit_lines(proxy)
    assert {(line["channel"], line["status"]) for line in lines} >= {("page workbook", 401), ("slide pack", 401),
                                                                       ("page workbook", 200)}


def test_roles_7_embeds_of_restricted_charts_say_so(client, proxy):
    response = fetch(client, "anonymous", f"/embed/interventions-outcomes?geo={SY}")
    page = response.data.decode()
    assert response.status_code == 401 and "embed-restricted" in page and "Sign in to see pilot returns" in page
    assert "embed-figure" not in page and "plotly" not in page
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]


def test_roles_8_overview_headlines(client, proxy):
    from dashboard.charts.overview import headlines

    with client.application.test_request_context(environ_base={"REMOTE_ADDR": PROXY}):
        tiles = headlines(Filters(geo=SY))
    assert tiles[-1].value == "Sign in" and "Sign in to see pilot returns" in tiles[-1].detail
    with client.application.test_request_context(headers=VIEWERS["icb"], environ_base={"REMOTE_ADDR": PROXY}):
        assert [t.label for t in headlines(Filters(geo=SY))][-2:] == ["Programme participants",
                                                                      "In work within 12 months"]


def test_roles_9_refusals_are_problem_details_on_the_api(client, proxy):
    response = fetch(client, "no role", "/api/v1/charts/interventions-cost")
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["title"] == "Not allowed" and body["chart"] == "interventions-cost"


# ---- caches: keyed by what the viewer may see -------------------------------------------------------------------

def test_cache_1_a_national_users_results_never_answer_anyone_else(client, proxy):
    path = f"/export/interventions-funnel.csv?geo={SY}"
    wh = queries.warehouse()
    wh.clear_cache()
    national = fetch(client, "national", path)
    assert national.status_code == 200 and len(_icb_codes(pd.read_csv(io.BytesIO(national.data)))) > 30
    before = wh.executions
    etag = national.headers["ETag"]
    # the same browser after signing out, with the national user's validator: no 304, no rows
    anonymous = fetch(client, "anonymous", path, headers={"If-None-Match": etag})
    assert anonymous.status_code == 401 and b"," not in anonymous.data
    icb = fetch(client, "icb", path, headers={"If-None-Match": etag})
    assert icb.status_code == 200 and _icb_codes(pd.read_csv(io.BytesIO(icb.data))) == {SY}
    assert wh.executions > before  # the scoped query ran: the national result was not reused
    assert national.headers["Cache-Control"] == "private, no-store" and "Cookie" in national.headers["Vary"]


# ---- the audit trail --------------------------------------------------------------------------------------------

def test_audit_1_one_line_per_access_and_never_the_data(client, proxy):
    fetch(client, "national", f"/export/interventions-outcomes.csv?geo={SY}&sex=female")
    csv_text = fetch(client, "national", f"/export/interventions-outcomes.csv?geo={SY}&sex=female").data.decode()
    fetch(client, "anonymous", "/api/v1/charts/interventions-cost", address="192.168.1.5")
    fetch(client, "icb", f"/embed/interventions-funnel?geo={SY}",
          headers={"X-Forwarded-For": "172.16.4.20"})
    _dash(client, "icb", table_body(client, "interventions-outcomes", f"?geo={SY}", 1))
    _dash(client, "icb", chart_body("interventions-outcomes", f"?geo={SY}", table_clicks=1))  # a card, table open
    fetch(client, "anonymous", "/export/regions-league.csv")  # published: no line
    lines = audit_lines(proxy)
    assert len(lines) == 6
    first, _, refused, embed, table, card = lines
    assert first["user"] == "nat" and first["roles"] == ["national"] and first["chart"] == "interventions-outcomes"
    assert first["channel"] == "export csv" and first["filters"] == {"geo": SY, "sex": "female"}
    assert first["status"] == 200 and first["event"] == "access" and first["time"].endswith("+00:00")
    assert refused["status"] == 401 and refused["channel"] == "data API" and refused["address"] == "192.168.1.5"
    assert embed["address"] == "172.16.4.20" and embed["via"] == PROXY and embed["scope"] == [SY]
    assert table["channel"] == "table" and card["channel"] == "page" and card["scope"] == [SY]
    numbers = {cell for row in csv_text.splitlines()[1:] for cell in row.split(",") if cell[:1].isdigit()}
    raw = proxy.read_text()
    assert numbers and not any(f'"{n}"' in raw or f" {n}," in raw for n in numbers if len(n) > 3)


def test_audit_2_rotates_by_size(tmp_path):
    from dashboard import audit

    config = dataclasses.replace(AuthSettings(), mode="proxy", audit_log=tmp_path / "a.jsonl", audit_max_bytes=400,
                                 audit_backups=2)
    for i in range(20):
        audit.write(config, {"n": i, "pad": "x" * 50})
    assert (tmp_path / "a.jsonl.1").exists() and (tmp_path / "a.jsonl.2").exists()
    assert not (tmp_path / "a.jsonl.3").exists()


# ---- CSRF: state-changing requests from another site -------------------------------------------------------------

def test_csrf_1_cross_site_callbacks_are_refused_same_site_ones_work(client, proxy):
    body = chart_body("overview-trend", "")
    post = {"method": "POST", "data": body, "content_type": "application/json"}
    evil = fetch(client, "national", "/_dash-update-component", headers={"Origin": "https://evil.example"}, **post)
    assert evil.status_code == 403 and b"Cross-site request refused" in evil.data
    site = fetch(client, "national", "/_dash-update-component", headers={"Sec-Fetch-Site": "cross-site"}, **post)
    assert site.status_code == 403
    same = fetch(client, "national", "/_dash-update-component",
                 headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}, **post)
    assert same.status_code == 200


def test_csrf_2_open_mode_is_unchanged(client):
    body = chart_body("overview-trend", "")
    response = client.post("/_dash-update-component", data=body, content_type="application/json",
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 200


# ---- settings: a bad roles file or a missing setting stops start-up ---------------------------------------------

def test_settings_1_a_bad_roles_file_names_its_line(tmp_path):
    roles = tmp_path / "roles.yaml"
    roles.write_text("# comment\nhwd-national: national\nhwd-x: icb:E5400006\n")
    env = {"DASHBOARD_AUTH": "proxy", "DASHBOARD_TRUSTED_PROXIES": PROXY, "DASHBOARD_ROLES": str(roles),
           "DASHBOARD_AUDIT_LOG": str(tmp_path / "a.jsonl")}
    with pytest.raises(SystemExit, match=r"roles.yaml line 3: 'icb:E5400006' is not a role"):
        Settings.from_env(env)
    for text, message in (("hwd: boss\n", "line 1: 'boss' is not a role"),
                          ("a: national\na: national\n", "line 2: group 'a' is listed twice"),
                          ("a: [national, icb:E54000061]\n", "line 1: expected `group: role`"),
                          ("", "has no roles")):
        with pytest.raises(SettingError, match=message):
            parse_roles(text)
    assert parse_roles("g: ICB:e54000061").of(["g", "other"]) == {"icb:E54000061"}


def test_settings_1b_an_icb_the_warehouse_does_not_have_stops_start_up_naming_the_line(demo_warehouse):
    from dashboard import auth
    from dashboard.domain import domain

    roles = parse_roles("hwd-national: national\nhwd-x: icb:E54999999\n", "roles.yaml")
    with pytest.raises(SettingError, match=r"roles.yaml line 2: 'icb:E54999999' is not a role: 'E54999999' is not "
                                           r"one of the 42 ICBs"):
        roles.check_codes(domain().areas_at("icb")["code"])
    config = dataclasses.replace(AuthSettings(), mode="proxy", roles=roles)
    with pytest.raises(SystemExit, match="line 2"):
        auth.check_roles(config)
    parse_roles(ROLES).check_codes(domain().areas_at("icb")["code"])  # the good file passes


@pytest.mark.parametrize("missing, message", [
    ("DASHBOARD_TRUSTED_PROXIES", "needs DASHBOARD_TRUSTED_PROXIES"),
    ("DASHBOARD_ROLES", "needs DASHBOARD_ROLES"),
    ("DASHBOARD_AUDIT_LOG", "needs DASHBOARD_AUDIT_LOG"),
])
def test_settings_2_proxy_mode_needs_its_settings(tmp_path, missing, message):
    roles = tmp_path / "roles.yaml"
    roles.write_text(ROLES)
    env = {"DASHBOARD_AUTH": "proxy", "DASHBOARD_TRUSTED_PROXIES": PROXY, "DASHBOARD_ROLES": str(roles),
           "DASHBOARD_AUDIT_LOG": str(tmp_path / "a.jsonl")}
    del env[missing]
    with pytest.raises(SystemExit, match=message):
        Settings.from_env(env)


def test_settings_3_oidc_refuses_to_start_without_a_session_secret(tmp_path):
    roles = tmp_path / "roles.yaml"
    roles.write_text(ROLES)
    env = {"DASHBOARD_AUTH": "oidc", "DASHBOARD_ROLES": str(roles), "DASHBOARD_AUDIT_LOG": str(tmp_path / "a"),
           "DASHBOARD_OIDC_ISSUER": "https://login.example.nhs.uk", "DASHBOARD_OIDC_CLIENT_ID": "hwd",
           "DASHBOARD_OIDC_CLIENT_SECRET": "s3cret"}
    with pytest.raises(SystemExit, match="needs DASHBOARD_SECRET_KEY"):
        Settings.from_env(env)
    with pytest.raises(SystemExit, match="too short"):
        Settings.from_env({**env, "DASHBOARD_SECRET_KEY": "short"})
    assert Settings.from_env({**env, "DASHBOARD_SECRET_KEY": "k" * 32}).auth.mode == "oidc"
    with pytest.raises(SystemExit, match="DASHBOARD_AUTH must be one of open, proxy, oidc"):
        Settings.from_env({"DASHBOARD_AUTH": "basic"})
    with pytest.raises(SystemExit, match="not an address or CIDR"):
        Settings.from_env({"DASHBOARD_AUTH": "proxy", "DASHBOARD_TRUSTED_PROXIES": "proxy.local"})


def test_roles_10_the_profile_pdf_says_which_cards_need_sign_in(client, proxy):
    from dashboard import exports, profile_pdf

    with client.application.test_request_context(environ_base={"REMOTE_ADDR": PROXY}):
        page = profile_pdf.document(Filters(geo=SY), exports.Context.now("http://localhost/profile"))
    cards = registry.page("/profile").charts
    restricted_cards = [registry.get(c).title for c in cards if registry.get(c).restricted]
    assert restricted_cards and page.count("Sign in to see pilot returns for your ICB") == len(restricted_cards)
    for title in restricted_cards:
        section = page.split(f"<h2>{title}</h2>", 1)[1].split("</section>", 1)[0]
        assert "<img" not in section
    assert page.count("<img") == len(cards) - len(restricted_cards)


def test_roles_11_the_openapi_document_names_the_refusals(client):
    document = client.get("/api/openapi.json").get_json()
    responses = document["paths"]["/api/v1/charts/interventions-outcomes"]["get"]["responses"]
    assert {"401", "403"} <= set(responses)
    assert "401" not in document["paths"]["/api/v1/charts/regions-league"]["get"]["responses"]
