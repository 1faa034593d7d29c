-- A failing row means the PM2.5 events lost or double-counted an exceedance day, or an event
{{ config(meta={"dagster": {"ref": {"name": "pm25_exceedance_events"}}}) }}
-- is not a run of consecutive days.
select 'days' as problem
where
    (select coalesce(sum(days), 0) from {{ ref('pm25_exceedance_events') }})
    <> (select count(*) from {{ ref('pm25_exceedance_days') }})
union all
select 'not consecutive' as problem
from {{ ref('pm25_exceedance_events') }}
where end_day - start_day + 1 <> days
