-- sống, đúng: the live window's readings, normalised as in staging, each with its QC flags
-- (the same rules as the file path, macros/iot_qc.sql); OUT_OF_ORDER here means a reading
-- that arrived after a later reading of its series.
with delivered as (
    select
        regexp_replace(trim(sensor_id), '^urn:ngsi-ld:[^:]+:', '') as sensor_id,
        observed_at,
        lower(replace(trim(quantity), '.', '')) as quantity,
        value,
        unit,
        platform,
        _provider as provider_code,
        _file as message,
        _record_number as record_number,
        _loaded_at as received_at
    from {{ source('live', 'iot__readings') }}
    where
        observed_at >= now() - to_days({{ var('live_window_days') }})
        and value is not null
),

ordered as (
    select
        *,
        observed_at < max(observed_at) over (
            partition by sensor_id, quantity order by message, record_number
            rows between unbounded preceding and 1 preceding
        ) as is_out_of_order
    from delivered
)

{{ iot_qc_flagged('ordered', 'is_out_of_order', 'message, record_number') }}
