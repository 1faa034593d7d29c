-- Per sensor: days whose 24-hour PM2.5 mean exceeded QCVN 05:2023/BTNMT within the period.
SELECT
    sensor_id, count(*) AS days, max(mean_pm25) AS max_mean, max(peak_pm25) AS peak,
    any_value(limit_24h) AS limit_24h
FROM {m:pm25_exceedance_days}
WHERE day_local BETWEEN $start AND $end AND list_contains($sensors, sensor_id)
GROUP BY ALL
ORDER BY sensor_id
