-- Enterprises founded and dissolved per month of the area (the trend chart).
SELECT period, sum(founded) AS founded, sum(dissolved) AS dissolved
FROM {m:enterprises_by_month}
WHERE list_contains($months, period) AND {filter:area}
GROUP BY ALL
