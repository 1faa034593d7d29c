"""đủ and sống: every expected delivery present, every source fresh — from the contracts.

One step measures all sources after the raw loads (this module) and keeps the results in the
work lake as two assets, ``quality/delivery_completeness`` and ``quality/source_freshness`` (tables
``work.ops.…``, read by dbt's quality_scorecard and by the liaison team's report); one asset
check per source and principle (``complete_<source>``, ``fresh_<source>``) says in the UI what
is missing, late or stale. A check's
severity comes from the contract: ``warn`` publishes and reports, ``block`` stops the release.
"""


from dataclasses import replace
from datetime import datetime

import dagster as dg
import pandas as pd

from connectors import SOURCES, get_connector
from ioc_pipelines.clock import TZ
from ioc_pipelines.core import state
from ioc_pipelines.defs.quality.rules import (
    COMPLETENESS,
    EXPECTATIONS,
    FRESHNESS,
    FRESHNESS_KEY,
    min_fill_rate,
)
from ioc_pipelines.defs.raw.assets import RAW_ASSETS
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings
from quality_checks.deliveries import (
    completeness,
    fill_rates,
    freshness,
)


@dg.multi_asset(
    name="delivery_quality",
    specs=[
        dg.AssetSpec(COMPLETENESS, group_name="quality", kinds={"duckdb"},
                     deps=[key for assets in RAW_ASSETS for key in assets.keys],
                     description="đủ: every delivery the contracts expect (provider × period, "
                     "the period read from the data), on time, late or missing (table "
                     "work.ops.delivery_completeness); each required field's fill rate per "
                     "delivery (work.ops.field_fill_rate); extracts against the one before."),
        dg.AssetSpec(FRESHNESS_KEY, group_name="quality", kinds={"duckdb"},
                     deps=[key for assets in RAW_ASSETS for key in assets.keys],
                     description="sống: each source's age against its SLA, by its last "
                     "delivery and by its newest record's own timestamp. Table "
                     "work.ops.source_freshness."),
    ],
)
def delivery_quality(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
    now = datetime.now(TZ)
    rows, fresh = [], []
    with connect(settings) as con:
        state.ensure(con)
        for exp in EXPECTATIONS.values():
            if state.work_table_exists(con, "raw", exp.table):
                rows += completeness(con, exp, now.date())
        for rule in FRESHNESS.values():
            if rule.table and not state.work_table_exists(con, "raw", rule.table):
                rule = replace(rule, table=None, data_column=None)
            fresh.append(freshness(con, rule, now))
        completeness_frame = pd.DataFrame(rows, columns=[
            "source", "provider", "period", "due_date", "first_delivery_date", "status",
            "severity"])
        known = (state.measurements(con, "field_fill_rate")  # a delivery is measured once
                 if state.work_table_exists(con, "ops", "field_fill_rate") else [])
        fills = [rate for source in SOURCES
                 for entity, table in get_connector(source).raw_tables.items()
                 if state.work_table_exists(con, "raw", table)
                 for rate in fill_rates(con, source, table,
                                        get_connector(source).contract.entities[entity].required,
                                        known)]
        fill_frame = pd.DataFrame(fills, columns=[
            "source", "raw_table", "provider", "delivery_id", "file_name", "field", "records",
            "filled", "fill_rate"])
        freshness_frame = pd.DataFrame(fresh)
        freshness_frame["measured_at"] = now.replace(tzinfo=None)
        state.replace_measurements(con, {"field_fill_rate": fill_frame,
                                         "delivery_completeness": completeness_frame,
                                         "source_freshness": freshness_frame})
    gaps = completeness_frame[completeness_frame.status != "on_time"]
    stale = freshness_frame[freshness_frame.is_stale]
    context.log.info(f"deliveries: {len(completeness_frame)} expected, "
                     f"{(completeness_frame.status == 'late').sum()} late, "
                     f"{(completeness_frame.status == 'missing').sum()} missing; "
                     f"stale sources: {', '.join(stale.source) or 'none'}")
    yield dg.MaterializeResult(asset_key=COMPLETENESS, metadata={
        "dagster/row_count": len(completeness_frame),
        "missing": int((completeness_frame.status == "missing").sum()),
        "late": int((completeness_frame.status == "late").sum()),
        "required_fields_under_fill_rate": int(sum(
            1 for r in fills if r["fill_rate"] is not None
            and r["fill_rate"] < min_fill_rate(r["source"]))),
        "missing_or_late": dg.MetadataValue.md(
            gaps[["source", "provider", "period", "due_date", "first_delivery_date",
                  "status"]].to_markdown(index=False) if len(gaps) else "none"),
    })
    yield dg.MaterializeResult(asset_key=FRESHNESS_KEY, metadata={
        "dagster/row_count": len(freshness_frame),
        "stale_sources": dg.MetadataValue.json(list(stale.source)),
        "freshness": dg.MetadataValue.md(freshness_frame[[
            "source", "sla_hours", "delivery_age_hours", "data_age_hours", "is_stale"]]
            .to_markdown(index=False)),
    })
