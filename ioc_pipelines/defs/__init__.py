"""All Dagster definitions, discovered per domain folder (``raw``, ``warehouse``, ``quality``,
``publish``, ``briefings``, ``sharing``, ``alerts``): every module of a domain is imported, and the
assets, asset checks, jobs, schedules and sensors it holds at module level (alone or in a list
or dict) are collected; a module that needs the settings to build its definitions (the dbt
assets) defines ``build(settings)``. A new asset in a domain module is picked up without
touching this file.

Loading never runs ``dbt parse``: the manifest is made at set-up (``ioc setup``) and before a
run (``ioc_pipelines.core.jobs``); without one, loading stops and says so."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import dagster as dg

# the unresolved forms a job or schedule has before Definitions resolves it against the assets
from dagster._core.definitions.partitions.partitioned_schedule import (
    UnresolvedPartitionedAssetScheduleDefinition,
)
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from ioc_pipelines.resources.dbt import dbt_project, dbt_resource
from ioc_pipelines.resources.home_lock import settings_resource
from ioc_pipelines.resources.run_log import run_log
from ioc_pipelines.settings import Settings

KINDS = {
    "asset_checks": (dg.AssetChecksDefinition,),
    "assets": (dg.AssetsDefinition,),
    "jobs": (dg.JobDefinition, UnresolvedAssetJobDefinition),
    "schedules": (dg.ScheduleDefinition, UnresolvedPartitionedAssetScheduleDefinition),
    "sensors": (dg.SensorDefinition,),
}


class ManifestMissing(RuntimeError):
    pass


def domain_modules() -> Iterator[ModuleType]:
    """Every module of every domain folder under ``ioc_pipelines/defs``."""
    for domain in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not domain.ispkg:
            continue
        package = importlib.import_module(f"{__name__}.{domain.name}")
        for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            yield importlib.import_module(f"{package.__name__}.{module.name}")


def _flatten(value) -> Iterator[object]:
    if type(value) in (list, tuple):  # not AssetKey and other tuple-like records
        for item in value:
            yield from _flatten(item)
    elif type(value) is dict:
        for item in value.values():
            yield from _flatten(item)
    else:
        yield value


def collect(settings: Settings) -> dict[str, list]:
    """The domain modules' definitions by kind, each once."""
    found: dict[str, list] = {kind: [] for kind in KINDS}
    seen: set[int] = set()
    for module in domain_modules():
        values = [v for name, v in vars(module).items() if not name.startswith("_")]
        if callable(getattr(module, "build", None)):
            values.append(module.build(settings))
        for value in _flatten(values):
            kind = next((k for k, types in KINDS.items() if isinstance(value, types)), None)
            if kind is not None and id(value) not in seen:
                seen.add(id(value))
                found[kind].append(value)
    return found


def build_definitions(settings: Settings) -> dg.Definitions:
    manifest = dbt_project(settings).manifest_path
    if not manifest.exists():
        raise ManifestMissing(f"no dbt manifest at {manifest}: run `ioc setup` (it parses the "
                              "dbt project) before loading the definitions")
    found = collect(settings)
    return dg.Definitions(
        assets=found["assets"],
        asset_checks=found["asset_checks"],
        jobs=found["jobs"],
        schedules=found["schedules"],
        sensors=found["sensors"],
        resources={"settings": settings_resource(settings), "dbt": dbt_resource(settings)},
        loggers={"console": dg.colored_console_logger, "ioc_run": run_log},
        executor=dg.in_process_executor,
    )
