-- sạch: public-investment projects and their disbursement as delivered.
select
    {{ lineage() }},
    nullif(trim(project_code), '') as project_code,
    {{ clean_text('project_name') }} as project_name,
    {{ clean_text('investor') }} as investor,
    {{ commune_columns('commune_code') }},
    plan_capital,
    disbursed,
    {{ clean_text('unit') }} as unit,
    as_of,
    coalesce(is_key_project, false) as is_key_project
from {{ source('raw', 'finance__projects') }}
