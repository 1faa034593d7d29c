-- Policy beneficiaries of the area by policy group.
SELECT policy_group, sum(households) AS households, sum(members) AS members,
       sum(poor_households) AS poor
FROM {m:policy_beneficiaries_by_commune}
WHERE {filter:area}
GROUP BY ALL
ORDER BY 1
