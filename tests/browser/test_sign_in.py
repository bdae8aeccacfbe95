"""Signing in with OpenID Connect, end to end in headless Chromium (issue 21).

A real OIDC provider runs in its own process on localhost (``oidc-provider-mock``: Authlib's server, with
discovery, signed ID tokens, userinfo and RP-initiated logout), with two users whose ``groups`` claim maps to an
ICB role and the national role in a roles file. The dashboard runs in another process with ``DASHBOARD_AUTH=oidc``.
The browser follows the sign-in redirect to the provider's form and back, sees what its role allows, and signs out.
Both serve on ``localhost`` (a secure context, so the Secure session cookie is kept over http in a test).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from tests.conftest import ROOT, browser_context

SY, GM = "E54000061", "E54000057"
USERS = {"sy@nhs.example": ["staff", "hwd-icb-south-yorkshire"], "nat@dwp.example": ["hwd-national"]}
ROLES = "hwd-national: national\nhwd-icb-south-yorkshire: icb:E54000061\n"
SERVE = ("import app; from dashboard.settings import Settings; s = Settings.from_env(); "
         "app.create_app(s).run(host='127.0.0.1', port=s.port, debug=False)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{url} did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.3)


@contextmanager
def _process(args: list[str], env: dict, ready: str, log):
    with log.open("w") as out:
        proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _wait(ready, proc, log)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The identity provider, in its own process, with the test users and their groups."""
    port = _free_port()
    base = f"http://localhost:{port}"
    log = tmp_path_factory.mktemp("idp") / "idp.log"
    env = {**os.environ, "AUTHLIB_INSECURE_TRANSPORT": "1"}
    with _process([sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--host", "127.0.0.1"], env,
                  f"{base}/.well-known/openid-configuration", log):
        for sub, groups in USERS.items():
            request = urllib.request.Request(
                f"{base}/users/{sub}", method="PUT", headers={"Content-Type": "application/json"},
                data=json.dumps({"email": sub, "name": sub.split("@")[0].upper(), "groups": groups}).encode())
            urllib.request.urlopen(request, timeout=10).close()
        yield base


@pytest.fixture(scope="module")
def dashboard(provider, demo_db, tmp_path_factory):
    """The dashboard in OIDC mode; yields (its base URL, the audit log's path)."""
    work = tmp_path_factory.mktemp("oidc-app")
    (work / "roles.yaml").write_text(ROLES)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PORT": str(port), "DASHBOARD_DB": str(demo_db),
           "DASHBOARD_AUTH": "oidc", "DASHBOARD_ROLES": str(work / "roles.yaml"),
           "DASHBOARD_AUDIT_LOG": str(work / "audit.jsonl"), "DASHBOARD_SECRET_KEY": "t" * 40,
           "DASHBOARD_OIDC_ISSUER": provider, "DASHBOARD_OIDC_CLIENT_ID": "health-work-dashboard",
           "DASHBOARD_OIDC_CLIENT_SECRET": "not-a-real-secret"}
    base = f"http://localhost:{port}"
    with _process([sys.executable, "-c", SERVE], env, f"{base}/healthz", work / "app.log"):
        yield base, work / "audit.jsonl"


