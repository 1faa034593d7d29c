-- Approved plans as signed off: each plan's latest valid version (a corrected re-delivery
-- replaces it; a later delivery that breaks a rule does not take the approved plan away),
-- with its area polygon when one was delivered.
with valid as (
    {{ latest_valid_version('int_plans_rule_checked', 'plan_id') }}
)

select
    valid.plan_id,
    valid.plan_name,
    valid.plan_level,
    valid.decision_number,
    valid.decision_date,
    valid.authority,
    valid.area_ha,
    valid.commune_code,
    units.name as commune_name,
    valid.geom,
    valid.provider_code,
    valid.delivery_id,
    valid.delivery_date
from valid
left join {{ ref('admin_units_2025') }} as units on valid.commune_code = units.code
