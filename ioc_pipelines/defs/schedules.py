"""Jobs and schedules: the main job, and the partitioned raw loads of periodic sources."""

import dagster as dg

from connectors import get_connector
from ioc_pipelines.defs.briefings.assets import BRIEFING, OPERATIONS, SECTOR
from ioc_pipelines.defs.raw.assets import PARTITIONED_KEYS, PARTITIONS, raw_key
from ioc_pipelines.reports.periods import previous_period

TIMEZONE = "Asia/Ho_Chi_Minh"
BRIEFING_KEYS = [BRIEFING, OPERATIONS, SECTOR]

main_job = dg.define_asset_job(
    "ioc_main_job",
    selection=(dg.AssetSelection.all() - dg.AssetSelection.assets(*PARTITIONED_KEYS)
               - dg.AssetSelection.assets(*BRIEFING_KEYS)),
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
    execution_timezone=TIMEZONE,
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


# Briefings: each periodic kind on its own schedule, on the period that just ended, from the
# current release (only a release that passed the gate exists; if the newest run was blocked
# the report says it used the latest good one). Monthly and longer periods wait for the 6th:
# departments report by the 5th.
briefing_job = dg.define_asset_job(
    "briefing_report_job", selection=dg.AssetSelection.assets(BRIEFING),
    description="Báo cáo tình hình kinh tế – xã hội of one period (config period).",
    executor_def=dg.in_process_executor)
operations_job = dg.define_asset_job(
    "operations_report_job", selection=dg.AssetSelection.assets(OPERATIONS),
    description="Báo cáo vận hành IOC of one quarter, half-year or year.",
    executor_def=dg.in_process_executor)
sector_job = dg.define_asset_job(
    "sector_report_job", selection=dg.AssetSelection.assets(SECTOR),
    description="Báo cáo chuyên đề: one sector for an area (config sector, area, period).",
    executor_def=dg.in_process_executor)

# (schedule name, job, asset op, period kind, cron in Asia/Ho_Chi_Minh)
BRIEFING_SCHEDULES = [
    ("briefing_weekly", briefing_job, "reports__briefing", "weekly", "0 7 * * 1"),
    ("briefing_monthly", briefing_job, "reports__briefing", "monthly", "0 7 6 * *"),
    ("briefing_quarterly", briefing_job, "reports__briefing", "quarterly", "0 7 6 1,4,7,10 *"),
    ("briefing_half_year", briefing_job, "reports__briefing", "half-year", "0 7 6 1,7 *"),
    ("briefing_annual", briefing_job, "reports__briefing", "annual", "0 7 6 1 *"),
    ("operations_quarterly", operations_job, "reports__operations", "quarterly",
     "0 8 6 1,4,7,10 *"),
    ("operations_half_year", operations_job, "reports__operations", "half-year", "0 8 6 1,7 *"),
    ("operations_annual", operations_job, "reports__operations", "annual", "0 8 6 1 *"),
]


def _briefing_schedule(name: str, job, op: str, period_kind: str, cron: str):
    @dg.schedule(name=name, job=job, cron_schedule=cron, execution_timezone=TIMEZONE,
                 default_status=dg.DefaultScheduleStatus.STOPPED,
                 description=f"{op.split('__')[1]} report of the {period_kind} period that "
                 "just ended")
    def _schedule(context: dg.ScheduleEvaluationContext):
        period = previous_period(period_kind, context.scheduled_execution_time.date())
        return dg.RunRequest(
            run_key=f"{name}-{period.code}",
            run_config={"ops": {op: {"config": {"period": period.code}}}},
            tags={"report_period": period.code, "report_period_kind": period_kind})

    return _schedule


briefing_schedules = [_briefing_schedule(*spec) for spec in BRIEFING_SCHEDULES]
