-- đúng: an infrastructure line is a readable, valid line geometry that touches the province
-- (a road may run on past the border; one that never enters the province is misplaced).
with staged as (
    select * from {{ ref('stg_map__lines') }}
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
                when
                    staged.geom is not null
                    and st_geometrytype(staged.geom)::varchar
                    not in ('LINESTRING', 'MULTILINESTRING')
                    then 'GEOM_INVALID'
            end,
            case
                when staged.geom is not null and not exists (
                    select 1 from communes
                    where st_intersects(communes.geom, staged.geom)
                ) then 'COORD_OUTSIDE_PROVINCE'
            end
        ],
        reason -> reason is not null
    ) as reason_codes,
    []::varchar[] as warning_codes
from staged
