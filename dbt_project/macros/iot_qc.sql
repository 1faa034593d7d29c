{#- The automatic QC of IoT readings, one definition for the file path
    (iot_readings_checked) and the live path (live_readings). From a relation of readings
    (sensor_id, quantity, observed_at, value) and a boolean column saying whether each arrived
    out of order, select every column plus `qc_flags`: OUT_OF_ORDER, GAP (more than 1.5 × the
    series' usual step since the previous reading), STUCK (the 2nd+ reading of a run of ≥ 12
    identical values; dry rain gauges excepted), OUT_OF_RANGE (physically impossible). -#}
{% macro iot_qc_flagged(relation, out_of_order) -%}
    select
        * exclude (since_previous, value_run, usual_step, run_length, run_position),
        list_filter(
            [
                case when {{ out_of_order }} then 'OUT_OF_ORDER' end,
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
        ) as qc_flags
    from (
        select
            *,
            median(since_previous) over (partition by sensor_id, quantity) as usual_step,
            count(*) over (partition by sensor_id, quantity, value, value_run) as run_length,
            row_number() over (
                partition by sensor_id, quantity, value, value_run order by observed_at
            ) as run_position
        from (
            select
                *,
                observed_at - lag(observed_at) over series as since_previous,
                row_number() over series
                - row_number() over (partition by sensor_id, quantity, value order by observed_at)
                    as value_run
            from {{ relation }}
            window series as (partition by sensor_id, quantity order by observed_at)
        )
    )
{%- endmacro %}
