"""The dbt project as Dagster assets: seeds (reference), staging (sạch), validated (đúng) and
marts, with every dbt test shown as an asset check (error-severity tests are blocking)."""


import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from ioc_pipelines.core import build_errors, selective
from ioc_pipelines.resources.dbt import dbt_project, dbt_vars_arg, keep_run_target
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings

LAYER_GROUPS = {"staging": "staging", "validated": "validated", "marts": "marts"}
# sống for the published side: the main job runs daily, so a mart not rebuilt for a day and a
# bit is late (the UI shows it); a model can set its own with `meta: {freshness_hours: N}`
MART_FRESHNESS_HOURS = 26


class IocDbtTranslator(DagsterDbtTranslator):
    """Asset keys ``<layer>/<model>``; groups by layer so the graph reads left to right."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        kind = dbt_resource_props["resource_type"]
        if kind == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        if kind == "seed":
            return dg.AssetKey(["reference", dbt_resource_props["name"]])
        return dg.AssetKey([self._layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str,
                       project: DbtProject | None) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] != "model" or self._layer(props) != "marts":
            return spec
        hours = float((props.get("meta") or {}).get("freshness_hours", MART_FRESHNESS_HOURS))
        return spec.replace_attributes(freshness_policy=dg.FreshnessPolicy.time_window(
            fail_window=timedelta(hours=hours), warn_window=timedelta(hours=hours * 0.9)))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return self._layer(dbt_resource_props)

    @staticmethod
    def _layer(props: Mapping[str, Any]) -> str:
        fqn = props.get("fqn", [])
        return LAYER_GROUPS.get(fqn[1] if len(fqn) > 2 else "", "warehouse")


def build_dbt_assets(settings: Settings) -> dg.AssetsDefinition:
    project = dbt_project(settings)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        name="warehouse_dbt",
        exclude="tag:live",  # the live path's models: `ioc live` builds them per micro-batch
        dagster_dbt_translator=IocDbtTranslator(
            settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
        ),
    )
    def warehouse_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """dbt build: models and their tests in one invocation (dbt's fixed cost is paid once).

        A failing test does not fail the step: it is a failed asset check, and blocking checks
        keep what is downstream of *their* asset (the release) from running, while the rest —
        the quarantine and the providers' rejection reports — still gets made. A dbt error
        (a model that does not build) still fails the step.

        Run from ``ioc run``, the models whose inputs did not change since the last run that
        passed its gate are not selected (core/selective.py); whoever started it, the work
        lake is no longer that run's build once this starts. Incremental models (the IoT
        readings' QC) go on from what they hold only when the work lake is that run's build
        by this code and these settings; else everything is built whole."""
        with connect(settings) as con:
            extend = selective.may_extend(settings, con)
        selective.forget_basis(settings)
        if not extend:
            context.log.info("incremental models are built whole (--full-refresh): the work "
                             "lake is not the last good run's build by this code and settings")
        invocation = dbt.cli(["build", *dbt_vars_arg(settings),
                              *([] if extend else ["--full-refresh"])],
                             context=context, raise_on_error=False)
        yield from invocation.stream()
        results = invocation.get_artifact("run_results.json").get("results", [])
        errors = [r for r in results if r.get("status") == "error"]
        keep_run_target(invocation.target_path, succeeded=not errors)
        if errors:
            # name the model, the delivery and the provider, in Vietnamese for the liaison team
            try:
                with connect(settings) as con:
                    explained = " ".join(e.vietnamese() for e in build_errors.explain(
                        con, json.loads(project.manifest_path.read_text(encoding="utf-8")),
                        results))
            except Exception as exc:  # noqa: BLE001 - the explanation must not hide the error
                context.log.warning(f"could not explain the dbt error: {exc}")
                explained = "Không dựng được: " + "; ".join(
                    f"{r['unique_id']}: {build_errors.short_message(r.get('message') or '')}"
                    for r in errors[:5])
            raise dg.Failure(
                description=explained,
                metadata={"errors": dg.MetadataValue.json(
                    [{"node": r["unique_id"], "message": (r.get("message") or "")[:2000]}
                     for r in errors])})

    return warehouse_dbt


def build(settings: Settings) -> list[dg.AssetsDefinition]:
    """What this domain adds once the settings are known (discovered by ``defs/__init__.py``)."""
    return [build_dbt_assets(settings)]
