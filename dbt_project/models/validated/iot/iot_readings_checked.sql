{%- set reading_key = "sensor_id || '|' || quantity || '|' || observed_at::varchar || '|' || "
    ~ "value::varchar" -%}
-- đúng for IoT: every reading is kept, with QC flags — DUPLICATE_READING (a later copy of the
-- same sensor, quantity, time and value), OUT_OF_ORDER (later than the next reading of its
-- series in the delivered file), and the QC every IoT reading gets (macros/iot_qc.sql): GAP,
-- STUCK, OUT_OF_RANGE.
with readings as (
    select
        *,
        {{ is_later_copy(reading_key) }}
            as is_duplicate
    from {{ ref('stg_iot__readings') }}
),

kept as (
    select
        delivery_id,
        record_number,
        sensor_id,
        quantity,
        observed_at,
        value,
        observed_at > lead(observed_at) over (
            partition by file_name, sensor_id, quantity order by record_number
        ) as is_out_of_order
    from readings
    where not is_duplicate
),

flagged as (
    {{ iot_qc_flagged('kept', 'is_out_of_order') }}
)

select
    readings.*,
    case
        when readings.is_duplicate then ['DUPLICATE_READING']
        else coalesce(flagged.qc_flags, [])
    end as qc_flags
from readings
left join flagged
    on
        readings.delivery_id = flagged.delivery_id
        and readings.record_number = flagged.record_number
