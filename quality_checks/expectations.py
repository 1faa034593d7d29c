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
        gxe.ExpectColumnValuesToNotBeNull(column="commune_code"),
        gxe.ExpectColumnValuesToMatchRegex(column="commune_code", regex=r"^\d{5}$"),
        gxe.ExpectColumnValuesToBeInSet(column="commune_code", value_set=commune_codes),
        gxe.ExpectColumnValuesToBeInSet(column="sex_code", value_set=[0, 1, 2]),
        gxe.ExpectColumnValuesToBeInSet(column="age_band_start", value_set=bands),
        gxe.ExpectColumnValuesToBeBetween(column="population", min_value=1),
        gxe.ExpectColumnValuesToNotBeNull(column="commune_name"),
        gxe.ExpectColumnDistinctValuesToContainSet(column="sex_code", value_set=[1, 2]),
    ]


def _between(column: str, low=None, high=None, **kw):
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high, **kw)


def _at_least(a: str, b: str):
    """Column ``a`` ≥ column ``b`` on every row (a total is never smaller than its part)."""
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A=a, column_B=b, or_equal=True,
                                                       ignore_row_if="either_value_is_missing")


def housing_poverty_expectations(commune_codes: list[str]) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeInSet(column="commune_code", value_set=commune_codes),
        gxe.ExpectColumnValuesToBeUnique(column="commune_code"),
        _at_least("households", "poor_households"),
        _at_least("households", "near_poor_households"),
        _at_least("houses", "temporary_houses"),
        _between("poor_rate_pct", 0, 100),
        # distribution: a provincial poverty rate far above any Vietnamese province's is a
        # unit or code error, not a fact
        gxe.ExpectColumnMeanToBeBetween(column="poor_rate_pct", min_value=0, max_value=60),
    ]


def feedback_handling_expectations(commune_codes: list[str]) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}-(?:0[1-9]|1[0-2])$"),
        _at_least("received", "resolved_on_time"),
        _at_least("received", "resolved_late"),
        _at_least("received", "open_cases"),
        _between("avg_satisfaction", 1, 5),
        _between("avg_handling_hours", 0),
        gxe.ExpectColumnMeanToBeBetween(column="avg_satisfaction", min_value=1, max_value=5),
    ]


def indicators_vs_plan_expectations(commune_codes: list[str]) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}-(?:0[1-9]|1[0-2])$"),
        gxe.ExpectColumnValuesToNotBeNull(column="indicator_code"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["indicator_code", "period",
                                                         "provider_code"]),
        gxe.ExpectColumnValuesToBeInSet(column="is_not_met", value_set=[True, False]),
        gxe.ExpectColumnValuesToBeBetween(column="period_month", min_value=1, max_value=12),
    ]


def finance_expectations(commune_codes: list[str]) -> list:
    return [_between("estimate", 0), _between("actual", 0),
            # distribution: an item 100× over its estimate is a unit (đồng / triệu) slip
            _between("achieved_pct", 0, 1000, mostly=0.99)]


def investment_expectations(commune_codes: list[str]) -> list:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeUnique(column="project_code"),
            _between("plan_capital", 0), _at_least("plan_capital", "disbursed"),
            _between("disbursed_pct", 0, 100), _between("year_elapsed_pct", 0, 100)]


def school_age_expectations(commune_codes: list[str]) -> list:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeInSet(column="commune_code", value_set=commune_codes),
            gxe.ExpectColumnValuesToBeInSet(column="entry_age", value_set=[3, 6, 11, 15]),
            _between("children", 0)]


def iot_hourly_expectations(commune_codes: list[str]) -> list:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToNotBeNull(column="hour_local"),
            _between("readings", 1),
            _at_least("max_value", "avg_value"), _at_least("avg_value", "min_value"),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["sensor_id", "quantity",
                                                             "hour_local"])]


def sensor_health_expectations(commune_codes: list[str]) -> list:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeUnique(column="sensor_id"),
            gxe.ExpectColumnValuesToBeInSet(column="status",
                                            value_set=["ok", "degraded", "silent"]),
            _between("completeness_pct", 0, 100), _between("flagged_pct", 0, 100)]


def scorecard_expectations(commune_codes: list[str]) -> list:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeInSet(
                column="principle", value_set=["clean", "correct", "complete", "live"]),
            gxe.ExpectColumnValuesToBeInSet(
                column="measure", value_set=["records", "deliveries", "freshness"]),
            _between("pass_share", 0, 1), _at_least("checked", "passed"), _between("passed", 0)]


@dataclass(frozen=True)
class MartSuite:
    mart: str
    principle: str
    blocking: bool
    build: object  # (commune codes) -> expectations
    description: str
    # rows without a value here hold no delivered data yet (a commune listed from the
    # reference, no household delivered): left out of the suite
    rows_with: str | None = None
    check_name: str | None = None  # default gx_<mart>

    @property
    def check(self) -> str:
        return self.check_name or f"gx_{self.mart}"


# the marts' GX suites: invariants and distributions. A blocking suite stops the release;
# the others publish with a warning.
MART_SUITES = [
    MartSuite("population_by_commune_sex_age", "correct", True, population_mart_expectations,
              "codes in the province's 2025 commune list, sex codes, 5-year bands, positive "
              "counts", check_name="population_mart_expectations"),
    MartSuite("housing_poverty_by_commune", "correct", True, housing_poverty_expectations,
              "communes of the province once each; poor ≤ households; rate 0–100 %, mean ≤ 60 %",
              rows_with="poor_rate_pct"),
    MartSuite("feedback_handling", "correct", True, feedback_handling_expectations,
              "handled cases within received; satisfaction 1–5"),
    MartSuite("indicators_vs_plan", "correct", True, indicators_vs_plan_expectations,
              "one row per indicator × period × department; months 1–12"),
    MartSuite("budget_by_period", "correct", False, finance_expectations,
              "non-negative amounts; achieved ≤ 1000 % for 99 % of items"),
    MartSuite("investment_disbursement", "correct", False, investment_expectations,
              "disbursed within plan capital; shares 0–100 %"),
    MartSuite("school_age_cohorts", "correct", True, school_age_expectations,
              "province communes; entry ages 3/6/11/15"),
    MartSuite("iot_hourly", "correct", False, iot_hourly_expectations,
              "min ≤ avg ≤ max; one row per sensor × quantity × hour"),
    MartSuite("sensor_health", "correct", False, sensor_health_expectations,
              "status ok/degraded/silent; percentages 0–100"),
    MartSuite("quality_scorecard", "correct", True, scorecard_expectations,
              "passed ≤ checked; share 0–1; known principles and measures"),
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
