"""The grant rules of the on-request workflow (on SQLite and a real PostgreSQL), the sharing
settings, and the per-agency rate limit of the sharing doors (in-process portal)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from ioc_pipelines import clock
from ioc_pipelines.core import accounts, grants, ratelimit, tokens
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.datasets import DatasetError
from ioc_pipelines.core.errors import RateLimited
from ioc_pipelines.resources import appdb
from ioc_pipelines.settings import SettingsError, load_settings

ADMIN = Actor("quantri", "cli", "admin")
PASSWORD = "Mật-khẩu-thử-2026"


def _agency(settings, username: str = "so.xay.dung"):
    return accounts.create(settings, ADMIN, username=username, full_name="Trần Thị B",
                           unit="Sở Xây dựng", role="agency", password=PASSWORD)


def _ask(settings, account, name="housing_support_map", **changes):
    fields = {"purpose": "Hỗ trợ nhà ở", "legal_basis": "Nghị quyết 42", "period": "2026",
              **changes}
    return grants.request_dataset(settings, account.actor("web"), account, name, **fields)


def test_the_workflow_refuses_what_it_must(app_settings):
    settings = app_settings
    agency = _agency(settings)
    provider = accounts.create(settings, ADMIN, username="syt", full_name="Lê Văn C",
                               unit="Sở Y tế", role="provider", password=PASSWORD,
                               providers=["SYT"])
    with pytest.raises(grants.GrantError, match="chỉ tài khoản cơ quan"):
        _ask(settings, provider)
    with pytest.raises(DatasetError, match="không có bộ dữ liệu"):
        _ask(settings, agency, "citizens")
    with pytest.raises(grants.GrantError, match="đã được chia sẻ mặc định"):
        _ask(settings, agency, "population_by_commune")
    with pytest.raises(grants.GrantError, match="mục đích"):
        _ask(settings, agency, purpose=" ")
    asked = _ask(settings, agency)
    with pytest.raises(grants.GrantError, match=f"đã có yêu cầu số {asked.request_id}"):
        _ask(settings, agency)
    with pytest.raises(grants.GrantError, match="ngày hết hạn"):
        grants.decide(settings, ADMIN, asked.request_id, approve=True)
    with pytest.raises(grants.GrantError, match="lý do"):
        grants.decide(settings, ADMIN, asked.request_id, approve=False, reason="")
    with pytest.raises(grants.GrantError, match="không phải là quyền đang có"):
        grants.revoke(settings, ADMIN, asked.request_id, reason="x")
    ends = clock.today() + timedelta(days=10)
    grants.decide(settings, ADMIN, asked.request_id, approve=True, ends_on=ends)
    with pytest.raises(grants.GrantError, match="đã được quyết định"):
        grants.decide(settings, ADMIN, asked.request_id, approve=False, reason="đổi ý")
    assert "housing_support_map" in grants.grants(settings, agency)
    # the grant ends with its last day; a locked agency receives nothing
    assert "housing_support_map" not in grants.grants(settings, agency,
                                                      today=ends + timedelta(days=1))
    assert grants.get_request(settings, asked.request_id).state(ends + timedelta(days=1)) == (
        "expired")
    locked = accounts.set_status(settings, ADMIN, agency.username, "locked")
    assert grants.grants(settings, locked) == {}
    assert grants.grants(settings, provider) == {}
    with pytest.raises(grants.NotGranted):
        grants.require_grant(settings, locked, "population_by_commune")


def test_the_default_list_is_checked(tmp_path):
    env = {"IOC_HOME": str(tmp_path / "ioc"), "IOC_ENV_FILE": str(tmp_path / "none.env")}
    settings = load_settings({**env, "IOC_SHARING_DEFAULT": "dim_admin_units, no_such_mart"})
    assert settings.sharing_default == ("dim_admin_units", "no_such_mart")
    with pytest.raises(grants.GrantError, match="no_such_mart.*not shareable"):
        grants.default_datasets(settings)
    for name, value in [("IOC_SHARING_DEFAULT", "a;DROP TABLE x"), ("IOC_SHARING_RATE", "0"),
                        ("IOC_SHARING_URL_MINUTES", "soon")]:
        with pytest.raises(SettingsError, match=name):
            load_settings({**env, name: value})
    assert grants.default_datasets(load_settings(env)) == grants.DEFAULT_SHARED


def test_the_rate_limit_window():
    ratelimit.reset()
    for second in range(5):
        ratelimit.check("a", 5, now=1000.0 + second)
    with pytest.raises(RateLimited) as refused:
        ratelimit.check("a", 5, now=1010.0)
    assert refused.value.retry_after == 51  # the oldest of the five leaves the window at 1060
    ratelimit.check("b", 5, now=1010.0)  # another client is not slowed down
    ratelimit.check("a", 5, now=1060.5)  # a minute after the first: room again


def test_each_agency_is_limited_on_the_sharing_doors(tmp_path):
    settings = load_settings({"IOC_HOME": str(tmp_path / "ioc"), "IOC_SHARING_RATE": "3",
                              "IOC_ENV_FILE": str(tmp_path / "none.env")})
    ratelimit.reset()
    from ioc_pipelines.web.app import create_app

    first, second = _agency(settings, "co.quan.a"), _agency(settings, "co.quan.b")
    one = tokens.create(settings, ADMIN, first.username, "t")[0]
    two = tokens.create(settings, ADMIN, second.username, "t")[0]
    try:
        with TestClient(create_app(settings)) as client:
            def get(token, path="/delta-sharing/shares"):
                return client.get(path, headers={"Authorization": f"Bearer {token}"})

            assert [get(one).status_code for _ in range(3)] == [200, 200, 200]
            refused = get(one, "/ogc/collections")
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
            assert get(one).json()["errorCode"] == "RESOURCE_EXHAUSTED"
            assert get(two).status_code == 200  # per agency
    finally:
        appdb.dispose(settings)


FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL", "IRREG", "CONT"}
THEMES = {"AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI",
          "SOCI", "TECH", "TRAN"}


def test_every_published_mart_describes_itself_as_a_dataset():
    """The catalogue, the portal and the OGC collections take each mart's title and description
    in Vietnamese, theme, frequency and time column from its dbt YAML (meta.dataset)."""
    from ioc_pipelines.core.datasets import all_datasets
    from ioc_pipelines.core.publishing import published_marts

    found = all_datasets()
    assert set(found) == set(published_marts())
    vietnamese = set("ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ")
    for name, ds in found.items():
        assert ds.title != name and set(ds.title.lower()) & vietnamese, name
        assert set(ds.description.lower()) & vietnamese, name
        assert ds.frequency in FREQUENCIES and ds.theme in THEMES, name
        assert ds.temporal is None or ds.temporal in ds.column_docs, name
    layers = {name for name, ds in found.items() if ds.is_layer}
    assert layers == {"dim_admin_units", "dim_sensors", "housing_support_map",
                      "map_infrastructure_lines", "map_points_of_interest", "planning_areas"}
