"""The main job (and its daily schedule, stopped by default), the sign-off job that publishes a
waiting candidate through the same publish step, and the rejection reports after a blocked run
(job and run-failure sensor)."""

import dagster as dg

from ioc_pipelines.defs.briefings.assets import BRIEFING, OPERATIONS, SECTOR
from ioc_pipelines.defs.raw.assets import PARTITIONED_KEYS

TIMEZONE = "Asia/Ho_Chi_Minh"
BRIEFING_KEYS = [BRIEFING, OPERATIONS, SECTOR]

main_job = dg.define_asset_job(
    "ioc_main_job",
    selection=(dg.AssetSelection.all() - dg.AssetSelection.assets(*PARTITIONED_KEYS)
               - dg.AssetSelection.assets(*BRIEFING_KEYS)
               - dg.AssetSelection.groups("sharing")),  # the Government packet: its schedule
    description="Land → raw (unpartitioned sources) → dbt (staging, validated, marts, tests) → "
    "GX → publish → report. Periodic sources load through their partitioned jobs first.",
    executor_def=dg.in_process_executor,
)

REJECTIONS = dg.AssetKey(["reports", "rejections"])
RELEASE = dg.AssetKey(["published", "release"])
POPULATION_REPORT = dg.AssetKey(["reports", "population"])

# A sign-off publishes a waiting candidate through the same publish step as a run (the
# release, its quality report, the population report); `ioc approve` then makes the briefing.
approve_job = dg.define_asset_job(
    "ioc_approve_job",
    selection=dg.AssetSelection.assets(RELEASE, POPULATION_REPORT),
    description="Publish a waiting candidate (config published__release: candidate, "
    "approved_by) as the new release, with its quality and population reports.",
    executor_def=dg.in_process_executor,
)
QUALITY_REPORT = dg.AssetKey(["reports", "quality"])

# When the gate stops a run, the quarantine was still built: providers get their rejection
# reports, the liaison team its quality report saying what blocked, from this job (the CLI
# runs it after a failed main run; a sensor does in the UI).
rejections_job = dg.define_asset_job(
    "rejection_reports_job",
    selection=dg.AssetSelection.assets(REJECTIONS, QUALITY_REPORT),
    description="Rejection reports per provider and delivery from the current quarantine, "
    "and the quality report of the blocked run.",
    executor_def=dg.in_process_executor,
)


@dg.run_failure_sensor(monitored_jobs=[main_job], request_job=rejections_job,
                       default_status=dg.DefaultSensorStatus.RUNNING)
def rejections_after_blocked_run(context: dg.RunFailureSensorContext):
    """A blocked main run skips its rejection reports: make them anyway."""
    return dg.RunRequest(run_key=f"rejections-{context.dagster_run.run_id}")


# The registry extract arrives by 07:00; build and publish right after.
main_schedule = dg.ScheduleDefinition(
    name="ioc_daily",
    job=main_job,
    cron_schedule="30 7 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
