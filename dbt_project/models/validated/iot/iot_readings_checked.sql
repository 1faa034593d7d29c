{%- set reading_key = "sensor_id || '|' || quantity || '|' || observed_at::varchar || '|' || "
    ~ "value::varchar" -%}
-- đúng for IoT: every reading is kept, with QC flags — DUPLICATE_READING (a later copy of the
-- same sensor, quantity, time and value), OUT_OF_ORDER (later than the next reading of its
-- series in the delivered file), GAP (more than 1.5 × the series' usual step since the
-- previous reading), STUCK (the 2nd+ reading of a run of ≥ 12 identical values; dry rain
-- gauges excepted), OUT_OF_RANGE (physically impossible value).
with readings as (
    select
        *,
        {{ is_later_copy(reading_key) }}
            as is_duplicate
    from {{ ref('stg_iot__readings') }}
),

kept as (
    select
        *,
        observed_at > lead(observed_at) over (
            partition by file_name, sensor_id, quantity order by record_number
        ) as is_out_of_order,
        observed_at - lag(observed_at) over series as since_previous,
        row_number() over series
        - row_number() over (partition by sensor_id, quantity, value order by observed_at)
            as value_run
    from readings
    where not is_duplicate
    window series as (partition by sensor_id, quantity order by observed_at)
),

runs as (
    select
        *,
        median(since_previous) over (partition by sensor_id, quantity) as usual_step,
        count(*) over (partition by sensor_id, quantity, value, value_run) as run_length,
        row_number() over (
            partition by sensor_id, quantity, value, value_run order by observed_at
        ) as run_position
    from kept
),

flagged as (
    select
        delivery_id,
        record_number,
        list_filter(
            [
                case when is_out_of_order then 'OUT_OF_ORDER' end,
                case when since_previous > usual_step * 1.5 then 'GAP' end,
                case
                    when
                        run_length >= 12 and run_position > 1
                        and not (quantity = 'rainfall' and value = 0)
                        then 'STUCK'
                end,
                case
                    when quantity in ('pm25', 'pm10') and value not between 0 and 1000
                        then 'OUT_OF_RANGE'
                    when quantity = 'water_level' and value < 0 then 'OUT_OF_RANGE'
                    when quantity = 'rainfall' and value not between 0 and 100 then 'OUT_OF_RANGE'
                end
            ],
            flag -> flag is not null
        ) as flags
    from runs
)

select
    readings.*,
    case
        when readings.is_duplicate then ['DUPLICATE_READING']
        else coalesce(flagged.flags, [])
    end as qc_flags
from readings
left join flagged
    on
        readings.delivery_id = flagged.delivery_id
        and readings.record_number = flagged.record_number
