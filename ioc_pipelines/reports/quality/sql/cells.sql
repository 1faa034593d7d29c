-- The scorecard by provider and principle (the heat map); a source-level measure without a
-- provider counts for the contract's owner ($sources / $owners).
SELECT
    coalesce(sc.provider_code, owners.owner, '(' || sc.source || ')') AS provider,
    sc.principle, sum(sc.checked)::BIGINT AS checked, sum(sc.passed)::BIGINT AS passed
FROM {scope:scorecard} AS sc
LEFT JOIN (SELECT unnest($sources) AS source, unnest($owners) AS owner) AS owners
    ON owners.source = sc.source
GROUP BY ALL
ORDER BY ALL
