"""The portal's defences, against a real ``ioc serve``: login with its CSRF cookie, the session
cookie's flags, lockout after failed logins, CSRF refused, a locked account refused
mid-session, expired and revoked tokens refused, uploads with hostile names and hostile text
landed safely and shown inert, an upload while a run holds the home held and landed after —
each step in the audit log."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from ioc_pipelines.core import accounts, audit, inbox, tokens
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.lock import home_lock
from ioc_pipelines.resources.appdb import engine
from ioc_pipelines.resources.appdb.tables import api_tokens
from ioc_pipelines.web.app import INBOX_SECONDS
from tests.ioc_pipelines.web.portal_helpers import PASSWORD, USERS

HOSTILE_NAME = "../../<script>alert(1)</script>=cmd|' calc'!A0.csv"
HOSTILE_LIST = ("Mã hộ;Mã xã;Số nhân khẩu;Phân loại hộ;Năm rà soát\n"
                "<script>alert('x')</script>;03388;4;nghèo;2025\n"
                "=HYPERLINK(\"http://evil\",\"bấm\");03388;3;cận nghèo;2025\n")


def _login(portal, username, password):
    client = portal.client()
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    return client, client.post("/login", data={"username": username, "password": password,
                                               "csrf_token": token})


def test_login_sets_a_safe_cookie_and_csrf_is_required(portal):
    client, response = _login(portal, USERS["reviewer"], PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "ioc_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get("/")
    assert page.status_code == 200 and "Người dùng reviewer" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    # a form posted without the session's CSRF token is refused, and nothing changes
    refused = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "new_password": "Khac-hoan-toan-99",
                                                      "repeat": "Khac-hoan-toan-99"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert accounts.authenticate(portal.settings, USERS["reviewer"], PASSWORD)
    # a login form posted from elsewhere (no login CSRF cookie) is refused
    stranger = portal.client()
    forged = stranger.post("/login", data={"username": USERS["reviewer"],
                                           "password": PASSWORD, "csrf_token": "x"})
    assert forged.status_code == 403 and "ioc_session" not in forged.headers.get("set-cookie", "")


def test_lockout_after_failed_logins(portal):
    accounts.create(portal.settings, Actor("t"), username="lockme", full_name="Khóa Thử",
                    unit="Đơn vị", role="analyst", password=PASSWORD)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        _client, response = _login(portal, "lockme", "Sai-mat-khau-123")
        assert response.status_code == 401
        assert "không đúng" in response.text
    _client, response = _login(portal, "lockme", PASSWORD)
    assert response.status_code == 401  # locked out: the right password too
    entries = list(audit.entries(portal.settings, actor="lockme", action="login.failure"))
    assert len(entries) == accounts.MAX_FAILED_LOGINS + 1
    assert entries[0]["via"] == "web" and entries[0]["address"] == "127.0.0.1"


def test_an_account_locked_by_an_admin_is_refused_mid_session(portal):
    accounts.create(portal.settings, Actor("t"), username="midsession", full_name="Giữa Phiên",
                    unit="Đơn vị", role="analyst", password=PASSWORD)
    user, response = _login(portal, "midsession", PASSWORD)
    assert user.get("/").status_code == 200
    admin = portal.client("admin")
    locked = admin.post("/admin/accounts/midsession/status",
                        data={"csrf_token": admin.csrf, "status": "locked", "reason": "thử"})
    assert locked.status_code == 200 and "midsession: locked" in locked.text
    after = user.get("/")
    assert (after.status_code, after.headers["location"]) == (303, "/login")
    [entry] = audit.entries(portal.settings, action="account.lock", actor=USERS["admin"])
    assert entry["object"] == "midsession" and entry["via"] == "web"


def test_expired_and_revoked_tokens_are_refused(portal):
    text, token = tokens.create(portal.settings, Actor("t"), USERS["provider"], "hệ thống SYT")
    api = portal.client()
    bearer = {"Authorization": f"Bearer {text}"}
    me = api.get("/api/v1/me", headers=bearer)
    assert me.status_code == 200 and me.json()["providers"] == ["SYT"]
    assert me.json()["via"] == "api"
    with engine(portal.settings).begin() as con:
        con.execute(update(api_tokens).where(api_tokens.c.prefix == token.prefix)
                    .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    text2, token2 = tokens.create(portal.settings, Actor("t"), USERS["provider"], "thứ hai")
    tokens.revoke(portal.settings, Actor("t"), token2.prefix)
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {text2}"}
                   ).status_code == 401
    assert api.get("/api/v1/me", headers={"Authorization": "Bearer ioc_x_y"}).status_code == 401


def test_hostile_uploads_land_safely_and_show_inert(portal):
    provider = portal.client("provider")
    response = provider.post("/deliveries/upload",
                             data={"csrf_token": provider.csrf, "source": "households",
                                   "provider": "SYT"},
                             files=[("files", (HOSTILE_NAME, HOSTILE_LIST.encode())),
                                    ("files", ("SYT__rong.csv", b""))])
    assert response.status_code == 200  # one accepted, one refused: both answered
    html = response.text
    assert "<script>" not in html and "script_=cmd__ calc__A0.csv" in html  # the name made safe
    assert "Bị từ chối: tệp rỗng" in html  # the reason in Vietnamese
    assert 'class="accepted"' in html
    # accepted: what was read, as the provider reads it
    assert '<span class="records">2 bản ghi (households__households: 2)</span>' in html
    assert '<span class="encoding">utf-8</span>' in html
    listing = provider.get("/deliveries")
    assert listing.status_code == 200
    assert "<script>" not in listing.text and "households" in listing.text
    landed = [e for e in audit.entries(portal.settings, action="delivery.file")]
    assert {e["outcome"] for e in landed} == {"ok", "refused"}
    assert all(".." not in e["object"].split("/", 1)[1] for e in landed)
    # the same through the API with the provider's token; another code is refused
    text, _ = tokens.create(portal.settings, Actor("t"), USERS["provider"], "api")
    api = portal.client()
    answer = api.post("/api/v1/deliveries/households", data={"provider": "SYT"},
                      files={"files": ("SYT__ho.csv", HOSTILE_LIST.encode())},
                      headers={"Authorization": f"Bearer {text}"})
    assert answer.status_code == 200, answer.text
    [result] = answer.json()
    assert result["accepted"] and result["delivery_id"].startswith("households-")
    assert result["records"] == {"households__households": 2} and result["encoding"] == "utf-8"


def test_the_api_docs_work_offline(portal):
    client = portal.client()
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/docs-static/swagger-ui-bundle.js" in docs.text
    assert "cdn." not in docs.text  # no CDN: the closed network cannot reach one
    assert client.get("/api/docs-static/swagger-ui-bundle.js").status_code == 200
    paths = set(client.get("/api/openapi.json").json()["paths"])
    # the JSON API and the sharing protocols (OGC API's service-desc points here); no page
    assert {"/api/v1/me", "/api/v1/deliveries", "/api/v1/deliveries/{source}",
            "/api/v1/datasets", "/ogc/collections/{name}/items", "/catalog.jsonld",
            "/delta-sharing/shares/{share}/schemas/{schema}/tables/{table}/query"} <= paths
    assert all(p.startswith(("/api/v1/", "/delta-sharing/", "/ogc", "/catalog.jsonld"))
               for p in paths), paths
    assert not paths & {"/sharing", "/admin/sharing", "/inbox", "/deliveries/upload",
                        "/delta-sharing/files/{release}/{name}.parquet"}


def test_an_upload_while_a_run_holds_the_home_is_answered_and_landed_after(portal):
    """A run holds the home's lock: the upload is not refused. Each file is checked at once
    (a bad one refused with its reason, a good one answered with what was read), the good one
    waits, listed, and the portal lands it under the provider's name once the lock is free."""
    provider = portal.client("provider")
    good = ("Mã hộ;Mã xã;Số nhân khẩu;Phân loại hộ;Năm rà soát\n"
            "1200000777;03388;4;nghèo;2025\n").encode()
    with home_lock(portal.settings, Actor("Nguyễn Văn A"), "ioc run"):
        response = provider.post("/deliveries/upload",
                                 data={"csrf_token": provider.csrf, "source": "households",
                                       "provider": "SYT"},
                                 files=[("files", ("SYT__cho_nap.csv", good)),
                                        ("files", ("SYT__rong_2.csv", b""))])
        assert response.status_code == 200, response.text
        assert "đang chờ nạp" in response.text and "1 bản ghi" in response.text
        assert "Bị từ chối: tệp rỗng" in response.text
        listing = provider.get("/deliveries").text
        assert 'id="held"' in listing and "SYT__cho_nap.csv" in listing
        time.sleep(2 * INBOX_SECONDS)  # the portal does not land while the lock is held
        assert inbox.held(portal.settings)
    deadline = time.monotonic() + 60
    while inbox.held(portal.settings):
        assert time.monotonic() < deadline, "the held upload was never landed"
        time.sleep(1)
    listing = provider.get("/deliveries").text
    assert 'id="held"' not in listing and "SYT__cho_nap.csv" in listing
    files = [e for e in audit.entries(portal.settings, action="delivery.file")
             if e["object"] == "households/SYT__cho_nap.csv"]
    assert [(e["actor"], e["outcome"]) for e in files] == [(USERS["provider"], "ok")]
    assert [e["outcome"] for e in audit.entries(portal.settings, action="delivery.queue")] == [
        "ok"]
