"""Blocking checks on the population mart beyond dbt's structural tests (GX Core suite)."""


import dagster as dg

from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings
from quality_checks import PRINCIPLES

POPULATION_MART = dg.AssetKey(["marts", "population_by_commune_sex_age"])


@dg.asset_check(
    asset=POPULATION_MART,
    blocking=True,
    description="GX suite (principle: đúng): codes in the province's 2025 commune list, sex "
    "codes, 5-year bands, positive counts. Blocks publication when it fails.",
)
def population_mart_expectations(settings: dg.ResourceParam[Settings]) -> dg.AssetCheckResult:
    from quality_checks.expectations import population_mart_expectations as suite_for
    from quality_checks.expectations import run_suite

    with connect(settings) as con:
        frame = con.execute("SELECT * FROM work.marts.population_by_commune_sex_age").df()
        codes = [r[0] for r in con.execute(
            "SELECT code FROM work.reference.admin_units_2025 WHERE province_code = ?",
            [settings.province_code]).fetchall()]
    outcome = run_suite("population_mart", "correct", frame, suite_for(codes))
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.summary(),
        metadata={
            "principle": "correct",
            "principle_vi": PRINCIPLES["correct"],
            "expectations": outcome.evaluated,
            "failed": len(outcome.failures),
            "failures": dg.MetadataValue.json(outcome.failures),
        },
    )
