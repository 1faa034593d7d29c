-- Budget revenue and spending items, cumulative to one month, against the year's estimate.
SELECT direction, item_code, item_name, unit, estimate, actual, achieved_pct
FROM {m:budget_by_period}
WHERE period = $month
ORDER BY direction DESC, item_code
