-- The month budget figures (cumulative from January) are read for.
SELECT
    max(period) FILTER (WHERE period BETWEEN $first AND $last) AS inside,
    max(period) FILTER (WHERE period < $first) AS before
FROM {m:budget_by_period}
