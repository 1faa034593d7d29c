-- sống: exceedance episodes of the live window — runs of consecutive readings of a sensor
-- above its limit: PM2.5 whose mean over the past 24 hours exceeds QCVN 05:2023/BTNMT
-- (50 µg/m³), a water level at or above the station's alarm level I/II/III, rainfall whose
-- 24-hour total reaches the levels of var('rainfall_24h_levels'). An episode is open until a
-- reading of the series is back under the limit (`ended_at`, its recovery).
{%- set rain = var('rainfall_24h_levels') %}
with measured as (
    select
        readings.sensor_id,
        readings.quantity,
        readings.observed_at,
        readings.unit,
        sensors.alert_level_1,
        sensors.alert_level_2,
        sensors.alert_level_3,
        case readings.quantity
            when 'pm25' then avg(readings.value) over past_day
            when 'rainfall' then sum(readings.value) over past_day
            else readings.value
        end as measure
    from {{ ref('live_readings') }} as readings
    left join {{ source('live_reference', 'sensors') }} as sensors
        on readings.sensor_id = sensors.sensor_id
    where
        readings.quantity in ('pm25', 'water_level', 'rainfall')
        and not list_contains(readings.qc_flags, 'OUT_OF_RANGE')
    window past_day as (
        partition by readings.sensor_id, readings.quantity
        order by readings.observed_at
        range between interval 24 hours preceding and current row
    )
),

leveled as (
    select
        *,
        case quantity
            when 'pm25' then 50
            when 'water_level' then alert_level_1
            else {{ rain[0] }}
        end as threshold,
        coalesce(case
            when quantity = 'pm25' then case when measure > 50 then 1 else 0 end
            when quantity = 'water_level'
                then case
                    when measure >= alert_level_3 then 3
                    when measure >= alert_level_2 then 2
                    when measure >= alert_level_1 then 1
                    else 0
                end
            when measure >= {{ rain[2] }} then 3
            when measure >= {{ rain[1] }} then 2
            when measure >= {{ rain[0] }} then 1
            else 0
        end, 0) as level
    from measured
),

starts as (
    select
        *,
        case
            when level > 0 and coalesce(lag(level) over series, 0) = 0 then 1 else 0
        end as is_start
    from leveled
    window series as (partition by sensor_id, quantity order by observed_at)
),

numbered as (
    select
        *,
        sum(is_start) over (
            partition by sensor_id, quantity order by observed_at
            rows between unbounded preceding and current row
        ) as episode_number
    from starts
)

select
    sensor_id || '|' || quantity || '|' || strftime(
        min(observed_at) filter (where level > 0), '%Y-%m-%dT%H:%M:%S%z'
    ) as episode_id,
    sensor_id,
    quantity,
    case quantity
        when 'pm25' then 'pm25_24h_mean'
        when 'rainfall' then 'rainfall_24h_total'
        else 'water_level'
    end as measure,
    any_value(unit) as unit,
    min(observed_at) filter (where level > 0) as started_at,
    max(observed_at) filter (where level > 0) as last_exceeding_at,
    min(observed_at) filter (where level = 0) as ended_at,
    round(max(measure) filter (where level > 0), 2) as peak_measure,
    round(arg_max(measure, observed_at) filter (where level > 0), 2) as last_exceeding_measure,
    max(level) as peak_level,
    any_value(threshold) as threshold
from numbered
where episode_number > 0
group by sensor_id, quantity, episode_number
