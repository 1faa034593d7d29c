-- Days on which a station's 24-hour mean PM2.5 exceeded the national standard QCVN
-- 05:2023/BTNMT (50 µg/m³), with the hour of the peak: the pollution alerts of the period.
with daily as (
    select
        sensor_id,
        cast(hour_local as date) as day_local,
        -- exact decimals (avg_value has two): the same mean in any summing order
        sum(cast(avg_value as decimal(18, 2)) * readings) / sum(readings) as mean_pm25,
        max(max_value) as peak_pm25,
        arg_max(hour_local, max_value) as peak_hour
    from {{ ref('iot_hourly') }}
    where quantity = 'pm25'
    group by all
)

select
    *,
    50 as limit_24h
from daily
where mean_pm25 > 50
