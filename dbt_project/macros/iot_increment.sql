{#- How iot_readings_checked is built this time:
    - 'build': whole, into a new table (the first build, or `--full-refresh`: ``ioc run --full``,
      and every run whose code or settings differ from the last good build's);
    - 'extend': only the new deliveries' readings are checked, going on from the last reading
      of each series already checked; the readings already checked whose flags the new ones
      change (a run of equal values grown long, a series' usual step moved) are written again;
    - 'rebuild': whole, into the existing table (emptied first by the model's pre-hook), when
      the new readings cannot simply follow the old ones: a delivery checked before is gone
      or changed, a new delivery reuses a file name, a reading is older than the last one
      already checked of its series (a late day), copies one and would be the copy kept, or
      has no time.
    The reason of a rebuild is logged. -#}
{% macro iot_checked_mode() -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return('build') }}
    {%- endif -%}
    {%- set reason = run_query(iot_rebuild_reason_sql()).columns[0].values()[0] -%}
    {%- if reason -%}
        {{ log('iot_readings_checked is checked whole again: ' ~ reason, info=true) }}
        {{ return('rebuild') }}
    {%- endif -%}
    {{ return('extend') }}
{%- endmacro %}

{% macro iot_rebuild_reason_sql() -%}
    with checked as (
        select delivery_id, file_name, sensor_id, quantity, observed_at, value,
            delivery_date, loaded_at, record_number, is_duplicate
        from {{ this }}
    ),

    delivered as (
        select delivery_id, count(*) as readings
        from {{ ref('stg_iot__readings') }}
        group by delivery_id
    ),

    checked_deliveries as (
        select delivery_id, count(*) as readings
        from checked
        group by delivery_id
    ),

    new_readings as (
        select *
        from {{ ref('stg_iot__readings') }}
        where delivery_id not in (select checked_deliveries.delivery_id from checked_deliveries)
    ),

    -- a new reading copying one already checked: dropped as a later copy, or not
    copied as (
        select
            new_readings.delivery_id,
            new_readings.record_number,
            bool_and(
                {{ iot_copy_order('checked') }} < {{ iot_copy_order('new_readings') }}
            ) as is_later_copy
        from new_readings
        inner join checked
            on
                {{ iot_same_reading('new_readings', 'checked') }}
        group by new_readings.delivery_id, new_readings.record_number
    ),

    series_firsts as (
        select
            new_readings.sensor_id,
            new_readings.quantity,
            min((new_readings.observed_at, new_readings.delivery_id, new_readings.record_number))
                as first_new
        from new_readings
        anti join copied
            on
                new_readings.delivery_id = copied.delivery_id
                and new_readings.record_number = copied.record_number
                and copied.is_later_copy
        group by new_readings.sensor_id, new_readings.quantity
    ),

    series_lasts as (
        select
            sensor_id,
            quantity,
            max((observed_at, delivery_id, record_number)) as last_checked,
            bool_or(observed_at is null) as has_timeless
        from checked
        where not is_duplicate
        group by sensor_id, quantity
    )

    select
        case
            when exists (
                select 1
                from checked_deliveries
                left join delivered on checked_deliveries.delivery_id = delivered.delivery_id
                where delivered.readings is distinct from checked_deliveries.readings
            ) then 'a delivery checked before is gone or changed'
            when exists (
                select 1 from new_readings
                where new_readings.file_name in (select distinct checked.file_name from checked)
            ) then 'a new delivery reuses the name of a file already checked'
            when exists (
                select 1 from copied where not copied.is_later_copy
            ) then 'a new reading copies one already checked and comes first'
            when exists (
                select 1 from new_readings where new_readings.observed_at is null
            ) then 'a new reading has no time'
            when exists (
                select 1
                from series_firsts
                inner join series_lasts
                    on
                        series_firsts.sensor_id is not distinct from series_lasts.sensor_id
                        and series_firsts.quantity is not distinct from series_lasts.quantity
                where series_lasts.has_timeless or series_firsts.first_new <= series_lasts.last_checked
            ) then 'readings older than the last one already checked of their series (a late delivery)'
        end as reason
{%- endmacro %}
