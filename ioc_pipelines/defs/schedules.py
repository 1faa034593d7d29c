"""Jobs and schedules: the main job, and the partitioned raw loads of periodic sources."""

import dagster as dg

from connectors import get_connector
from ioc_pipelines.defs.raw.assets import PARTITIONED_KEYS, PARTITIONS, raw_key

main_job = dg.define_asset_job(
    "ioc_main_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(*PARTITIONED_KEYS),
    description="Land → raw (unpartitioned sources) → dbt (staging, validated, marts, tests) → "
    "GX → publish → report. Periodic sources load through their partitioned jobs first.",
    executor_def=dg.in_process_executor,
)

REJECTIONS = dg.AssetKey(["reports", "rejections"])
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


raw_jobs = {
    source: dg.define_asset_job(
        f"raw_{source}_job",
        selection=dg.AssetSelection.assets(
            *[raw_key(t) for t in get_connector(source).raw_tables.values()]),
        description=f"Load {source} deliveries of one partition (by delivery date).",
        executor_def=dg.in_process_executor,
    )
    for source in PARTITIONS
}

# The registry extract arrives by 07:00; build and publish right after.
main_schedule = dg.ScheduleDefinition(
    name="ioc_daily",
    job=main_job,
    cron_schedule="30 7 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)

# IoT drops close at midnight: load yesterday's partition at 00:30. Department reports are
# due on the 5th: load last month's partition on the 6th.
raw_schedules = [
    dg.build_schedule_from_partitioned_job(raw_jobs["iot"], hour_of_day=0, minute_of_hour=30,
                                           default_status=dg.DefaultScheduleStatus.STOPPED),
    dg.build_schedule_from_partitioned_job(raw_jobs["indicators"], day_of_month=6, hour_of_day=6,
                                           default_status=dg.DefaultScheduleStatus.STOPPED),
]
