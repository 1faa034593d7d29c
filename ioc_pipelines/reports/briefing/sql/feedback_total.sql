-- Citizen feedback of the area in the given months ($categories: a sector's; empty: all);
-- mean satisfaction over the rated cases, as the mart's additive columns define it.
SELECT
    sum(received) AS received, sum(resolved_on_time) AS on_time,
    sum(resolved_late) AS late, sum(open_cases) AS open_cases,
    sum(satisfaction_points) / nullif(sum(rated_cases), 0) AS satisfaction
FROM {m:feedback_handling}
WHERE list_contains($months, period) AND {filter:area}
    AND (len($categories::VARCHAR[]) = 0 OR list_contains($categories::VARCHAR[], category))
