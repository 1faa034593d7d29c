-- Indicators of one month against the year's plan, as the mart judged them.
SELECT
    indicator_code, indicator_name, unit, actual, cumulative, plan_target,
    same_period_last_year, growth_vs_last_year_pct, is_not_met, period_month,
    not_judged_reason
FROM {m:indicators_vs_plan}
WHERE period = $month
    AND (len($codes::VARCHAR[]) = 0 OR list_contains($codes::VARCHAR[], indicator_code))
ORDER BY indicator_code
