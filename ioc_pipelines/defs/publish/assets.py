"""The gate's far side: publish checked marts as one release; render the release's report."""


import dagster as dg

from ioc_pipelines.defs.population.checks import POPULATION_MART
from ioc_pipelines.publish import publish_tables
from ioc_pipelines.reports.population import render_population_report
from ioc_pipelines.resources.lakes import analyst_attach_sql
from ioc_pipelines.settings import Settings

# published name -> work-lake table; every mart that passed the gate in this run
PUBLISHED_MARTS = {
    "population_by_commune_sex_age": "work.marts.population_by_commune_sex_age",
}
RELEASE = dg.AssetKey(["published", "release"])


@dg.asset(
    key=RELEASE,
    group_name="published",
    deps=[POPULATION_MART],
    kinds={"ducklake"},
    description="Copies the checked marts into the published lake (kho dữ liệu dùng chung) in one "
    "transaction. Runs only when every blocking check upstream passed; its snapshot id is the "
    "release id.",
)
def published_release(context: dg.AssetExecutionContext,
                      settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    release = publish_tables(settings, PUBLISHED_MARTS, run_id=context.run_id,
                             checks={"gate": "passed"})
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
