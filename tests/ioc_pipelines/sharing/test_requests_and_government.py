"""The on-request workflow in the portal and the CLI (request, refuse with a reason, approve
until a date, revoke — each told in the agency's inbox, each audited), the profile file an
agency downloads, and the Government data packet made by its Dagster asset and the CLI."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import dagster as dg
import httpx
import pytest

from ioc_pipelines import clock
from ioc_pipelines.core import audit
from ioc_pipelines.core.publishing import release_table
from ioc_pipelines.defs.sharing.assets import government_packet
from ioc_pipelines.resources.lakes import connect
from tests.conftest import clean_env, run_ioc
from tests.ioc_pipelines.web.portal_helpers import USERS

pytestmark = pytest.mark.slow
DATASET = "population_by_commune_ethnicity"


def _post(client, path: str, **form) -> httpx.Response:
    return client.post(path, data={"csrf_token": client.csrf, **form})


def _request_id(html: str) -> int:
    return int(re.search(r"Đã gửi yêu cầu số (\d+)", html).group(1))


def test_request_refuse_approve_revoke_through_portal_and_cli(sharing_world):
    portal = sharing_world.portal
    agency, admin = portal.client("agency"), portal.client("admin")
    page = agency.get("/sharing")
    assert page.status_code == 200 and "dim_admin_units" in page.text
    missing = _post(agency, "/sharing/requests", dataset=DATASET, purpose="", legal_basis="x",
                    period="2026")
    assert missing.status_code == 400 and "mục đích" in missing.text
    first = _post(agency, "/sharing/requests", dataset=DATASET, purpose="Lập kế hoạch y tế",
                  legal_basis="Công văn 12/UBND", period="2026")
    assert first.status_code == 200
    number = _request_id(first.text)
    assert admin.get("/admin/sharing").text.count(f'id="request-{number}"') == 1
    assert _post(admin, f"/admin/sharing/{number}/refuse", reason="").status_code == 400
    refused = _post(admin, f"/admin/sharing/{number}/refuse",
                    reason="Dữ liệu dân tộc chỉ chia sẻ theo văn bản của UBND tỉnh")
    assert refused.status_code == 200 and "đã từ chối" in refused.text
    assert "Dữ liệu dân tộc chỉ chia sẻ" in agency.get("/inbox").text
    second = _request_id(_post(agency, "/sharing/requests", dataset=DATASET,
                               purpose="Lập kế hoạch y tế", legal_basis="Văn bản 34/UBND",
                               period="2026").text)
    past = (clock.today() - timedelta(days=1)).isoformat()
    assert _post(admin, f"/admin/sharing/{second}/approve", ends_on=past).status_code == 400
    until = (clock.today() + timedelta(days=60)).isoformat()
    assert _post(admin, f"/admin/sharing/{second}/approve", ends_on=until).status_code == 200
    assert f'id="dataset-{DATASET}"' in agency.get("/sharing").text
    token = {"Authorization": f"Bearer {sharing_world.token}"}
    url = f"{portal.url}/api/v1/datasets/{DATASET}.csv"
    assert httpx.get(url, headers=token, timeout=120).status_code == 200
    # the operator revokes from the shell: refused at once
    env = clean_env(portal.settings.home)
    listed = run_ioc(env, "sharing", "requests").stdout
    assert re.search(rf"{second}\s+approved\s+{USERS['agency']}", listed)
    run_ioc(env, "sharing", "revoke", str(second), "--reason", "Hết thời hạn dự án")
    assert httpx.get(url, headers=token, timeout=120).status_code == 403
    again = run_ioc(env, "sharing", "revoke", str(second), "--reason", "x", check=False)
    assert again.returncode == 2 and "không phải là quyền đang có" in again.stderr
    inbox = agency.get("/inbox").text
    assert "đã bị thu hồi" in inbox and "Hết thời hạn dự án" in inbox
    actions = [e["action"] for e in audit.entries(portal.settings, action="share.")
               if e["object"] in {DATASET, f"request {number}", f"request {second}"}]
    assert actions.count("share.request") >= 2 and "share.refuse" in actions
    assert "share.approve" in actions and "share.revoke" in actions


def test_a_profile_file_from_the_portal_reads_the_share(sharing_world):
    agency = sharing_world.portal.client("agency")
    response = _post(agency, "/sharing/profile", days="7")
    assert response.status_code == 200
    assert "ioc.share" in response.headers["content-disposition"]
    profile = response.json()
    assert profile["shareCredentialsVersion"] == 1
    assert profile["endpoint"].endswith("/delta-sharing")
    shares = httpx.get(f"{profile['endpoint']}/shares", timeout=60,
                       headers={"Authorization": f"Bearer {profile['bearerToken']}"})
    assert shares.json()["items"][0]["name"] == "ioc"
    # other roles get no profile and read nothing
    provider = sharing_world.portal.client("provider")
    assert _post(provider, "/sharing/profile").status_code == 403


def test_the_government_packet_from_dagster_and_the_cli(sharing_world):
    settings = sharing_world.settings
    with connect(settings, work=False, published=True) as con:
        period = con.execute(f"SELECT max(period) FROM {release_table('indicators_vs_plan', 2)}"
                             ).fetchone()[0]
        expected = con.execute(
            f"SELECT indicator_code, actual, plan_target, unit FROM "
            f"{release_table('indicators_vs_plan', 2)} WHERE period = ? ORDER BY 1",
            [period]).fetchall()
    result = dg.materialize([government_packet], resources={"settings": settings},
                            run_config={"ops": {"reports__government": {
                                "config": {"period": period}}}})
    assert result.success
    [event] = result.get_asset_materialization_events()
    meta = event.materialization.metadata
    assert meta["indicators"].value == len(expected) > 0 and meta["release_id"].value == 2
    path = settings.reports_dir / meta["object_key"].value.removeprefix("reports/")
    packet = json.loads(path.read_text(encoding="utf-8"))
    assert packet["header"]["tieu_chuan"] == "QCVN 125:2021/BTTTT"
    assert packet["body"]["ky_bao_cao"]["ma"] == period
    got = [(i["ma_chi_tieu"], i["thuc_hien"], i["ke_hoach"], i["don_vi_tinh"])
           for i in packet["body"]["chi_tieu"]]
    assert got == [tuple(row) for row in expected]
    first_bytes = path.read_bytes()
    out = run_ioc(clean_env(settings.home), "sharing", "government", "--period", period)
    assert f"{len(expected)} indicators of {period} from release 2" in out.stdout
    assert path.read_bytes() == first_bytes  # the same release and period, the same bytes
    bad = run_ioc(clean_env(settings.home), "sharing", "government", "--period", "2026-13",
                  check=False)
    assert bad.returncode == 2 and "month must be in 1..12" in bad.stderr
