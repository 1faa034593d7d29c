-- đúng: a point of interest lies in one of the province's communes (real boundaries; the
-- coarser province outline is not used) and names a 2025 commune; its geometry is readable
-- and valid.
with staged as (
    select * from {{ ref('stg_map__pois') }}
),

communes as (
    select geom from {{ ref('province_boundaries') }}
    where not is_province
)

select
    staged.*,
    list_filter(
        [
            {{ geometry_reason(required=true) }},
            case
                when staged.geom is not null and not exists (
                    select 1 from communes
                    where st_contains(communes.geom, staged.geom)
                ) then 'COORD_OUTSIDE_PROVINCE'
            end,
            {{ commune_reason('staged.commune_code_delivered') }}
        ],
        reason -> reason is not null
    ) as reason_codes,
    {{ commune_warnings() }} as warning_codes
from staged
