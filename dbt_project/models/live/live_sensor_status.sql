-- sống: every sensor × quantity of the live window now — its latest reading and QC flags,
-- how long since it was heard, and its status: exceeding (an open episode, with its level),
-- silent (nothing for var('live_silent_minutes')), stuck, out_of_range, or normal.
with latest as (
    select
        sensor_id,
        quantity,
        max(observed_at) as last_observed_at,
        arg_max(value, observed_at) as last_value,
        arg_max(unit, observed_at) as unit,
        arg_max(qc_flags, observed_at) as last_qc_flags,
        max(received_at) as last_received_at,
        count(*) filter (where observed_at >= now() - interval 1 hour) as readings_last_hour
    from {{ ref('live_readings') }}
    group by sensor_id, quantity
),

open_episodes as (
    select
        sensor_id,
        quantity,
        max(peak_level) as open_level,
        min(started_at) as exceeding_since
    from {{ ref('live_exceedance_episodes') }}
    where ended_at is null
    group by sensor_id, quantity
)

select
    latest.sensor_id,
    sensors.sensor_name,
    sensors.sensor_type,
    sensors.commune_code,
    sensors.longitude,
    sensors.latitude,
    latest.quantity,
    latest.last_observed_at,
    latest.last_value,
    latest.unit,
    latest.last_qc_flags,
    latest.last_received_at,
    latest.readings_last_hour,
    open_episodes.open_level,
    open_episodes.exceeding_since,
    case
        when open_episodes.open_level is not null then 'exceeding'
        when latest.last_observed_at < now() - to_minutes({{ var('live_silent_minutes') }})
            then 'silent'
        when list_contains(latest.last_qc_flags, 'STUCK') then 'stuck'
        when list_contains(latest.last_qc_flags, 'OUT_OF_RANGE') then 'out_of_range'
        else 'normal'
    end as status
from latest
left join {{ source('live_reference', 'sensors') }} as sensors
    on latest.sensor_id = sensors.sensor_id
left join open_episodes
    on latest.sensor_id = open_episodes.sensor_id and latest.quantity = open_episodes.quantity
