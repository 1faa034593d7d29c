"""All Dagster definitions, assembled from one module per domain."""

from __future__ import annotations

import dagster as dg

from ioc_pipelines.resources.dbt import dbt_resource, prepare_manifest
from ioc_pipelines.resources.run_log import run_log
from ioc_pipelines.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    prepare_manifest(settings)
    from ioc_pipelines.defs.briefings.assets import REPORT_ASSETS
    from ioc_pipelines.defs.population import checks as population_checks
    from ioc_pipelines.defs.publish import assets as publish_assets
    from ioc_pipelines.defs.quality import assets as quality_assets
    from ioc_pipelines.defs.quality.mart_checks import MART_CHECKS
    from ioc_pipelines.defs.raw.assets import RAW_ASSETS
    from ioc_pipelines.defs.schedules import (
        approve_job,
        briefing_job,
        briefing_schedules,
        main_job,
        main_schedule,
        operations_job,
        raw_jobs,
        raw_schedules,
        rejections_after_blocked_run,
        rejections_job,
        sector_job,
    )
    from ioc_pipelines.defs.warehouse import dbt as warehouse

    return dg.Definitions(
        assets=[
            *RAW_ASSETS,
            warehouse.build_dbt_assets(settings),
            quality_assets.delivery_quality,
            publish_assets.release_candidate,
            publish_assets.published_release,
            publish_assets.population_report,
            publish_assets.quality_report,
            publish_assets.rejection_reports,
            *REPORT_ASSETS,
        ],
        asset_checks=[population_checks.population_mart_expectations,
                      quality_assets.delivery_checks,
                      quality_assets.rejected_share_within_gate, *MART_CHECKS],
        jobs=[main_job, approve_job, rejections_job, *raw_jobs.values(), briefing_job, operations_job,
              sector_job],
        schedules=[main_schedule, *raw_schedules, *briefing_schedules],
        sensors=[rejections_after_blocked_run],
        resources={"settings": settings, "dbt": dbt_resource(settings)},
        loggers={"console": dg.colored_console_logger, "ioc_run": run_log},
        executor=dg.in_process_executor,
    )
