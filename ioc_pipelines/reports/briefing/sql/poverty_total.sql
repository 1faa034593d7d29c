-- Households surveyed, poor and near-poor households of the area.
SELECT
    sum(households) AS households, sum(poor_households) AS poor,
    sum(near_poor_households) AS near_poor
FROM {m:housing_poverty_by_commune}
WHERE {filter:area}
