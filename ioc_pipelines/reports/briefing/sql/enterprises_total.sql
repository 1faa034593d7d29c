-- Enterprise events of the area in the given months.
SELECT
    sum(founded) AS founded, sum(dissolved) AS dissolved, sum(suspended) AS suspended,
    sum(resumed) AS resumed, sum(founded_capital_million_vnd) AS capital
FROM {m:enterprises_by_month}
WHERE list_contains($months, period) AND {filter:area}
