-- The scorecard of the report's sources in the period's months, by source and principle.
SELECT source, principle, sum(checked)::BIGINT AS checked, sum(passed)::BIGINT AS passed
FROM {m:quality_scorecard}
WHERE list_contains($sources, source) AND list_contains($months, left(period, 7))
GROUP BY ALL
ORDER BY ALL
