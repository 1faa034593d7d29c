-- Houses needing support in the area by structure and poverty status.
SELECT structure_type, poverty_status, count(*) AS houses
FROM {m:housing_support_map}
WHERE {filter:houses}
GROUP BY ALL
ORDER BY 1, 2
