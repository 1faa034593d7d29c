-- One comparison per source, provider and kind of file: two would make the volume check
-- judge an extract against the wrong one.
{{ config(meta={"dagster": {"ref": {"name": "delivery_volume_changes"}}}) }}
select
    source,
    provider,
    file_kind,
    count(*) as rows_per_kind
from {{ ref('delivery_volume_changes') }}
group by all
having count(*) > 1
