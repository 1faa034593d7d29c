"""Great Expectations (GX Core 1.x) suites for published marts, run on a pandas frame.

GX is imported lazily (it costs seconds) and runs in an ephemeral context: no files, no
network, no analytics. Each suite is tagged with the principle it guards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    principle: str
    success: bool
    evaluated: int
    failures: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        if self.success:
            return f"{self.suite}: {self.evaluated} expectations passed"
        names = ", ".join(f"{f['expectation']}({f.get('column') or ''})" for f in self.failures)
        return f"{self.suite}: {len(self.failures)}/{self.evaluated} failed: {names}"


def population_mart_expectations(commune_codes: list[str]) -> list:
    """Invariants of ``population_by_commune_sex_age`` (principle: correct)."""
    import great_expectations.expectations as gxe

    bands = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85]
    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToNotBeNull(column="commune_code"),
        gxe.ExpectColumnValuesToMatchRegex(column="commune_code", regex=r"^\d{5}$"),
        gxe.ExpectColumnValuesToBeInSet(column="commune_code", value_set=commune_codes),
        gxe.ExpectColumnValuesToBeInSet(column="sex_code", value_set=[0, 1, 2]),
        gxe.ExpectColumnValuesToBeInSet(column="age_band_start", value_set=bands),
        gxe.ExpectColumnValuesToBeBetween(column="population", min_value=1),
        gxe.ExpectColumnValuesToNotBeNull(column="commune_name"),
        gxe.ExpectColumnDistinctValuesToContainSet(column="sex_code", value_set=[1, 2]),
    ]


def run_suite(name: str, principle: str, frame, expectations: list) -> SuiteOutcome:
    """Validate ``frame`` (pandas) against ``expectations`` in an ephemeral GX context."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    source = context.data_sources.add_pandas(f"{name}_source")
    batch_def = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole")
    suite = gx.ExpectationSuite(name=name)
    for expectation in expectations:
        suite.add_expectation(expectation)
    result = batch_def.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
    failures = [
        {
            "expectation": r.expectation_config.type,
            "column": r.expectation_config.kwargs.get("column"),
            "unexpected_count": r.result.get("unexpected_count"),
            "partial_unexpected_list": [str(v) for v in r.result.get("partial_unexpected_list", [])][:5],
        }
        for r in result.results
        if not r.success
    ]
    return SuiteOutcome(name, principle, bool(result.success), len(result.results), failures)
