-- Expected deliveries that came late or not at all.
SELECT source, provider, period, due_date, first_delivery_date AS delivered, status
FROM {work:ops.delivery_completeness}
WHERE status <> 'on_time'
ORDER BY status, due_date, source, provider