def _sign_in(page, sub: str):
    page.get_by_role("link", name="Sign in").first.click()
    page.wait_for_url("**/oauth2/authorize**")
    page.fill("input[name=sub]", sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_selector(".user-bar")


def _summary(page, chart_id: str) -> str:
    return page.locator(f"#{chart_id}-summary").inner_text()


def test_sign_in_1_an_icb_commissioner_signs_in_sees_their_icb_and_signs_out(browser, dashboard):
    base, audit = dashboard
    with browser_context(browser, base) as wrapped:
        page = wrapped.open(f"/interventions?geo={SY}")
        assert "Sign in to see pilot returns for your ICB" in _summary(page, "interventions-outcomes")
        assert page.locator(f"#card-interventions-outcomes .chart-download").count() == 0

        _sign_in(page, "sy@nhs.example")
        wrapped.wait_for_charts()
        assert page.url.endswith(f"/interventions?geo={SY}")
        assert "Signed in as SY" in page.locator(".user-bar").inner_text()
        assert "ICB: South Yorkshire" in page.locator(".user-bar").inner_text()
        summary = _summary(page, "interventions-outcomes")
        assert "Sign in" not in summary and "%" in summary
        cookie = next(c for c in page.context.cookies() if c["name"] == "hwd_session")
        assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"

        # the same session through the export routes: its own ICB yes, another ICB no (403 with the reason)
        mine = page.request.get(f"{base}/export/interventions-outcomes.csv?geo={SY}")
        assert mine.status == 200 and "programme" in mine.text()
        other = page.request.get(f"{base}/export/interventions-outcomes.csv?geo={GM}")
        assert other.status == 403 and "South Yorkshire" in other.text()

        # another area on the page: the card names what the role can see
        page.goto(f"{base}/interventions?geo={GM}")
        wrapped.wait_for_charts()
        assert "Your role lets you see pilot returns for South Yorkshire only" in _summary(
            page, "interventions-outcomes")

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/auth/signed-out")
        assert page.request.get(f"{base}/export/interventions-outcomes.csv?geo={SY}").status == 401
        page.get_by_role("link", name="Sign out of your organisation's account as well").click()
        page.get_by_role("button", name="End session").click()  # the provider's own sign-out, then back
        page.wait_for_selector("main h1")
        wrapped.wait_for_charts()
        assert page.get_by_role("link", name="Sign in").count() >= 1
        assert page.request.get(f"{base}/export/interventions-outcomes.csv?geo={SY}").status == 401
        # the dashboard's own responses: no server error, no script error (the provider's pages fetch a stylesheet
        # from a CDN and have no favicon: not ours)
        assert [e for e in wrapped.errors if e.startswith(("pageerror", f"HTTP 5"))] == [], wrapped.errors
        assert [e for e in wrapped.errors if e.startswith("HTTP 4") and base in e and "/export/" not in e] == []

    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    events = [(line["event"], line.get("email")) for line in lines]
    assert ("sign-in", "sy@nhs.example") in events and ("sign-out", "sy@nhs.example") in events
    assert any(line["event"] == "access" and line["channel"] == "page" and line["scope"] == [SY] for line in lines)
    assert any(line.get("status") == 403 and line.get("channel") == "export csv" for line in lines)


def test_sign_in_2_a_national_analyst_sees_england(browser, dashboard):
    base, _ = dashboard
    with browser_context(browser, base) as wrapped:
        page = wrapped.open("/interventions")
        _sign_in(page, "nat@dwp.example")
        wrapped.wait_for_charts()
        assert "(national)" in page.locator(".user-bar").inner_text()
        for chart_id in ("interventions-outcomes", "interventions-funnel", "interventions-cost"):
            assert "Sign in" not in _summary(page, chart_id)
        england = page.request.get(f"{base}/api/v1/charts/interventions-funnel")
        assert england.status == 200 and len({row["area_code"] for row in england.json()["data"]}) > 30


def test_sign_in_3_a_sign_in_cannot_be_sent_to_another_site(browser, dashboard):
    base, _ = dashboard
    with browser_context(browser, base) as wrapped:
        page = wrapped.page
        page.goto(f"{base}/auth/sign-in?next=https://evil.example/")
        page.fill("input[name=sub]", "sy@nhs.example")
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_selector(".user-bar")
        assert page.url.startswith(base + "/")
        # a sign-out posted from another site is refused (the browser says where it came from)
        response = page.request.post(f"{base}/auth/sign-out", headers={"Origin": "https://evil.example"})
        assert response.status == 403


def test_sign_in_4_the_sign_in_states_meet_wcag(browser, dashboard):
    """axe on a page of "sign in" cards, the signed-in header with its sign-out button, and the signed-out page."""
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.test_accessibility import TAGS, serious

    base, _ = dashboard
    axe = Axe()
    with browser_context(browser, base) as wrapped:
        page = wrapped.open(f"/interventions?geo={SY}")
        assert serious(axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})) == []
        _sign_in(page, "sy@nhs.example")
        wrapped.open(f"/interventions?geo={GM}")
        assert serious(axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})) == []
        page.get_by_role("button", name="Sign out").focus()
        page.keyboard.press("Enter")  # reachable and usable by keyboard
        page.wait_for_url("**/auth/signed-out")
        assert serious(axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})) == []
        assert page.locator("h1").inner_text() == "You have signed out of the dashboard"
