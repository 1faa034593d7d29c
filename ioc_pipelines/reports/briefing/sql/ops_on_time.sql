-- Per source: expected deliveries due within the period, on time, late, missing.
SELECT
    source, count(*) AS due, count(*) FILTER (WHERE status = 'on_time') AS on_time,
    count(*) FILTER (WHERE status = 'late') AS late,
    count(*) FILTER (WHERE status = 'missing') AS missing
FROM {work:ops.delivery_completeness}
WHERE due_date BETWEEN $start AND $end
GROUP BY ALL
ORDER BY source
