-- Per loaded delivery file: its records and how many of them were rejected (quarantined by a
-- blocking rule). The gate compares rejected_share with the contract's limit; the quality
-- report shows the deliveries closest to it.
with deliveries as (
    select
        source,
        provider,
        delivery_id,
        file_name,
        row_count
    from {{ source('quality', 'deliveries') }}
    where status = 'loaded' and row_count > 0
),

rejected as (
    select
        delivery_id,
        file_name,
        count(distinct record_number) as rejected
    from {{ ref('rule_findings') }}
    where is_quarantined
    group by all
)

select
    deliveries.source,
    deliveries.provider,
    deliveries.delivery_id,
    deliveries.file_name,
    deliveries.row_count as records,
    coalesce(rejected.rejected, 0) as rejected,
    coalesce(rejected.rejected, 0) / deliveries.row_count as rejected_share
from deliveries
left join rejected
    on
        deliveries.delivery_id = rejected.delivery_id
        and deliveries.file_name = rejected.file_name
