-- Population of each commune of the area.
SELECT commune_code, population
FROM {m:population_by_commune}
WHERE {filter:area}
