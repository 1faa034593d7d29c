-- Poverty by commune of the area, highest rate first (the map and the top-ten table).
SELECT
    commune_code, commune_name, households, poor_households, near_poor_households,
    poor_rate_pct
FROM {m:housing_poverty_by_commune}
WHERE {filter:area}
ORDER BY poor_rate_pct DESC NULLS LAST, commune_code
