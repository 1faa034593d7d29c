"""Load every Dagster definition and snapshot what the UI and schedulers rely on."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from ioc_pipelines.defs import build_definitions
from ioc_pipelines.settings import load_settings

EXPECTED_ASSETS = {
    "raw/population__citizens",
    "raw/households__households",
    "raw/households__members",
    "raw/housing__houses",
    "raw/land_permits__permits",
    "raw/land_permits__parcels",
    "raw/indicators__reports",
    "raw/finance__budget",
    "raw/finance__projects",
    "raw/enterprises__events",
    "raw/feedback__cases",
    "raw/iot__sensors",
    "raw/iot__readings",
    "raw/map__admin_units",
    "raw/map__pois",
    "raw/map__lines",
    "raw/planning__plans",
    "raw/planning__documents",
    "reference/admin_units_2025",
    "reference/provinces_2025",
    "reference/cccd_birth_registration_codes",
    "reference/ethnic_groups_qd121_1979",
    "reference/departments_2025",
    "reference/indicators_catalogue",
    "reference/quality_rules",
    "reference/admin_units_crosswalk_pre2025",
    "reference/districts_pre2025",
    "reference/religions_qcvn109",
    "validated/cross_source_by_commune",
    "validated/feedback_records",
    "validated/quarantine_records",
    "marts/population_by_commune_ethnicity",
    "marts/population_by_commune_religion",
    "marts/school_age_cohorts",
    "marts/births_by_commune_month",
    "marts/policy_beneficiaries_by_commune",
    "marts/housing_support_map",
    "marts/map_points_of_interest",
    "marts/planning_areas",
    "marts/sensor_health",
    "marts/pm25_exceedance_events",
    "quality/delivery_completeness",
    "quality/source_freshness",
    "validated/int_record_checks",
    "marts/quality_scorecard",
    "staging/stg_population__citizens",
    "validated/int_citizens_rule_checked",
    "validated/citizens",
    "validated/quarantine_citizens",
    "staging/stg_enterprises__events",
    "staging/stg_feedback__cases",
    "staging/stg_finance__budget",
    "staging/stg_finance__projects",
    "staging/stg_households__households",
    "staging/stg_households__members",
    "staging/stg_housing__houses",
    "staging/stg_indicators__reports",
    "staging/stg_iot__readings",
    "staging/stg_iot__sensors",
    "staging/stg_land_permits__parcels",
    "staging/stg_land_permits__permits",
    "staging/stg_map__pois",
    "staging/stg_planning__plans",
    "validated/int_budget_rule_checked",
    "validated/int_enterprise_events_rule_checked",
    "validated/int_feedback_cases_rule_checked",
    "validated/int_household_members_rule_checked",
    "validated/int_households_rule_checked",
    "validated/int_houses_rule_checked",
    "validated/int_indicator_reports_rule_checked",
    "validated/int_permits_rule_checked",
    "validated/int_plans_rule_checked",
    "validated/int_pois_rule_checked",
    "validated/int_projects_rule_checked",
    "validated/iot_readings_checked",
    "validated/province_boundaries",
    "validated/rule_findings",
    "marts/dim_admin_units",
    "marts/dim_indicators",
    "marts/dim_providers",
    "marts/dim_sensors",
    "marts/water_level_events",
    "marts/investment_disbursement",
    "marts/enterprises_by_month",
    "marts/budget_by_period",
    "marts/housing_poverty_by_commune",
    "marts/indicators_vs_plan",
    "marts/feedback_handling",
    "marts/iot_hourly",
    "marts/pm25_exceedance_days",
    "marts/permits_by_commune_month",
    "marts/population_by_commune_sex_age",
    "marts/population_by_commune",
    "marts/quality_by_unit_month",
    "validated/delivery_rejections",
    "validated/delivery_volume_changes",
    "validated/rule_failures",
    "quality/deliveries",
    "published/candidate",
    "published/release",
    "reports/population",
    "reports/quality",
    "reports/rejections",
    "reports/briefing",
    "reports/operations",
    "reports/sector",
    "reports/government",
    "marts/map_infrastructure_lines",
    "validated/int_lines_rule_checked",
    "staging/stg_map__lines",
}

EXPECTED_GROUPS = {
    "raw/population__citizens": "raw",
    "reference/admin_units_2025": "reference",
    "staging/stg_population__citizens": "staging",
    "validated/citizens": "validated",
    "marts/population_by_commune_sex_age": "marts",
    "published/release": "published",
    "reports/population": "reports",
    "reports/government": "sharing",
}


def test_definitions_snapshot(ioc_home):
    defs = build_definitions(load_settings())
    repo = defs.get_repository_def()
    graph = repo.asset_graph

    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == EXPECTED_ASSETS

    for key, group in EXPECTED_GROUPS.items():
        assert graph.get(dg.AssetKey.from_user_string(key)).group_name == group

    # sống on the published side: every mart late after 26 h (the main job runs daily)
    for key in keys:
        node = graph.get(dg.AssetKey.from_user_string(key))
        if key.startswith("marts/"):
            assert node.freshness_policy.fail_window.to_timedelta() == timedelta(hours=26), key
        else:
            assert node.freshness_policy is None, key

    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("marts/population_by_commune_sex_age", "population_mart_expectations") in checks
    # dbt tests surface as checks; the gate sits on the findings of every source
    assert ("validated/rule_findings", "rejected_share_within_gate") in checks
    assert ("marts/population_by_commune_sex_age",
            "assert_population_mart_matches_citizens") in checks
    assert ("validated/citizens", "unique_citizens_citizen_id") in checks

    blocking = {c.name for c in graph.asset_check_keys
                if graph.get_check_spec(c).blocking}
    assert {"population_mart_expectations", "rejected_share_within_gate"} <= blocking
    # GX suites on the marts: invariants block, distributions of noisy feeds warn
    assert ("marts/housing_poverty_by_commune", "gx_housing_poverty_by_commune") in checks
    assert {"gx_quality_scorecard", "gx_indicators_vs_plan"} <= blocking
    assert "gx_iot_hourly" not in blocking and ("marts/iot_hourly", "gx_iot_hourly") in checks
    # đủ by size: on the dbt model that compares extracts; the candidate waits for it
    assert ("validated/delivery_volume_changes", "volume_population") in checks
    assert "volume_population" in blocking
    assert dg.AssetKey(["validated", "delivery_volume_changes"]) in graph.get(
        dg.AssetKey(["published", "candidate"])).parent_keys

    assert {j.name for j in repo.get_all_jobs() if not j.name.startswith("__")} == {
        "ioc_main_job", "ioc_approve_job", "raw_indicators_job", "raw_iot_job",
        "rejection_reports_job", "briefing_report_job", "operations_report_job", "sector_report_job",
        "government_report_job"}
    # every run that changes state holds the home's lock; briefings change nothing
    assert {j.name for j in repo.get_all_jobs() if j.tags.get("ioc/home_lock") == "none"} == {
        "briefing_report_job", "operations_report_job", "sector_report_job",
        "government_report_job"}
    # the main run does not make the scheduled briefings
    main_nodes = {k.to_user_string() for k in repo.get_job("ioc_main_job").asset_layer
                  .executable_asset_keys}
    assert "reports/population" in main_nodes and "reports/briefing" not in main_nodes
    assert "reports/government" not in main_nodes  # made by its own job and schedule
    # a sign-off goes through the same publish step and reports as a run
    assert {k.to_user_string() for k in repo.get_job("ioc_approve_job").asset_layer
            .executable_asset_keys} == {"published/release", "reports/population"}
    # periodic sources are partitioned by delivery date: monthly reports, daily IoT drops
    assert isinstance(graph.get(dg.AssetKey(["raw", "indicators__reports"])).partitions_def,
                      dg.MonthlyPartitionsDefinition)
    assert isinstance(graph.get(dg.AssetKey(["raw", "iot__readings"])).partitions_def,
                      dg.DailyPartitionsDefinition)
    assert graph.get(dg.AssetKey(["raw", "households__households"])).partitions_def is None
    assert {s.name for s in repo.schedule_defs} == {
        "ioc_daily", "raw_iot_job_schedule", "raw_indicators_job_schedule",
        "briefing_weekly", "briefing_monthly", "briefing_quarterly", "briefing_half_year",
        "briefing_annual", "operations_quarterly", "operations_half_year", "operations_annual",
        "government_monthly"}
    schedule = repo.get_schedule_def("ioc_daily")
    assert schedule.job_name == "ioc_main_job"
    assert schedule.cron_schedule == "30 7 * * *"
    assert schedule.execution_timezone == "Asia/Ho_Chi_Minh"

    # briefings: each periodic kind on the period that just ended, Vietnamese time
    local = ZoneInfo("Asia/Ho_Chi_Minh")
    for name, job, cron, ticks in [
        ("briefing_weekly", "briefing_report_job", "30 8 * * 1",
         {datetime(2026, 11, 23, 8, 30, tzinfo=local): "2026-W47"}),
        ("briefing_monthly", "briefing_report_job", "30 8 6 * *",
         {datetime(2026, 11, 6, 8, 30, tzinfo=local): "2026-10",
          datetime(2026, 1, 6, 8, 30, tzinfo=local): "2025-12"}),
        ("briefing_quarterly", "briefing_report_job", "30 8 6 1,4,7,10 *",
         {datetime(2026, 10, 6, 8, 30, tzinfo=local): "2026-Q3"}),
        ("briefing_half_year", "briefing_report_job", "30 8 6 1,7 *",
         {datetime(2026, 7, 6, 8, 30, tzinfo=local): "2026-H1"}),
        ("briefing_annual", "briefing_report_job", "30 8 6 1 *",
         {datetime(2026, 1, 6, 8, 30, tzinfo=local): "2025"}),
        ("operations_quarterly", "operations_report_job", "0 9 6 1,4,7,10 *",
         {datetime(2027, 1, 6, 9, tzinfo=local): "2026-Q4"}),
    ]:
        schedule = repo.get_schedule_def(name)
        assert (schedule.job_name, schedule.cron_schedule, schedule.execution_timezone) == (
            job, cron, "Asia/Ho_Chi_Minh")
        op = "reports__operations" if job.startswith("operations") else "reports__briefing"
        for moment, period in ticks.items():
            [request] = schedule.evaluate_tick(dg.build_schedule_context(
                scheduled_execution_time=moment)).run_requests
            assert request.run_config == {"ops": {op: {"config": {"period": period}}}}
            assert request.run_key == f"{name}-{period}"

    # schedules make sense together: every report that reads the current release runs after
    # the daily run that publishes the morning's release (time of day, same time zone)
    def minute_of_day(cron: str) -> int:
        minute, hour = cron.split()[:2]
        return int(hour) * 60 + int(minute)

    daily = minute_of_day(repo.get_schedule_def("ioc_daily").cron_schedule)
    readers = [s for s in repo.schedule_defs if s.name.startswith(("briefing_", "operations_",
                                                                   "government_"))]
    assert len(readers) == 9
    assert [s.name for s in readers if minute_of_day(s.cron_schedule) < daily + 60] == []

    # the candidate depends on the marts, so blocking checks stand between them; the release
    # is made from the candidate (and may wait for sign-off)
    candidate = graph.get(dg.AssetKey(["published", "candidate"]))
    assert dg.AssetKey(["marts", "population_by_commune_sex_age"]) in candidate.parent_keys
    assert graph.get(dg.AssetKey(["published", "release"])).parent_keys == {candidate.key}


def test_definitions_load_without_deprecation_warnings(ioc_home):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build_definitions(load_settings())
    flagged = [w for w in caught
               if any(word in w.category.__name__
                      for word in ("Deprecation", "Supersession", "Beta", "Preview"))
               and ("dagster" in str(w.filename) or "/ioc_pipelines/" in str(w.filename)
                    or "dagster" in str(w.message).lower())]
    assert not flagged, [f"{w.category.__name__}: {w.message}" for w in flagged]
