-- sạch: points of interest with their geometry.
select
    {{ lineage() }},
    trim(poi_id) as poi_id,
    {{ clean_text('name') }} as poi_name,
    {{ category('category') }} as category,
    {{ normalise_code('commune_code', 5) }} as commune_code,
    st_geomfromgeojson(geometry) as geom
from {{ source('raw', 'map__pois') }}
