-- Sensor health over the last 7 days of readings (the newest reading of any sensor closes
-- the window): readings received against those expected at the station's usual step, share of
-- readings with QC flags by kind, last reading and silence, and a status: ok, degraded (under
-- 90 % complete or over 5 % flagged), silent (nothing for 24 hours) or never reported.
with readings as (
    select * from {{ ref('iot_readings_checked') }}
),

window_end as (
    select max(observed_at) as window_end from readings
),

recent as (
    select readings.*
    from readings
    cross join window_end
    where readings.observed_at > window_end.window_end - interval 7 day
),

intervals as (
    select
        sensor_id,
        quantity,
        observed_at - lag(observed_at) over (
            partition by sensor_id, quantity order by observed_at
        ) as since_previous
    from recent
),

steps as (
    select
        sensor_id,
        quantity,
        median(since_previous) as usual_step
    from intervals
    group by sensor_id, quantity
),

per_series as (
    select
        recent.sensor_id,
        recent.quantity,
        count(distinct recent.observed_at) as received,
        greatest(
            1,
            (
                epoch(max(window_end.window_end) - min(recent.observed_at))
                / nullif(epoch(any_value(steps.usual_step)), 0)
            )::bigint + 1
        ) as expected,
        count(*) filter (where len(recent.qc_flags) > 0) as flagged,
        count(*) filter (where list_contains(recent.qc_flags, 'STUCK')) as stuck,
        count(*) filter (where list_contains(recent.qc_flags, 'OUT_OF_RANGE')) as out_of_range,
        count(*) filter (where list_contains(recent.qc_flags, 'GAP')) as gaps,
        count(*) as readings
    from recent
    cross join window_end
    left join steps
        on recent.sensor_id = steps.sensor_id and recent.quantity = steps.quantity
    group by recent.sensor_id, recent.quantity
),

per_sensor as (
    select
        sensor_id,
        sum(readings) as readings_7d,
        least(1.0, sum(received) / sum(expected)) as completeness,
        sum(flagged) / sum(readings) as flagged_share,
        sum(stuck) as stuck_readings,
        sum(out_of_range) as out_of_range_readings,
        sum(gaps) as gaps
    from per_series
    group by sensor_id
)

select
    sensors.sensor_id,
    sensors.sensor_type,
    sensors.sensor_name,
    sensors.commune_code,
    sensors.last_reading_at,
    window_end.window_end,
    round(epoch(window_end.window_end - sensors.last_reading_at) / 3600.0, 1)
        as hours_since_last_reading,
    coalesce(per_sensor.readings_7d, 0) as readings_7d,
    round(100.0 * per_sensor.completeness, 1) as completeness_pct,
    round(100.0 * per_sensor.flagged_share, 2) as flagged_pct,
    coalesce(per_sensor.stuck_readings, 0) as stuck_readings,
    coalesce(per_sensor.out_of_range_readings, 0) as out_of_range_readings,
    coalesce(per_sensor.gaps, 0) as gaps,
    case
        when sensors.last_reading_at is null then 'never_reported'
        when window_end.window_end - sensors.last_reading_at > interval 24 hour then 'silent'
        when per_sensor.completeness < 0.9 or per_sensor.flagged_share > 0.05 then 'degraded'
        else 'ok'
    end as status
from {{ ref('dim_sensors') }} as sensors
cross join window_end
left join per_sensor on sensors.sensor_id = per_sensor.sensor_id
