"""The marts' GX suites fail on the errors they exist for (and pass on clean frames)."""

import pandas as pd
import pytest

from quality_checks.expectations import MART_SUITES, run_suite

SUITES = {s.mart: s for s in MART_SUITES}
CODES = ["03388", "03391"]


def _outcome(mart: str, rows: list[dict]):
    suite = SUITES[mart]
    return run_suite(mart, suite.principle, pd.DataFrame(rows), suite.build(CODES))


HOUSING = {"commune_code": "03388", "commune_name": "x", "households": 100,
           "poor_households": 10, "near_poor_households": 5, "poor_rate_pct": 10.0,
           "houses": 90, "temporary_houses": 3, "dilapidated_houses": 1}


@pytest.mark.parametrize(("change", "failing"), [
    ({}, set()),
    ({"poor_households": 120}, {"expect_column_pair_values_a_to_be_greater_than_b"}),
    ({"commune_code": "99999"}, {"expect_column_values_to_be_in_set"}),
    ({"poor_rate_pct": 250.0}, {"expect_column_values_to_be_between",
                                "expect_column_mean_to_be_between"}),
])
def test_housing_poverty_suite(change, failing):
    outcome = _outcome("housing_poverty_by_commune",
                       [{**HOUSING, "commune_code": "03391"}, {**HOUSING, **change}])
    assert {f["expectation"] for f in outcome.failures} == failing
    assert outcome.success is (not failing)


def test_scorecard_suite_catches_more_passed_than_checked():
    row = {"source": "iot", "provider_code": "SNNMT", "commune_code": None, "period": "2026-10",
           "measure": "records", "principle": "correct", "principle_vi": "đúng",
           "checked": 10, "passed": 9, "pass_share": 0.9}
    assert _outcome("quality_scorecard", [row]).success
    bad = _outcome("quality_scorecard", [row, {**row, "passed": 11, "pass_share": 1.1}])
    assert {f["expectation"] for f in bad.failures} == {
        "expect_column_pair_values_a_to_be_greater_than_b", "expect_column_values_to_be_between"}


def test_feedback_suite_catches_satisfaction_out_of_scale():
    row = {"period": "2026-10", "category": "a", "handling_unit": "b", "commune_code": "03388",
           "received": 5, "resolved_on_time": 3, "resolved_late": 1, "open_cases": 1,
           "avg_handling_hours": 20.0, "avg_satisfaction": 4.2}
    assert _outcome("feedback_handling", [row]).success
    bad = _outcome("feedback_handling", [row, {**row, "avg_satisfaction": 42.0,
                                               "period": "2026-13"}])
    assert not bad.success
    assert {f["column"] for f in bad.failures} >= {"avg_satisfaction", "period"}
