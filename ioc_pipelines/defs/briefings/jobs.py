"""Briefing jobs and their schedules, each periodic kind on the period that just ended
(Asia/Ho_Chi_Minh, stopped by default)."""

import dagster as dg

from ioc_pipelines.defs.briefings.assets import BRIEFING, OPERATIONS, SECTOR
from ioc_pipelines.reports.periods import previous_period
from ioc_pipelines.resources.home_lock import NO_LOCK_TAG

TIMEZONE = "Asia/Ho_Chi_Minh"

# Briefings: each periodic kind on its own schedule, on the period that just ended, from the
# current release (only a release that passed the gate exists; if the newest run was blocked
# the report says it used the latest good one). Monthly and longer periods wait for the 6th:
# departments report by the 5th.
briefing_job = dg.define_asset_job(
    "briefing_report_job", selection=dg.AssetSelection.assets(BRIEFING),
    description="Báo cáo tình hình kinh tế – xã hội of one period (config period).",
    executor_def=dg.in_process_executor, tags=NO_LOCK_TAG)
operations_job = dg.define_asset_job(
    "operations_report_job", selection=dg.AssetSelection.assets(OPERATIONS),
    description="Báo cáo vận hành IOC of one quarter, half-year or year.",
    executor_def=dg.in_process_executor, tags=NO_LOCK_TAG)
sector_job = dg.define_asset_job(
    "sector_report_job", selection=dg.AssetSelection.assets(SECTOR),
    description="Báo cáo chuyên đề: one sector for an area (config sector, area, period).",
    executor_def=dg.in_process_executor, tags=NO_LOCK_TAG)

# (schedule name, job, asset op, period kind, cron in Asia/Ho_Chi_Minh)
BRIEFING_SCHEDULES = [
    ("briefing_weekly", briefing_job, "reports__briefing", "weekly", "30 8 * * 1"),
    ("briefing_monthly", briefing_job, "reports__briefing", "monthly", "30 8 6 * *"),
    ("briefing_quarterly", briefing_job, "reports__briefing", "quarterly", "30 8 6 1,4,7,10 *"),
    ("briefing_half_year", briefing_job, "reports__briefing", "half-year", "30 8 6 1,7 *"),
    ("briefing_annual", briefing_job, "reports__briefing", "annual", "30 8 6 1 *"),
    ("operations_quarterly", operations_job, "reports__operations", "quarterly",
     "0 9 6 1,4,7,10 *"),
    ("operations_half_year", operations_job, "reports__operations", "half-year", "0 9 6 1,7 *"),
    ("operations_annual", operations_job, "reports__operations", "annual", "0 9 6 1 *"),
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
