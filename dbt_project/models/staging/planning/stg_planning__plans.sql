-- sạch: approved plans with their area polygon when delivered.
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
    case when geometry is not null then st_geomfromgeojson(geometry) end as geom
from {{ source('raw', 'planning__plans') }}
