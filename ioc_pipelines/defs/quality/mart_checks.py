"""GX Core suites on the marts (quality_checks.expectations.MART_SUITES), one asset check
each (``gx_<mart>``): a blocking suite stops the release, the others publish and report. A
mart still empty (its sources never delivered) passes: missing deliveries are đủ's to report,
and one source not delivering must not hold back the others."""


import dagster as dg

from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings
from quality_checks import PRINCIPLES
from quality_checks.expectations import MART_SUITES, MartSuite


def _check_for(suite: MartSuite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        name=suite.check,
        asset=dg.AssetKey(["marts", suite.mart]),
        blocking=suite.blocking,
        description=f"GX suite (principle: {PRINCIPLES[suite.principle]}): {suite.description}."
        + (" Blocks publication when it fails." if suite.blocking else " Warns."),
    )
    def _check(settings: dg.ResourceParam[Settings]) -> dg.AssetCheckResult:
        from quality_checks.expectations import run_suite

        with connect(settings) as con:
            frame = con.execute(f"SELECT * FROM work.marts.{suite.mart}").df()
            codes = [r[0] for r in con.execute(
                "SELECT code FROM work.reference.admin_units_2025 WHERE province_code = ?",
                [settings.province_code]).fetchall()]
        if suite.rows_with is not None:
            frame = frame[frame[suite.rows_with].notna()]
        if frame.empty:  # its sources have not delivered yet: the đủ checks say so
            return dg.AssetCheckResult(
                passed=True, description=f"{suite.mart} has no rows yet: nothing to validate",
                metadata={"principle": suite.principle, "rows": 0})
        outcome = run_suite(suite.mart, suite.principle, frame, suite.build(codes))
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=(dg.AssetCheckSeverity.ERROR if suite.blocking
                      else dg.AssetCheckSeverity.WARN),
            description=outcome.summary(),
            metadata={"principle": suite.principle,
                      "principle_vi": PRINCIPLES[suite.principle],
                      "rows": len(frame), "expectations": outcome.evaluated,
                      "failed": len(outcome.failures),
                      "failures": dg.MetadataValue.json(outcome.failures)})

    return _check


MART_CHECKS = [_check_for(suite) for suite in MART_SUITES]
