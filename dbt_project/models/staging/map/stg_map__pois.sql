-- sạch: points of interest with their geometry (NULL when it cannot be read: a reason code
-- in the validated layer, never a failed build).
select
    {{ lineage() }},
    trim(poi_id) as poi_id,
    {{ clean_text('name') }} as poi_name,
    {{ category('category') }} as category,
    {{ commune_columns('commune_code') }},
    {{ geometry_columns('geometry') }}
from {{ source('raw', 'map__pois') }}
