-- sạch: points of interest with their geometry.
select
    {{ lineage() }},
    trim(poi_id) as poi_id,
    {{ clean_text('name') }} as poi_name,
    {{ category('category') }} as category,
    {{ commune_columns('commune_code') }},
    st_geomfromgeojson(geometry) as geom
from {{ source('raw', 'map__pois') }}
