"""The dbt resource pays no per-command cost for what the pipeline does not use: dbt's
version is the installed dbt-core's (no `dbt --version` subprocess, which also asks PyPI for
the latest release), and no dbt adapter is built in-process (it only serves row counts and
column metadata the assets never fetch)."""

from __future__ import annotations

import importlib.metadata

import dagster_dbt.core.resource as dagster_dbt_resource
import pytest

from ioc_pipelines.resources.dbt import dbt_resource
from ioc_pipelines.settings import load_settings


def test_no_version_probe_and_no_adapter(ioc_home, monkeypatch):
    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"a subprocess was started: {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    resource = dbt_resource(load_settings())
    assert str(resource._cli_version) == importlib.metadata.version("dbt-core")
    assert resource._initialize_dbt_core_adapter(["build"]) is None
    plain = dagster_dbt_resource.DbtCliResource(  # what dagster-dbt does by itself
        project_dir=resource.project_dir, profiles_dir=resource.profiles_dir,
        profile=resource.profile, target=resource.target, dbt_executable=resource.dbt_executable)
    with pytest.raises(AssertionError, match="a subprocess was started"):
        assert plain._cli_version


def test_a_dbt_command_runs_through_the_resource(ioc_home):
    settings = load_settings()
    resource = dbt_resource(settings)
    invocation = resource.cli(["ls", "--select", "stg_iot__readings", "--quiet",
                               "--output", "name"], raise_on_error=False)
    invocation.wait()
    assert invocation.is_successful() and invocation.adapter is None
