-- The sensors of the area with their positions.
SELECT sensor_id, sensor_name, sensor_type, longitude, latitude
FROM {m:dim_sensors}
WHERE {filter:sensors}
ORDER BY sensor_id
