-- đúng for IoT: every reading is kept, with QC flags — DUPLICATE_READING (a later copy of the
-- same sensor, quantity, time and value: oldest delivery, then load, file and record first),
-- OUT_OF_ORDER (later than the next reading of its series in the delivered file), and the QC
-- every IoT reading gets (macros/iot_qc.sql): GAP, STUCK, OUT_OF_RANGE. Copies are found by
-- an aggregate of the readings' hashes (only readings whose hash is shared are compared), not
-- a window over all.
--
-- Incremental: a new day's readings are checked going on from the last reading of each series
-- already checked (macros/iot_increment.sql says when the whole history is checked again);
-- each reading keeps its place in its series, its step, its run and the series' usual step,
-- which is what the next day goes on from. Checked whole or day by day, the table is the same.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['delivery_id', 'record_number'],
    on_schema_change='fail',
    pre_hook="{% if iot_checked_mode() == 'rebuild' %}delete from {{ this }}{% endif %}",
) }}
{%- set extend = iot_checked_mode() == 'extend' %}

with staged as (
    select * from {{ ref('stg_iot__readings') }}
    {%- if extend %}
        where delivery_id not in (select distinct checked.delivery_id from {{ this }} as checked)
    {%- endif %}
),

-- readings whose hash is shared: the few that may have copies. Grouping one 64-bit hash is
-- what keeps this cheap (grouping the four columns of 14 M readings cost 22 CPU-s)
shared_hashes as (
    select {{ iot_reading_hash() }} as reading_hash
    from staged
    where
        sensor_id is not null and quantity is not null and observed_at is not null
        and value is not null
    group by reading_hash
    having count(*) > 1
),

copies as (
    select
        sensor_id,
        quantity,
        observed_at,
        value,
        min({{ iot_copy_order() }}) as first_copy
    from staged
    where
        sensor_id is not null and quantity is not null and observed_at is not null
        and value is not null
        and {{ iot_reading_hash() }} in (select shared_hashes.reading_hash from shared_hashes)
    group by sensor_id, quantity, observed_at, value
    having count(*) > 1
),

{%- if extend %}

    -- readings already checked that new ones copy (they come first: iot_increment.sql)
    copied as (  -- noqa: ST03
        select distinct
            checked.sensor_id,
            checked.quantity,
            checked.observed_at,
            checked.value
        from {{ this }} as checked
        semi join staged
            on
                {{ iot_same_reading('checked', 'staged') }}
    ),
{%- endif %}

readings as (
    select
        staged.*,
        coalesce(
            copies.first_copy is not null
            and {{ iot_copy_order('staged') }} != copies.first_copy,
            false
        ) {%- if extend %} or copied.sensor_id is not null {%- endif %} as is_duplicate
    from staged
    left join copies
        on
            {{ iot_same_reading('staged', 'copies') }}
    {%- if extend %}
        left join copied  -- noqa: ST11
            on
                {{ iot_same_reading('staged', 'copied') }}
    {%- endif %}
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

{%- if extend %}

-- the last reading already checked of each series, which the new ones go on from
-- (used by iot_qc_steps)
    anchors as (  -- noqa: ST03
        select
            sensor_id,
            quantity,
            unnest(last_checked)  -- noqa: AL03
        from (
            select
                sensor_id,
                quantity,
                arg_max(
                    {
                        'observed_at': observed_at, 'value': value, 'delivery_id': delivery_id,
                        'record_number': record_number, 'anchor_position': series_position,
                        'anchor_run_start': run_start
                    },
                    series_position
                ) as last_checked
            from {{ this }}
            where not is_duplicate
            group by sensor_id, quantity
        )
    ),
{%- endif %}

stepped as (
    {{ iot_qc_steps('kept', 'delivery_id, record_number', 'anchors' if extend else none) }}
),

usual_steps as (
    {%- if extend %}
        select
            sensor_id,
            quantity,
            median(since_previous) as usual_step,
            -- the usual step the readings already checked were flagged with
            max(checked_usual_step) as checked_usual_step
        from (
            select
                sensor_id,
                quantity,
                since_previous,
                null::interval as checked_usual_step
            from stepped
            where anchor_position is null
            union all
            select
                sensor_id,
                quantity,
                since_previous,
                usual_step
            from {{ this }}
            where not is_duplicate
        )
        group by sensor_id, quantity
    {%- else %}
        {{ iot_qc_usual_steps('stepped') }}
    {%- endif %}
),

checked_new as (
    select
        readings.*,
        stepped.series_position,
        stepped.since_previous,
        stepped.run_start,
        -- a duplicate has no step (and no series to take one from); guarded here, not in the
        -- join, where a condition on one side alone turns the hash join into a nested loop
        case when stepped.delivery_id is not null then usual_steps.usual_step end as usual_step,
        case
            when readings.is_duplicate then ['DUPLICATE_READING']
            else {{ iot_qc_flag_list(
                'stepped', 'stepped.is_out_of_order', 'stepped.since_previous',
                'usual_steps.usual_step', iot_qc_is_stuck('stepped')) }}
        end as qc_flags
    from readings
    left join stepped
        on
            readings.delivery_id = stepped.delivery_id
            and readings.record_number = stepped.record_number
            and stepped.anchor_position is null
    left join usual_steps
        on
            stepped.sensor_id is not distinct from usual_steps.sensor_id
            and stepped.quantity is not distinct from usual_steps.quantity
)

{%- if extend %},

-- runs of equal values the new readings made long: their earlier readings are now stuck
grown_runs as (
    select
        sensor_id,
        quantity,
        run_start,
        run_length
    from stepped
    where
        anchor_position is not null
        and anchor_position - run_start + 1 < 12 and run_length >= 12
),

-- readings already checked whose flags the new ones change, flagged again
checked_again as (
    select
        checked.* exclude (usual_step, qc_flags),
        usual_steps.usual_step,
        {{ iot_qc_flag_list(
            'checked', "list_contains(checked.qc_flags, 'OUT_OF_ORDER')",
            'checked.since_previous', 'usual_steps.usual_step',
            "case when grown_runs.run_start is null then list_contains(checked.qc_flags, 'STUCK')"
            ~ " else " ~ iot_qc_is_stuck('checked', 'grown_runs.run_length') ~ " end"
        ) }} as qc_flags
    from {{ this }} as checked
    inner join usual_steps
        on
            checked.sensor_id is not distinct from usual_steps.sensor_id
            and checked.quantity is not distinct from usual_steps.quantity
    left join grown_runs
        on
            checked.sensor_id is not distinct from grown_runs.sensor_id
            and checked.quantity is not distinct from grown_runs.quantity
            and checked.run_start = grown_runs.run_start
    where
        not checked.is_duplicate
        and (
            usual_steps.usual_step is distinct from usual_steps.checked_usual_step
            or grown_runs.run_start is not null
        )
)

select * from checked_new
union all by name
select * from checked_again
{%- else %}

    select * from checked_new
{%- endif %}
