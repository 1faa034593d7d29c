-- Water levels above an alarm level that started within the period.
SELECT sensor_id, started_at, ended_at, peak_level, highest_alarm_level
FROM {m:water_level_events}
WHERE started_at::DATE BETWEEN $start AND $end AND list_contains($sensors, sensor_id)
ORDER BY started_at, sensor_id
