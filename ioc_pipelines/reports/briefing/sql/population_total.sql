-- The area's population by the age groups the mart defines, at the registry extract date.
SELECT
    sum(population) AS total, sum(male) AS male, sum(female) AS female,
    sum(children) AS children, sum(elderly) AS elderly, max(reference_date) AS reference_date
FROM {m:population_by_commune}
WHERE {filter:area}
