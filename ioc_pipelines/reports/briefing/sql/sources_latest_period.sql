-- Per source, the latest period its records or deliveries were scored for (as-of line).
SELECT source, max(period) AS latest_period
FROM {m:quality_scorecard}
WHERE measure IN ('records', 'deliveries') AND list_contains($sources, source)
GROUP BY ALL
