{#- The automatic QC of IoT readings, one definition for the file path
    (iot_readings_checked, built whole or extended by a new day) and the live path
    (live_readings): OUT_OF_ORDER, GAP (more than 1.5 × the series' usual step since the
    previous reading), STUCK (the 2nd+ reading of a run of ≥ 12 identical values; dry rain
    gauges excepted), OUT_OF_RANGE (physically impossible).

    Built for the engine: one sort of the series gives each reading its step, its place and
    whether it starts or continues a run of equal values; only the readings in runs (a few
    per cent) are sorted again to number the runs; the usual step and the runs' lengths are
    aggregates joined back, not windows over every reading. -#}

{#- Each reading of `relation` (sensor_id, quantity, observed_at, value, the `ties` columns
    ordering readings taken at the same time) with its place in its series
    (`series_position`, from 1), the time since the previous reading (`since_previous`), and
    the run of equal values it belongs to (`run_start`: the place of the run's first reading;
    `run_length`). `anchors`, when given, holds the last reading already checked of each
    series, with its place and run (`anchor_position`, `anchor_run_start`; it sorts before
    every reading of `relation`): the places, steps and runs then go on from it, and the
    anchors are among the rows returned (anchor_position not null). -#}
{% macro iot_qc_steps(relation, ties, anchors=none) -%}
    {%- set anchor_rows = 'union all by name select * from ' ~ anchors if anchors else '' %}
    {%- set position = 'coalesce(first_value(anchor_position) over series, 1) - 1 + '
        if anchors else '' %}
    select * from (
        with series_rows as (
            select
                *,
                null::bigint as anchor_position,
                null::bigint as anchor_run_start
            from {{ relation }} {{ anchor_rows }}
        ),

        stepped as (
            select
                *,
                observed_at - lag(observed_at) over series as since_previous,
                {{ position }}row_number() over series as series_position,
                (value is distinct from lag(value) over series) as starts_run,
                (value is not distinct from lead(value) over series) as run_goes_on
            from series_rows
            window series as (
                partition by sensor_id, quantity order by observed_at, {{ ties }}
            )
        ),

        in_runs as (
            select
                sensor_id,
                quantity,
                series_position,
                anchor_run_start,
                sum(starts_run::int) over (
                    partition by sensor_id, quantity order by series_position
                ) as run_number
            from stepped
            where not starts_run or run_goes_on
        ),

        runs as (
            select
                sensor_id,
                quantity,
                run_number,
                -- a run the anchor continues began where the anchor's run began
                min(coalesce(anchor_run_start, series_position)) as run_start,
                max(series_position) - min(coalesce(anchor_run_start, series_position)) + 1
                    as run_length
            from in_runs
            group by sensor_id, quantity, run_number
        ),

        run_of as (
            select
                in_runs.sensor_id,
                in_runs.quantity,
                in_runs.series_position,
                runs.run_start,
                runs.run_length
            from in_runs
            inner join runs
                on
                    in_runs.sensor_id is not distinct from runs.sensor_id
                    and in_runs.quantity is not distinct from runs.quantity
                    and in_runs.run_number = runs.run_number
        )

        select
            stepped.* exclude (starts_run, run_goes_on, anchor_run_start),
            coalesce(run_of.run_start, stepped.anchor_run_start, stepped.series_position)
                as run_start,
            coalesce(
                run_of.run_length,
                stepped.anchor_position - stepped.anchor_run_start + 1,
                1
            ) as run_length
        from stepped
        left join run_of
            on
                stepped.sensor_id is not distinct from run_of.sensor_id
                and stepped.quantity is not distinct from run_of.quantity
                and stepped.series_position = run_of.series_position
    )
{%- endmacro %}

{#- The usual step of each series: the median time between its readings. -#}
{% macro iot_qc_usual_steps(relation) -%}
    select
        sensor_id,
        quantity,
        median(since_previous) as usual_step
    from {{ relation }}
    group by sensor_id, quantity
{%- endmacro %}

{#- The QC flags of the reading `reading` (a relation's name), in their fixed order, from
    whether it arrived out of order, its step and the series' usual step, and whether it is
    stuck. -#}
{% macro iot_qc_flag_list(reading, out_of_order, since_previous, usual_step, stuck) -%}
    list_filter(
        [
            case when {{ out_of_order }} then 'OUT_OF_ORDER' end,
            case when {{ since_previous }} > {{ usual_step }} * 1.5 then 'GAP' end,
            case when {{ stuck }} then 'STUCK' end,
            case
                when {{ reading }}.quantity in ('pm25', 'pm10')
                    and {{ reading }}.value not between 0 and 1000
                    then 'OUT_OF_RANGE'
                when {{ reading }}.quantity = 'water_level' and {{ reading }}.value < 0
                    then 'OUT_OF_RANGE'
                when {{ reading }}.quantity = 'rainfall'
                    and {{ reading }}.value not between 0 and 100
                    then 'OUT_OF_RANGE'
            end
        ],
        flag -> flag is not null
    )
{%- endmacro %}

{#- Whether the reading `reading` is stuck: not the first of a long run of equal values (its
    run's length is `run_length`, the reading's own column unless given). -#}
{% macro iot_qc_is_stuck(reading, run_length=none) -%}
    (
        {{ reading }}.series_position > {{ reading }}.run_start
        and {{ run_length or reading ~ '.run_length' }} >= 12
        and not ({{ reading }}.quantity = 'rainfall' and {{ reading }}.value = 0)
    )
{%- endmacro %}

{#- From a relation of readings (sensor_id, quantity, observed_at, value) and a boolean
    column saying whether each arrived out of order, every column plus `qc_flags`. `ties`
    orders readings of a series taken at the same time (their arrival). -#}
{% macro iot_qc_flagged(relation, out_of_order, ties) -%}
    select * from (
        with stepped as (
            {{ iot_qc_steps(relation, ties) }}
        ),

        usual_steps as (
            {{ iot_qc_usual_steps('stepped') }}
        )

        select
            stepped.* exclude (
                since_previous, series_position, run_start, run_length, anchor_position
            ),
            {{ iot_qc_flag_list(
                'stepped', 'stepped.' ~ out_of_order, 'stepped.since_previous',
                'usual_steps.usual_step', iot_qc_is_stuck('stepped')) }} as qc_flags
        from stepped
        inner join usual_steps
            on
                stepped.sensor_id is not distinct from usual_steps.sensor_id
                and stepped.quantity is not distinct from usual_steps.quantity
    )
{%- endmacro %}

{#- Two readings that are copies of one another: the same sensor, quantity, time and value. -#}
{% macro iot_same_reading(left, right) -%}
    {{ left }}.sensor_id = {{ right }}.sensor_id
    and {{ left }}.quantity = {{ right }}.quantity
    and {{ left }}.observed_at = {{ right }}.observed_at
    and {{ left }}.value = {{ right }}.value
{%- endmacro %}

{#- A 64-bit hash of what makes two readings the same (iot_same_reading): equal for copies,
    so only readings that share one need comparing. -#}
{% macro iot_reading_hash(reading=none) -%}
    {%- set r = reading ~ '.' if reading else '' -%}
    hash({{ r }}sensor_id, {{ r }}quantity, {{ r }}observed_at, {{ r }}value)
{%- endmacro %}

{#- The order in which copies of a reading are kept: the oldest delivery, then load, file and
    record first (the first is kept, the later ones are DUPLICATE_READING). -#}
{% macro iot_copy_order(reading=none) -%}
    {%- set r = reading ~ '.' if reading else '' -%}
    ({{ r }}delivery_date, {{ r }}loaded_at, {{ r }}file_name, {{ r }}record_number)
{%- endmacro %}
