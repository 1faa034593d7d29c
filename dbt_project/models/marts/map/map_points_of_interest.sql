-- The map layer's points of interest as signed off: each point's latest valid version (a
-- corrected re-delivery replaces it; a later delivery that breaks a rule does not take a
-- good point off the map), with its commune's official name.
with valid as (
    {{ latest_valid_version('int_pois_rule_checked', 'poi_id') }}
)

select
    valid.poi_id,
    valid.poi_name,
    valid.category,
    valid.commune_code,
    units.name as commune_name,
    round(st_x(valid.geom), 6) as lon,
    round(st_y(valid.geom), 6) as lat,
    valid.geom,
    valid.provider_code,
    valid.delivery_id,
    valid.delivery_date
from valid
left join {{ ref('admin_units_2025') }} as units on valid.commune_code = units.code
