-- PM2.5 episodes (consecutive exceedance days) overlapping the period.
SELECT sensor_id, start_day, end_day, days, max_daily_mean_pm25, peak_pm25
FROM {m:pm25_exceedance_events}
WHERE start_day <= $end AND end_day >= $start AND list_contains($sensors, sensor_id)
ORDER BY start_day, sensor_id
