-- sạch: houses with the coordinate system decided by the connector (else the province's
-- VN-2000 zone for metres) and a WGS84 point:
-- VN-2000 TM-3 metres (any zone, EPSG:5896-5899 and 9205-9218) are converted with ST_Transform to 4326.
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
        -- VN-2000 metres that do not say their zone are in the configured province's: the
        -- connector's bands only tell metres from degrees (a band is one province's northings,
        -- which another province's can share)
        case
            when crs_basis = 'detected' and {{ vn2000_zone('crs') }} then '{{ var("vn2000_crs") }}'
            when crs is null and {{ vn2000_metres() }} then '{{ var("vn2000_crs") }}'
            else crs
        end as crs,
        coalesce(crs_basis, case when {{ vn2000_metres() }} then 'detected' end) as crs_basis,
        surveyed_on
    from {{ source('raw', 'housing__houses') }}
)

select
    *,
    case
        when crs = 'EPSG:4326' then st_point(x, y)
        when {{ vn2000_zone('crs') }}
            then st_transform(st_point(x, y), crs, 'EPSG:4326', always_xy := true)
    end as geom
from houses
