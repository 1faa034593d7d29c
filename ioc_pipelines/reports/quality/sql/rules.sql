-- The rules failing most (dbt model rule_failures).
SELECT rule_id AS code, principle, severity, records, providers, sources,
       explanation_vi AS explanation, fix_vi AS fix
FROM {work:validated.rule_failures}
ORDER BY records DESC, rule_id
LIMIT $top
