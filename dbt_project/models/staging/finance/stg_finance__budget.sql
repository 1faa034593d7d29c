-- sạch: budget revenue and spending by item as delivered.
select
    {{ lineage() }},
    trim(period) as period,
    nullif(trim(item_code), '') as item_code,
    {{ clean_text('item_name') }} as item_name,
    {{ category('direction') }} as direction,
    estimate,
    actual,
    {{ clean_text('unit') }} as unit
from {{ source('raw', 'finance__budget') }}
