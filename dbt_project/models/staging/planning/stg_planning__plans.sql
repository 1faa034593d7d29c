-- sạch: approved plans with their area polygon when delivered. A geometry that cannot be
-- read (text coordinates, broken GeoJSON) is NULL here and a reason code in the validated
-- layer — never a failed build.
select
    {{ lineage() }},
    trim(plan_id) as plan_id,
    {{ clean_text('name') }} as plan_name,
    {{ category('level') }} as plan_level,
    {{ clean_text('decision_number') }} as decision_number,
    decision_date,
    {{ clean_text('authority') }} as authority,
    area_ha,
    {{ commune_columns('commune_code') }},
    {{ geometry_columns('geometry') }}
from {{ source('raw', 'planning__plans') }}
