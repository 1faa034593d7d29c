-- The area's population by 5-year age band and sex.
SELECT
    age_band, age_band_start, sum(population) FILTER (WHERE sex_code = 1) AS male,
    sum(population) FILTER (WHERE sex_code = 2) AS female, sum(population) AS total
FROM {m:population_by_commune_sex_age}
WHERE {filter:area}
GROUP BY ALL
ORDER BY age_band_start
