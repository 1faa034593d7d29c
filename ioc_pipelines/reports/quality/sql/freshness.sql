-- Each source's age against its SLA.
SELECT source, sla_hours, delivery_age_hours AS delivery_age, data_age_hours AS data_age,
       is_stale AS stale
FROM {work:ops.source_freshness}
ORDER BY source
