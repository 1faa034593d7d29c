"""The main job (everything, in one in-process run) and its daily schedule."""

import dagster as dg

main_job = dg.define_asset_job(
    "ioc_main_job",
    selection=dg.AssetSelection.all(),
    description="Land → raw → dbt (staging, validated, marts, tests) → GX → publish → report.",
    executor_def=dg.in_process_executor,
)

# The registry extract arrives by 07:00; build and publish right after.
main_schedule = dg.ScheduleDefinition(
    name="ioc_daily",
    job=main_job,
    cron_schedule="30 7 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
