-- The month indicator figures are read for: the latest within the period, else the latest
-- before it ($codes: the indicators of a sector; empty: all).
SELECT
    max(period) FILTER (WHERE period BETWEEN $first AND $last) AS inside,
    max(period) FILTER (WHERE period < $first) AS before
FROM {m:indicators_vs_plan}
WHERE len($codes::VARCHAR[]) = 0 OR list_contains($codes::VARCHAR[], indicator_code)
