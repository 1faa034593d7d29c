-- sạch: houses with the coordinate system decided by the connector and a WGS84 point:
-- VN-2000 TM-3 metres (any zone, EPSG:9205-9218) are converted with ST_Transform to 4326.
with houses as (
    select
        {{ lineage() }},
        nullif(trim(house_id), '') as house_id,
        nullif(trim(household_id), '') as household_id,
        {{ commune_columns('commune_code') }},
        {{ clean_text('address') }} as address,
        {{ category('structure_type') }} as structure_type,
        floor_area_m2,
        x,
        y,
        crs,
        crs_basis,
        surveyed_on
    from {{ source('raw', 'housing__houses') }}
)

select
    *,
    case
        when crs = 'EPSG:4326' then st_point(x, y)
        when regexp_full_match(crs, 'EPSG:92(0[5-9]|1[0-8])')  -- the VN-2000 TM-3 zones
            then st_transform(st_point(x, y), crs, 'EPSG:4326', always_xy := true)
    end as geom
from houses
