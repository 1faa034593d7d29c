-- Children entering each school level by school year, in the area.
SELECT school_year, level_name, sum(children) AS children
FROM {m:school_age_cohorts}
WHERE {filter:area}
GROUP BY ALL
ORDER BY 1, 2
