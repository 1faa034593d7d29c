-- The scorecard by principle and month.
SELECT principle, left(period, 7) AS month, sum(checked)::BIGINT AS checked,
       sum(passed)::BIGINT AS passed
FROM {m:quality_scorecard}
WHERE list_contains($months, left(period, 7))
GROUP BY ALL
