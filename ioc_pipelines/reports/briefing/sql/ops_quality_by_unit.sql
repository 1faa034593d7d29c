-- The scorecard by providing unit and month (communes as one unit), as the mart groups it.
SELECT unit_code, unit_name, month, checked, passed
FROM {m:quality_by_unit_month}
WHERE list_contains($months, month)
ORDER BY ALL
