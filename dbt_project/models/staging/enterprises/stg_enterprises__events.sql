-- sạch: enterprise registration events as delivered.
select
    {{ lineage() }},
    trim(enterprise_code) as enterprise_code,
    {{ clean_text('enterprise_name') }} as enterprise_name,
    {{ category('event_type') }} as event_type_text,
    case {{ category('event_type') }}
        when 'thành lập mới' then 'founded'
        when 'thành lập' then 'founded'
        when 'tạm ngừng kinh doanh' then 'suspended'
        when 'tạm ngừng' then 'suspended'
        when 'hoạt động trở lại' then 'resumed'
        when 'giải thể' then 'dissolved'
    end as event_type,
    event_date,
    {{ commune_columns('commune_code') }},
    nullif(trim(industry_code), '') as industry_code,
    registered_capital,
    {{ clean_text('legal_form') }} as legal_form
from {{ source('raw', 'enterprises__events') }}
