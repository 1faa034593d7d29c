{#- The automatic QC of IoT readings, one definition for the file path
    (iot_readings_checked) and the live path (live_readings). From a relation of readings
    (sensor_id, quantity, observed_at, value) and a boolean column saying whether each arrived
    out of order, select every column plus `qc_flags`: OUT_OF_ORDER, GAP (more than 1.5 × the
    series' usual step since the previous reading), STUCK (the 2nd+ reading of a run of ≥ 12
    identical values; dry rain gauges excepted), OUT_OF_RANGE (physically impossible).
    `ties` orders readings of a series taken at the same time (their arrival).

    Built for the engine: one sort of the series gives each reading its step, its place and
    whether it starts or continues a run of equal values; only the readings in runs (a few
    per cent) are sorted again to number the runs; the usual step and the long runs are
    aggregates joined back, not windows over every reading. -#}
{% macro iot_qc_flagged(relation, out_of_order, ties) -%}
    select * from (
        with stepped as (
            select
                *,
                observed_at - lag(observed_at) over series as since_previous,
                row_number() over series as series_position,
                (value is distinct from lag(value) over series) as starts_run,
                (value is not distinct from lead(value) over series) as run_goes_on
            from {{ relation }}
            window series as (
                partition by sensor_id, quantity order by observed_at, {{ ties }}
            )
        ),

        in_runs as (
            select
                sensor_id,
                quantity,
                series_position,
                quantity = 'rainfall' and value = 0 as is_dry,
                sum(starts_run::int) over (
                    partition by sensor_id, quantity order by series_position
                ) as run_number
            from stepped
            where not starts_run or run_goes_on
        ),

        long_runs as (
            select
                sensor_id,
                quantity,
                run_number,
                min(series_position) as run_start
            from in_runs
            group by sensor_id, quantity, run_number
            having count(*) >= 12
        ),

        stuck as (
            select
                in_runs.sensor_id,
                in_runs.quantity,
                in_runs.series_position
            from in_runs
            inner join long_runs
                on
                    in_runs.sensor_id is not distinct from long_runs.sensor_id
                    and in_runs.quantity is not distinct from long_runs.quantity
                    and in_runs.run_number = long_runs.run_number
            where in_runs.series_position > long_runs.run_start and not in_runs.is_dry
        ),

        usual_steps as (
            select
                sensor_id,
                quantity,
                median(since_previous) as usual_step
            from stepped
            group by sensor_id, quantity
        )

        select
            stepped.* exclude (since_previous, series_position, starts_run, run_goes_on),
            list_filter(
                [
                    case when stepped.{{ out_of_order }} then 'OUT_OF_ORDER' end,
                    case when stepped.since_previous > usual_steps.usual_step * 1.5 then 'GAP' end,
                    case when stuck.series_position is not null then 'STUCK' end,
                    case
                        when stepped.quantity in ('pm25', 'pm10') and stepped.value not between 0 and 1000
                            then 'OUT_OF_RANGE'
                        when stepped.quantity = 'water_level' and stepped.value < 0 then 'OUT_OF_RANGE'
                        when stepped.quantity = 'rainfall' and stepped.value not between 0 and 100
                            then 'OUT_OF_RANGE'
                    end
                ],
                flag -> flag is not null
            ) as qc_flags
        from stepped
        inner join usual_steps
            on
                stepped.sensor_id is not distinct from usual_steps.sensor_id
                and stepped.quantity is not distinct from usual_steps.quantity
        left join stuck
            on
                stepped.sensor_id is not distinct from stuck.sensor_id
                and stepped.quantity is not distinct from stuck.quantity
                and stepped.series_position = stuck.series_position
    )
{%- endmacro %}
