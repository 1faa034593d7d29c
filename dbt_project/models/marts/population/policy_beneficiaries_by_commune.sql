-- Households in a policy beneficiary group (thương binh, người có công, bảo trợ xã hội …) by
-- commune and group, from valid household records; poor and near-poor counts alongside.
with households as (
    select * from {{ ref('int_households_rule_checked') }}
    where len(reason_codes) = 0 and policy_group is not null
)

select
    households.commune_code,
    units.name as commune_name,
    households.policy_group,
    count(*) as households,
    sum(households.member_count) as members,
    count(*) filter (where households.poverty_status = 'poor') as poor_households,
    count(*) filter (where households.poverty_status = 'near_poor') as near_poor_households
from households
inner join {{ ref('admin_units_2025') }} as units on households.commune_code = units.code
group by all
