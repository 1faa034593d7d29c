"""Definitions are discovered per domain folder, and loading them never parses dbt."""

from __future__ import annotations

from types import ModuleType

import dagster as dg
import pytest

import ioc_pipelines.defs as defs
from ioc_pipelines.settings import load_settings


@dg.asset(key=["demo", "a"])
def _asset_a():
    return 1


@dg.asset(key=["demo", "b"])
def _asset_b():
    return 2


def test_collect_flattens_lists_and_dicts_and_keeps_each_once(monkeypatch, ioc_home):
    job = dg.define_asset_job("demo_job", selection=[dg.AssetKey(["demo", "a"])])
    first, second = ModuleType("first"), ModuleType("second")
    first.ASSETS = [_asset_a, (_asset_b,)]
    first.JOBS = {"a": job}
    first.KEY = dg.AssetKey(["demo", "a"])  # not a definition, and tuple-like: skipped
    second.again = _asset_a  # imported into another module: still one asset
    second.build = lambda settings: [dg.ScheduleDefinition(job=job, cron_schedule="0 1 * * *")]
    monkeypatch.setattr(defs, "domain_modules", lambda: iter([first, second]))
    found = defs.collect(load_settings())
    assert [a.key.to_user_string() for a in found["assets"]] == ["demo/a", "demo/b"]
    assert [j.name for j in found["jobs"]] == ["demo_job"]
    assert len(found["schedules"]) == 1 and found["asset_checks"] == []


def test_every_domain_module_is_imported():
    names = {m.__name__.removeprefix("ioc_pipelines.defs.") for m in defs.domain_modules()}
    assert {"raw.assets", "raw.jobs", "warehouse.assets", "quality.assets", "quality.checks",
            "quality.mart_checks", "publish.assets", "publish.jobs",
            "briefings.assets", "briefings.jobs"} <= names


def test_loading_never_parses_dbt(monkeypatch, ioc_home):
    def refuse(*_args, **_kwargs):
        raise AssertionError("dbt was invoked while loading the definitions")

    monkeypatch.setattr("dagster_dbt.DbtCliResource.cli", refuse)
    # even with a manifest older than the models (where a parse at load would happen)
    monkeypatch.setattr("ioc_pipelines.resources.dbt._manifest_stale", lambda _path: True)
    loaded = defs.build_definitions(load_settings())
    assert loaded.resolve_job_def("ioc_main_job") is not None


def test_loading_without_a_manifest_says_to_set_up(monkeypatch, ioc_home, tmp_path):
    class Project:
        manifest_path = tmp_path / "target" / "manifest.json"

    monkeypatch.setattr(defs, "dbt_project", lambda settings: Project())
    with pytest.raises(defs.ManifestMissing, match="run `ioc setup`"):
        defs.build_definitions(load_settings())
