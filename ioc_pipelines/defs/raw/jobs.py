"""The partitioned raw loads of periodic sources: one job per source over a range of delivery
dates, and their schedules (stopped by default)."""

import dagster as dg

from connectors import get_connector
from ioc_pipelines.defs.raw.assets import PARTITIONS, raw_key

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

# IoT drops close at midnight: load yesterday's partition at 00:30. Department reports are
# due on the 5th: load last month's partition on the 6th.
raw_schedules = [
    dg.build_schedule_from_partitioned_job(raw_jobs["iot"], hour_of_day=0, minute_of_hour=30,
                                           default_status=dg.DefaultScheduleStatus.STOPPED),
    dg.build_schedule_from_partitioned_job(raw_jobs["indicators"], day_of_month=6, hour_of_day=6,
                                           default_status=dg.DefaultScheduleStatus.STOPPED),
]
