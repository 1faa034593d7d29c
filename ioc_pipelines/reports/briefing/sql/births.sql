-- Births of the area per month of the period.
SELECT strftime(birth_month, '%Y-%m') AS month, sum(births) AS births
FROM {m:births_by_commune_month}
WHERE {filter:area} AND list_contains($months, strftime(birth_month, '%Y-%m'))
GROUP BY ALL
ORDER BY 1
