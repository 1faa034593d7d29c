-- The scorecard by source and principle, with the previous release's share of the same cells.
SELECT
    source, principle, sum(checked)::BIGINT AS checked, sum(passed)::BIGINT AS passed,
    sum(previous_pass_share * checked) / nullif(sum(checked) FILTER (
        WHERE previous_pass_share IS NOT NULL), 0) AS previous
FROM {scope:scorecard}
GROUP BY ALL
ORDER BY ALL
