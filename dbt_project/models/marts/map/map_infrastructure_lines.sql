-- The map layer's infrastructure lines as signed off: each line's latest valid version (a
-- corrected re-delivery replaces it; a later delivery that breaks a rule does not take a
-- good line off the map), with its length.
with valid as (
    {{ latest_valid_version('int_lines_rule_checked', 'line_id') }}
)

select
    valid.line_id,
    valid.line_name,
    valid.category,
    round(st_length_spheroid(st_flipcoordinates(valid.geom)) / 1000, 3) as length_km,
    valid.geom,
    valid.provider_code,
    valid.delivery_id,
    valid.delivery_date
from valid
