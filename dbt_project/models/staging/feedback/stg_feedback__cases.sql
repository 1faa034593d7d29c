-- sạch: feedback cases as delivered; the reporter's contact stays in the work lake.
select
    {{ lineage() }},
    trim(case_id) as case_id,
    received_at,
    {{ clean_text('channel') }} as channel,
    {{ clean_text('category') }} as category,
    {{ commune_columns('commune_code', 'commune_name') }},
    {{ clean_text('commune_name') }} as commune_name,
    {{ clean_text('handling_unit') }} as handling_unit,
    {{ category('status') }} as status,
    due_at,
    resolved_at,
    satisfaction,
    {{ clean_text('reporter_name') }} as reporter_name,
    nullif(trim(reporter_phone), '') as reporter_phone
from {{ source('raw', 'feedback__cases') }}
