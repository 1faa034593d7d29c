-- đủ by size: the newest loaded extract of each provider and kind of file against the one
-- before it. A file's kind is its name without digits and extension, so the same extract
-- compares with itself whatever its date or format (CSV one month, JSON Lines the next); a
-- supplement with another name is another kind. The contract's volume.max_drop is applied
-- by the asset check volume_<source>.
with loaded as (
    select
        source,
        provider,
        delivery_id,
        file_name,
        delivery_date,
        landed_at,
        row_count,
        regexp_replace(
            regexp_replace(file_name, '\.[^.]+$', ''), '[0-9]+', '', 'g'
        ) as file_kind
    from {{ source('quality', 'deliveries') }}
    where status = 'loaded' and row_count is not null
),

ranked as (
    select
        *,
        lag(row_count) over by_kind as previous_records,
        lag(file_name) over by_kind as previous_file_name,
        row_number() over (
            partition by source, provider, file_kind
            order by delivery_date desc, landed_at desc
        ) as newest
    from loaded
    window by_kind as (
        partition by source, provider, file_kind order by delivery_date, landed_at
    )
)

select
    source,
    provider,
    file_kind,
    delivery_id,
    file_name,
    delivery_date,
    row_count as records,
    previous_file_name,
    previous_records,
    round(1 - row_count / previous_records, 4) as drop_share
from ranked
where newest = 1 and previous_records > 0
