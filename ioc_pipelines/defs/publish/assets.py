"""The gate's far side: publish checked marts as one release; render the release's report."""


import dagster as dg

from ioc_pipelines.publish import Release, current_release, publish_tables
from ioc_pipelines.reports.population import render_population_report
from ioc_pipelines.reports.rejections import render_rejection_reports
from ioc_pipelines.resources.lakes import PUBLISHED, analyst_attach_sql, connect
from ioc_pipelines.settings import Settings

# every mart of the dbt project, published under its own name when the gate passed; marts
# hold no direct identifiers (tests/e2e/test_rules_against_truth.py checks the published lake)
MART_NAMES = [
    "population_by_commune_sex_age", "population_by_commune_ethnicity",
    "population_by_commune_religion", "school_age_cohorts", "births_by_commune_month",
    "policy_beneficiaries_by_commune", "housing_poverty_by_commune", "housing_support_map",
    "permits_by_commune_month", "indicators_vs_plan", "budget_by_period",
    "investment_disbursement", "enterprises_by_month", "feedback_handling", "iot_hourly",
    "pm25_exceedance_days", "pm25_exceedance_events", "water_level_events", "sensor_health",
    "dim_admin_units", "dim_indicators", "dim_providers", "dim_sensors", "quality_scorecard",
]
# published name -> work-lake table
PUBLISHED_MARTS = {name: f"work.marts.{name}" for name in MART_NAMES}
RELEASE = dg.AssetKey(["published", "release"])


def _check_summary(context: dg.AssetExecutionContext) -> dict:
    """What the gate saw in this run, for the release's commit metadata: checks evaluated,
    passed, and the failed ones by severity (a failed blocking check never gets here)."""
    evaluations = [entry.dagster_event.event_specific_data
                   for entry in context.instance.all_logs(
                       context.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)]
    failed = [e for e in evaluations if not e.passed]
    return {
        "gate": "passed",
        "evaluated": len(evaluations),
        "passed": len(evaluations) - len(failed),
        "warnings": sorted(f"{e.asset_key.to_user_string()}:{e.check_name}" for e in failed
                           if e.severity == dg.AssetCheckSeverity.WARN),
    }


SCORECARD_KEY = ("source", "provider_code", "commune_code", "period", "measure", "principle")


def _previous_columns(settings: Settings, previous: Release) -> set[str]:
    with connect(settings, work=False, published=True) as con:
        con.execute(f"SELECT * FROM {PUBLISHED}.main.quality_scorecard "
                    f"AT (VERSION => {int(previous.id)}) LIMIT 0")
        return {column[0] for column in con.description}


def scorecard_with_change(settings: Settings, previous: Release | None) -> str:
    """The scorecard as published: the work lake's, with the previous release's share of the
    same cell and the change since (null for a cell the previous release did not have, and
    for all when the previous release had no scorecard or one of another shape)."""
    current = "work.marts.quality_scorecard"
    if (previous is None or "quality_scorecard" not in previous.tables
            or not {*SCORECARD_KEY, "pass_share"} <= _previous_columns(settings, previous)):
        return (f"(SELECT *, NULL::DOUBLE AS previous_pass_share, "
                f"NULL::DOUBLE AS change_since_previous FROM {current})")
    joined = " AND ".join(f"cur.{c} IS NOT DISTINCT FROM prev.{c}" for c in SCORECARD_KEY)
    return (f"(SELECT cur.*, prev.pass_share AS previous_pass_share, "
            f"round(cur.pass_share - prev.pass_share, 4) AS change_since_previous "
            f"FROM {current} AS cur LEFT JOIN (SELECT * FROM {PUBLISHED}.main.quality_scorecard "
            f"AT (VERSION => {int(previous.id)})) AS prev ON {joined})")


@dg.asset(
    key=RELEASE,
    group_name="published",
    # the marts, and the delivery checks (a contract may make a missing delivery blocking)
    deps=[*(dg.AssetKey(["marts", name]) for name in MART_NAMES),
          dg.AssetKey(["quality", "delivery_completeness"]),
          dg.AssetKey(["quality", "source_freshness"]),
          # its blocking check is the gate on each delivery's rejected share
          dg.AssetKey(["validated", "rule_findings"])],
    kinds={"ducklake"},
    description="Copies the checked marts into the published lake (kho dữ liệu dùng chung) in one "
    "transaction. Runs only when every blocking check upstream passed; its snapshot id is the "
    "release id.",
)
def published_release(context: dg.AssetExecutionContext,
                      settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    tables = {**PUBLISHED_MARTS,
              "quality_scorecard": scorecard_with_change(settings, current_release(settings))}
    release = publish_tables(settings, tables, run_id=context.run_id,
                             checks=_check_summary(context))
    context.log.info(f"published release {release.id}: {release.tables}")
    return dg.MaterializeResult(metadata={
        "release_id": release.id,
        "published_at": release.published_at.isoformat(),
        "code_version": release.info["code_version"],
        "tables": dg.MetadataValue.json(release.tables),
        "analyst_attach": dg.MetadataValue.md(
            f"```sql\n{analyst_attach_sql(settings, release.id)}\n```"
            if settings.s3 is None else "see `ioc status --json` (carries the analyst secret)"),
    })


@dg.asset(
    key=dg.AssetKey(["reports", "population"]),
    group_name="reports",
    deps=[RELEASE],
    kinds={"html"},
    description="Báo cáo dân số theo xã/phường (HTML, Vietnamese) read from the current release only.",
)
def population_report(context: dg.AssetExecutionContext,
                      settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    report = render_population_report(settings)
    context.log.info(f"report for release {report.release_id}: {report.local_path}")
    return dg.MaterializeResult(metadata={
        "release_id": report.release_id,
        "object_key": report.key,
        "path": dg.MetadataValue.path(str(report.local_path)),
        "total_population": report.total,
    })


@dg.asset(
    key=dg.AssetKey(["reports", "rejections"]),
    group_name="reports",
    deps=[dg.AssetKey(["validated", "quarantine_records"])],
    kinds={"csv", "excel"},
    description="Báo cáo bản ghi bị từ chối: per provider and delivery, every rejected record "
    "with its reasons and what to correct (CSV and Excel), in the work bucket under "
    "reports/rejections/. Made on every run, also when the gate blocks the release.",
)
def rejection_reports(context: dg.AssetExecutionContext,
                      settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    reports = render_rejection_reports(settings)
    context.log.info(f"{len(reports)} rejection reports, "
                     f"{sum(r.records for r in reports)} rejected records")
    return dg.MaterializeResult(metadata={
        "reports": len(reports),
        "rejected_records": sum(r.records for r in reports),
        "by_provider": dg.MetadataValue.md(
            "| provider | delivery | source | records | workbook |\n|---|---|---|---|---|\n"
            + "\n".join(f"| {r.provider} | {r.delivery_id} | {r.source} | {r.records} | "
                        f"`{r.xlsx_key}` |" for r in reports)),
    })
