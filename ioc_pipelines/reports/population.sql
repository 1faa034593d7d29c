-- The population report's table: each commune with its residents by sex and age group (the
-- groups are defined by the mart population_by_commune).
SELECT
    commune_code AS code, commune_name AS name, male, female, children, elderly,
    population AS total, reference_date
FROM published.main.population_by_commune
ORDER BY commune_code
