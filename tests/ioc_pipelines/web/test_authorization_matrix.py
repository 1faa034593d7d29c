"""Every route × every role (and anonymous), against a real ``ioc serve``: allowed or denied
exactly as the one permission table says (``core/access.py``, rendered in docs/security.md).
A provider never reads or delivers for another provider's code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ioc_pipelines.core import access
from ioc_pipelines.core.accounts import ROLES
from ioc_pipelines.web.app import ROUTERS
from ioc_pipelines.web.security import PUBLIC_ROUTES, ROUTE_PERMISSIONS, routes_markdown

DOCS = Path(__file__).resolve().parents[3] / "docs" / "security.md"
SAMPLES = {"candidate_id": "999", "release_id": "999", "username": "nobody", "prefix": "deadbeef", "provider": "SYT", "delivery_id": "x",
           "ext": "html", "source": "households", "share": "ioc", "schema": "published",
           "table": "dim_indicators", "release": "1", "name": "dim_indicators", "fmt": "csv",
           "feature_id": "x", "request_id": "999", "alert_id": "999"}


def _routes() -> list[tuple[str, str]]:
    found = []
    for router in ROUTERS:
        for route in router.routes:
            for method in sorted(route.methods - {"HEAD"}):
                found.append((method, route.path))
    return found


ROUTES = _routes()


def test_every_route_has_a_permission_and_the_docs_show_the_table():
    unguarded = [r for r in ROUTES if r not in ROUTE_PERMISSIONS and r not in PUBLIC_ROUTES]
    assert unguarded == [], "every route is registered with guarded(…, permission)"
    assert set(ROUTE_PERMISSIONS.values()) <= set(access.PERMISSIONS)
    docs = DOCS.read_text(encoding="utf-8")
    assert access.markdown_table() in docs, "docs/security.md must hold access.markdown_table()"
    assert routes_markdown() in docs, "docs/security.md must hold security.routes_markdown()"


def _request(client, method: str, path: str, csrf: str | None):
    url = re.sub(r"\{(\w+)\}", lambda m: SAMPLES[m.group(1)], path)
    if method == "GET":
        return client.get(url)
    form = {"csrf_token": csrf or "", "provider": "SYT", "source": "households", "status": "",
            "role": "", "name": ""}
    return client.post(url, data=form, headers={"X-CSRF-Token": csrf or ""})


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_route_for_every_role(portal, role):
    client = portal.client(role)
    for method, path in ROUTES:
        if (method, path) in PUBLIC_ROUTES:
            continue
        permission = ROUTE_PERMISSIONS[(method, path)]
        response = _request(client, method, path, getattr(client, "csrf", None))
        where = f"{method} {path} as {role or 'anonymous'}: {response.status_code}"
        if role is None:
            if path.startswith(("/api/", "/delta-sharing/", "/ogc")):
                assert response.status_code == 401, where
            else:
                assert (response.status_code, response.headers.get("location")) == (
                    303, "/login"), where
        elif access.allowed(role, permission):
            assert response.status_code not in {401, 403} and response.status_code < 500, (
                where + " " + response.text[:300])
        else:
            assert response.status_code == 403, where
        if method == "POST" and path == "/logout" and role is not None:
            client = portal.client(role)  # the session just ended


def test_a_provider_never_reaches_another_providers_code(portal):
    client = portal.client("provider")
    for method, path, extra in [
        ("GET", "/feedback/XA_03388/x/html", {}),
        ("POST", "/deliveries/upload", {"provider": "XA_03388"}),
        ("POST", "/api/v1/deliveries/households", {"provider": "XA_03388"}),
    ]:
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": client.csrf, "source": "households",
                                               **extra},
                                   files={"files": ("SYT__x.csv", b"a;b\n1;2\n")},
                                   headers={"X-CSRF-Token": client.csrf})
        assert response.status_code == 403, f"{method} {path}: {response.status_code}"
        assert "XA_03388" in response.text
