-- Hourly aggregates per sensor and quantity from readings without QC flags (flagged
-- readings stay in validated.iot_readings_checked). GAP marks the series, not the value: the
-- first reading after a gap counts.
select
    sensor_id,
    quantity,
    date_trunc('hour', timezone('Asia/Ho_Chi_Minh', observed_at)) as hour_local,
    count(*) as readings,
    -- summed as exact decimals: the same mean whatever order the threads add the readings in
    round(avg(value::decimal(18, 3)), 2) as avg_value,
    min(value) as min_value,
    max(value) as max_value
from {{ ref('iot_readings_checked') }}
where len(list_filter(qc_flags, flag -> flag != 'GAP')) = 0
group by all
