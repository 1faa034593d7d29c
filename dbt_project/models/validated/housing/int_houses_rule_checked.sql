-- đúng: a house's point must lie in the province and in the commune it claims (real
-- boundaries); VN-2000 rows inside a WGS84 delivery are converted and kept with a warning
-- (COORD_CRS_MIXED) when the converted point is in its commune;
-- swapped lat/lon is named as such. A mismatch is a reason code, never a silent fix.
with staged as (
    select
        *,
        {{ natural_key('house_id') }} as duplicate_key
    from {{ ref('stg_housing__houses') }}
),

boundaries as (
    select * from {{ ref('province_boundaries') }}
),

-- the coordinate system most rows of a delivery use
delivery_crs as (
    select
        delivery_id,
        mode(crs) as usual_crs
    from staged
    group by delivery_id
),

-- the communes whose polygon contains each house: one spatial join, not a lookup per house
containing as (
    select
        staged.delivery_id,
        staged.file_name,
        staged.record_number,
        list(boundaries.commune_code) as communes
    from staged
    inner join boundaries
        on not boundaries.is_province and st_contains(boundaries.geom, staged.geom)
    group by staged.delivery_id, staged.file_name, staged.record_number
),

placed as (
    select
        staged.*,
        delivery_crs.usual_crs,
        containing.communes is not null as in_province,
        coalesce(list_contains(containing.communes, staged.commune_code), false) as in_commune
    from staged
    left join delivery_crs on staged.delivery_id = delivery_crs.delivery_id
    left join containing
        on
            staged.delivery_id = containing.delivery_id
            and staged.file_name = containing.file_name
            and staged.record_number = containing.record_number
)

select
    * exclude (usual_crs, duplicate_key),
    list_filter(
        [
            {{ commune_reason('commune_code_delivered') }},
            case
                when geom is null and x between 8 and 24 and y between 100 and 110
                    then 'COORD_SWAPPED'
                when geom is null then 'COORD_INVALID'
                when not in_province then 'COORD_OUTSIDE_PROVINCE'
                when not in_commune then 'COORD_COMMUNE_MISMATCH'
            end,
            case
                when
                    structure_type not in ('kiên cố', 'bán kiên cố', 'nhà tạm', 'dột nát')
                    or structure_type is null
                    then 'STRUCTURE_INVALID'
            end,
            {{ duplicate_reason('duplicate_key', 'HOUSE_DUPLICATE', normalised=true) }}
        ],
        reason -> reason is not null
    ) as reason_codes,
    list_filter(
        [
            {{ commune_note('commune_code_delivered', 'commune_code') }},
            case
                when in_province and crs_basis = 'detected' and crs <> usual_crs
                    then 'COORD_CRS_MIXED'
            end
        ],
        note -> note is not null
    ) as warning_codes
from placed
