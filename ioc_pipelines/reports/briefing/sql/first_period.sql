-- The first month any source's records or deliveries were scored for: a report on a period
-- that ends before it has no data to describe.
SELECT min(left(period, 7)) AS first_month
FROM {m:quality_scorecard}
WHERE measure IN ('records', 'deliveries') AND period IS NOT NULL
