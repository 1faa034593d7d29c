-- The province's 2025 communes and wards with their official code, name, level and real
-- boundary (WGS84): the map layer every spatial scenario joins to.
select
    units.code as commune_code,
    units.name as commune_name,
    units.level as unit_level,
    units.province_code,
    units.centroid_lon,
    units.centroid_lat,
    boundaries.geom
from {{ ref('admin_units_2025') }} as units
inner join {{ ref('province_boundaries') }} as boundaries
    on units.code = boundaries.commune_code
where units.province_code = '{{ var("province_code") }}'
