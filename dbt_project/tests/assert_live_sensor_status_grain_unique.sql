-- the live gate: one status row per sensor × quantity
{{ config(tags=['live']) }}
select
    sensor_id,
    quantity,
    count(*) as rows_per_key
from {{ ref('live_sensor_status') }}
group by sensor_id, quantity
having count(*) > 1
