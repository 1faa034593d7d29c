-- sạch: households as delivered, text normalised, codes padded, poverty status as a category.
select
    {{ lineage() }},
    nullif(trim(household_id), '') as household_id,
    nullif(trim(head_citizen_id), '') as head_citizen_id,
    {{ clean_text('head_name') }} as head_name,
    {{ commune_columns('commune_code') }},
    {{ clean_text('address') }} as address,
    member_count,
    {{ category('poverty_status') }} as poverty_status_text,
    case {{ category('poverty_status') }}
        when 'nghèo' then 'poor'
        when 'hộ nghèo' then 'poor'
        when 'cận nghèo' then 'near_poor'
        when 'hộ cận nghèo' then 'near_poor'
        when 'không' then 'none'
    end as poverty_status,
    poverty_year,
    {{ clean_text('policy_group') }} as policy_group,
    updated_on
from {{ source('raw', 'households__households') }}
