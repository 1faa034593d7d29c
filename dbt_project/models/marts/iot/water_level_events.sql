-- Water-level alarm events: hours in which a station's level reached one of its alarm levels
-- (báo động I/II/III from the station registry), grouped into events with start, end and peak.
with hours as (
    select
        hourly.sensor_id,
        hourly.hour_local,
        hourly.max_value,
        sensors.alert_level_1,
        case
            when hourly.max_value >= sensors.alert_level_3 then 3
            when hourly.max_value >= sensors.alert_level_2 then 2
            when hourly.max_value >= sensors.alert_level_1 then 1
        end as alarm_level
    from {{ ref('iot_hourly') }} as hourly
    inner join {{ ref('dim_sensors') }} as sensors on hourly.sensor_id = sensors.sensor_id
    where hourly.quantity = 'water_level' and sensors.alert_level_1 is not null
),

flagged as (
    select
        *,
        hour_local - interval (row_number() over (
            partition by sensor_id order by hour_local
        )) hour as event_group
    from hours
    where alarm_level is not null
)

select
    sensor_id,
    min(hour_local) as started_at,
    max(hour_local) + interval 1 hour as ended_at,
    max(max_value) as peak_level,
    max(alarm_level) as highest_alarm_level
from flagged
group by sensor_id, event_group
