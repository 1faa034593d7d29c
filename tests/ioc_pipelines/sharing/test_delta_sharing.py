"""Delta Sharing read by the official client (delta-sharing, in the agency's own Python) from a
real ``ioc serve``: exactly the agency's grants, the same rows as the published lake, a pinned
release, refusals for what is not granted, an expired or forged URL, a revoked grant; every
access in the audit log."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from ioc_pipelines import clock
from ioc_pipelines.core import audit, delta_sharing, grants, notices
from ioc_pipelines.core.accounts import get
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.publishing import release_table
from ioc_pipelines.resources.lakes import connect
from tests.ioc_pipelines.sharing.conftest import CHANGED
from tests.ioc_pipelines.web.portal_helpers import USERS

pytestmark = pytest.mark.slow

READ = """
import json, delta_sharing, pandas
url = PROFILE + "#ioc.published." + VALUES["table"]
frame = delta_sharing.load_as_pandas(url, version=VALUES.get("version"))
rows = sorted([[None if pandas.isna(v) else str(v) for v in row]
               for row in frame.itertuples(index=False)], key=lambda r: r[0])
print(json.dumps({"columns": list(frame.columns), "rows": rows}))
"""

REFUSED = """
import json, delta_sharing
try:
    delta_sharing.load_as_pandas(PROFILE + "#ioc.published." + VALUES["table"])
    print(json.dumps({"refused": None}))
except Exception as exc:
    print(json.dumps({"refused": str(exc)}))
"""


def _lake_rows(settings, table: str, release: int, columns: list[str]) -> list[list]:
    """The table's rows in the published lake, as text, sorted by the first column."""
    with connect(settings, work=False, published=True) as con:
        select = ", ".join(f'"{c}"' for c in columns)
        rows = con.execute(f"SELECT {select} FROM {release_table(table, release)}").fetchall()
    return sorted(([None if v is None else str(v) for v in row] for row in rows),
                  key=lambda r: r[0])


def test_the_agency_lists_exactly_its_grants(sharing_world):
    got = sharing_world.agency("""
import json, delta_sharing
client = delta_sharing.SharingClient(PROFILE)
print(json.dumps({"shares": [s.name for s in client.list_shares()],
                  "tables": sorted(t.name for t in client.list_all_tables())}))
""")
    agency = get(sharing_world.settings, USERS["agency"])
    assert got["shares"] == ["ioc"]
    assert got["tables"] == sorted(grants.grants(sharing_world.settings, agency))
    assert "housing_support_map" not in got["tables"]


def test_a_granted_table_reads_as_the_published_lake(sharing_world):
    got = sharing_world.agency(READ, table="dim_admin_units")
    assert "geom" in got["columns"]
    columns = [c for c in got["columns"] if c != "geom"]
    lake = _lake_rows(sharing_world.settings, "dim_admin_units", 2, columns)
    index = [got["columns"].index(c) for c in columns]
    shared = [[row[i] for i in index] for row in got["rows"]]
    assert len(shared) == len(lake) > 30
    assert shared == lake


def test_the_current_and_a_pinned_release(sharing_world):
    current = sharing_world.agency(READ, table=CHANGED)
    pinned = sharing_world.agency(READ, table=CHANGED, version=1)
    assert len(current["rows"]) == 3  # release 2 keeps three communes
    assert len(pinned["rows"]) == len(_lake_rows(sharing_world.settings, CHANGED, 1,
                                                 pinned["columns"])) > 3
    assert pinned["rows"] == _lake_rows(sharing_world.settings, CHANGED, 1, pinned["columns"])
    # counts are whole numbers, not doubles
    population = pinned["columns"].index("population")
    assert all(row[population].isdigit() for row in pinned["rows"])


def test_a_table_not_granted_is_refused(sharing_world):
    got = sharing_world.agency(REFUSED, table="housing_support_map")
    assert got["refused"] and "403" in got["refused"]
    assert "housing_support_map" in got["refused"]
    unknown = sharing_world.agency(REFUSED, table="citizens")
    assert unknown["refused"] and "404" in unknown["refused"]


def _query(world, table: str, **body) -> tuple[httpx.Response, str | None]:
    response = httpx.post(
        f"{world.portal.url}/delta-sharing/shares/ioc/schemas/published/tables/{table}/query",
        json=body, headers={"Authorization": f"Bearer {world.token}"}, timeout=120)
    lines = [line for line in response.text.splitlines() if '"file"' in line]
    import json

    return response, (json.loads(lines[0])["file"]["url"] if lines else None)


def test_signed_urls_expire_and_cannot_be_forged(sharing_world):
    response, url = _query(sharing_world, "dim_indicators")
    assert response.status_code == 200 and response.headers["delta-table-version"] == "2"
    assert httpx.get(url, timeout=60).status_code == 200
    parts = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    # a URL signed correctly but expired a minute ago
    settings, past = sharing_world.settings, int(time.time()) - 60
    sig = delta_sharing.signature(settings, 2, "dim_indicators", int(query["agency"]), past)
    expired = httpx.get(base, params={**query, "expires": past, "sig": sig}, timeout=60)
    assert expired.status_code == 403 and "hết hạn" in expired.json()["message"]
    # the same URL with a later expiry (or another table) does not match its signature
    forged = httpx.get(base, params={**query, "expires": int(query["expires"]) + 3600},
                       timeout=60)
    assert forged.status_code == 403
    other = httpx.get(base.replace("dim_indicators", "housing_support_map"), params=query,
                      timeout=60)
    assert other.status_code == 403


def test_request_grant_read_and_revoke(sharing_world):
    settings = sharing_world.settings
    agency, admin = get(settings, USERS["agency"]), Actor(USERS["admin"], "web", "admin")
    asked = grants.request_dataset(settings, agency.actor(), agency, "housing_support_map",
                                   purpose="Hỗ trợ nhà ở", legal_basis="Nghị quyết 42/2023",
                                   period="2026")
    assert sharing_world.agency(REFUSED, table="housing_support_map")["refused"]
    grants.decide(settings, admin, asked.request_id, approve=True,
                  ends_on=clock.today() + timedelta(days=30))
    got = sharing_world.agency(READ, table="housing_support_map")
    assert len(got["rows"]) > 0 and "house_key" in got["columns"]
    _, url = _query(sharing_world, "housing_support_map")
    grants.revoke(settings, admin, asked.request_id, reason="Hết nhu cầu")
    assert "403" in sharing_world.agency(REFUSED, table="housing_support_map")["refused"]
    assert httpx.get(url, timeout=60).status_code == 403  # a URL handed out before: refused
    subjects = [n.subject for n in notices.inbox(settings, agency)]
    assert any("cấp quyền" in s for s in subjects) and any("thu hồi" in s for s in subjects)


def test_every_access_is_audited(sharing_world):
    sharing_world.agency(READ, table="dim_sensors")
    entries = list(audit.entries(sharing_world.settings, actor=USERS["agency"],
                                 action="share."))
    actions = {e["action"] for e in entries}
    assert {"share.list", "share.metadata", "share.query"} <= actions
    assert any(e["object"] == "ioc.published.dim_sensors" and e["action"] == "share.query"
               for e in entries)
    refused = [e for e in entries if e["outcome"] == "refused"]
    assert refused, "a refused read is audited too"
    files = list(audit.entries(sharing_world.settings, action="share.file"))
    assert any(e["object"].startswith("dim_sensors@") for e in files)
    assert audit.verify(sharing_world.settings).ok
