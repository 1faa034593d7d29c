-- PM2.5 exceedance events: runs of consecutive days on which a station's 24-hour mean exceeded
-- QCVN 05:2023/BTNMT (50 µg/m³), with start, end, length and the peak (value and hour) — the
-- incidents the environment scenario and the briefing report list.
with days as (
    select
        *,
        day_local - cast(
            row_number() over (partition by sensor_id order by day_local) as integer
        ) as run_key
    from {{ ref('pm25_exceedance_days') }}
)

select
    sensor_id,
    min(day_local) as start_day,
    max(day_local) as end_day,
    count(*) as days,
    round(max(mean_pm25), 1) as max_daily_mean_pm25,
    max(peak_pm25) as peak_pm25,
    arg_max(peak_hour, peak_pm25) as peak_hour,
    any_value(limit_24h) as limit_24h
from days
group by sensor_id, run_key
