-- sạch: links of people to households as delivered.
select
    {{ lineage() }},
    nullif(trim(household_id), '') as household_id,
    nullif(trim(citizen_id), '') as citizen_id,
    {{ clean_text('full_name') }} as full_name,
    {{ category('relation_to_head') }} as relation_to_head
from {{ source('raw', 'households__members') }}
