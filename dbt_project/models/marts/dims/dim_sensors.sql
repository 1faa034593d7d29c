-- Sensors and stations: the newest description each platform gave (type, name, location,
-- river, alarm levels) and when the station last reported.
with described as (
    select
        *,
        row_number() over (
            partition by sensor_id order by delivery_date desc, loaded_at desc
        ) as newest
    from {{ ref('stg_iot__sensors') }}
),

last_seen as (
    select
        sensor_id,
        max(observed_at) as last_reading_at,
        count(*) as readings
    from {{ ref('iot_readings_checked') }}
    group by sensor_id
)

select
    described.sensor_id,
    described.sensor_type,
    described.sensor_name,
    described.longitude,
    described.latitude,
    st_point(described.longitude, described.latitude) as geom,
    described.commune_code,
    described.river,
    described.alert_level_1,
    described.alert_level_2,
    described.alert_level_3,
    described.platform,
    last_seen.last_reading_at,
    coalesce(last_seen.readings, 0) as readings
from described
left join last_seen on described.sensor_id = last_seen.sensor_id
where described.newest = 1
