"""The Government reporting export as an asset: the province's socio-economic indicators of
one period, from the current (or a pinned) release, as the data packet of
``core.government`` — stored under ``reports/government/<period>/release-<N>/``. A monthly
schedule (stopped by default, like the briefings) makes the month that just ended on the 6th:
departments report by the 5th."""


import dagster as dg
from pydantic import Field

from ioc_pipelines import clock
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.government import make_packet
from ioc_pipelines.reports.periods import PeriodError, parse_period, previous_period
from ioc_pipelines.resources.home_lock import NO_LOCK_TAG
from ioc_pipelines.settings import Settings

GOVERNMENT = dg.AssetKey(["reports", "government"])
RELEASE = dg.AssetKey(["published", "release"])


class GovernmentConfig(dg.Config):
    period: str = Field(default="", description="2026-10, 2026-Q3, 2026-H1 or 2026; empty: "
                        "the month that just ended (the schedule sets it)")
    release: int = Field(default=0, description="release to read; 0: the current one")


@dg.asset(key=GOVERNMENT, group_name="sharing", deps=[RELEASE], kinds={"json"},
          description="Gói tin chỉ tiêu kinh tế – xã hội gửi Hệ thống thông tin báo cáo Chính "
          "phủ (after QCVN 125:2021/BTTTT; docs/sharing.md): actual, cumulative, plan, same "
          "period last year, unit of every indicator of a period, from one release.")
def government_packet(context: dg.AssetExecutionContext, config: GovernmentConfig,
                      settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    try:
        period = (parse_period(config.period) if config.period
                  else previous_period("monthly", clock.today()))
        made = make_packet(settings, period, config.release or None)
    except (PeriodError, CoreError) as exc:
        raise dg.Failure(str(exc)) from exc
    context.log.info(f"{made.indicators} indicators of {made.period} from release "
                     f"{made.release_id}: {made.path}")
    return dg.MaterializeResult(metadata={
        "period": made.period, "release_id": made.release_id, "indicators": made.indicators,
        "object_key": made.key, "json": dg.MetadataValue.path(str(made.path))})


government_job = dg.define_asset_job(
    "government_report_job", selection=dg.AssetSelection.assets(GOVERNMENT),
    description="The indicators data packet of one period for the Government's reporting "
    "system (config period).", executor_def=dg.in_process_executor, tags=NO_LOCK_TAG)


@dg.schedule(name="government_monthly", job=government_job, cron_schedule="30 8 6 * *",
             execution_timezone="Asia/Ho_Chi_Minh",
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="The Government indicators packet of the month that just ended")
def government_monthly(context: dg.ScheduleEvaluationContext):
    period = previous_period("monthly", context.scheduled_execution_time.date())
    return dg.RunRequest(run_key=f"government-{period.code}", run_config={
        "ops": {"reports__government": {"config": {"period": period.code}}}},
        tags={"report_period": period.code})
