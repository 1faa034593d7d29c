-- Per source: deliveries dated within the period, loaded, refused, and the last one (the
-- work lake's records as they were at the release).
SELECT
    source, count(*) AS deliveries, count(*) FILTER (WHERE status = 'loaded') AS loaded,
    count(*) FILTER (WHERE status NOT IN ('loaded', 'landed')) AS rejected,
    max(delivery_date) AS last_delivery
FROM {work:ops.deliveries}
WHERE delivery_date BETWEEN $start AND $end
GROUP BY ALL
