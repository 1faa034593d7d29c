-- đúng for IoT: every reading is kept, with QC flags — DUPLICATE_READING (a later copy of the
-- same sensor, quantity, time and value: oldest delivery, then load, file and record first),
-- OUT_OF_ORDER (later than the next reading of its series in the delivered file), and the QC
-- every IoT reading gets (macros/iot_qc.sql): GAP, STUCK, OUT_OF_RANGE. Copies are found by
-- an aggregate (only readings delivered more than once are compared), not a window over all.
with copies as (
    select
        sensor_id,
        quantity,
        observed_at,
        value,
        min((delivery_date, loaded_at, file_name, record_number)) as first_copy
    from {{ ref('stg_iot__readings') }}
    where
        sensor_id is not null and quantity is not null and observed_at is not null
        and value is not null
    group by sensor_id, quantity, observed_at, value
    having count(*) > 1
),

readings as (
    select
        staged.*,
        coalesce(
            copies.first_copy is not null
            and (staged.delivery_date, staged.loaded_at, staged.file_name, staged.record_number)
            != copies.first_copy,
            false
        ) as is_duplicate
    from {{ ref('stg_iot__readings') }} as staged
    left join copies
        on
            staged.sensor_id = copies.sensor_id
            and staged.quantity = copies.quantity
            and staged.observed_at = copies.observed_at
            and staged.value = copies.value
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
    {{ iot_qc_flagged('kept', 'is_out_of_order', 'delivery_id, record_number') }}
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
