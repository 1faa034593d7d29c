-- sạch: infrastructure lines (roads, power, water) with their geometry (NULL when it cannot
-- be read: a reason code in the validated layer, never a failed build).
select
    {{ lineage() }},
    trim(line_id) as line_id,
    {{ clean_text('name') }} as line_name,
    {{ category('category') }} as category,
    {{ geometry_columns('geometry') }}
from {{ source('raw', 'map__lines') }}
