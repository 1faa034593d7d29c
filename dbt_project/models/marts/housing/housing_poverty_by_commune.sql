-- Poor and near-poor households and temporary or dilapidated houses by commune, from valid
-- records only (quarantined ones wait for a corrected delivery).
with households as (
    select
        commune_code,
        poverty_status
    from {{ ref('int_households_rule_checked') }}
    where len(reason_codes) = 0
),

houses as (
    select
        commune_code,
        structure_type
    from {{ ref('int_houses_rule_checked') }}
    where len(reason_codes) = 0
),

by_households as (
    select
        commune_code,
        count(*) as households,
        count(*) filter (where poverty_status = 'poor') as poor_households,
        count(*) filter (where poverty_status = 'near_poor') as near_poor_households
    from households
    group by commune_code
),

by_houses as (
    select
        commune_code,
        count(*) as houses,
        count(*) filter (where structure_type = 'nhà tạm') as temporary_houses,
        count(*) filter (where structure_type = 'dột nát') as dilapidated_houses
    from houses
    group by commune_code
)

select
    units.commune_code,
    units.commune_name,
    coalesce(by_households.households, 0) as households,
    coalesce(by_households.poor_households, 0) as poor_households,
    coalesce(by_households.near_poor_households, 0) as near_poor_households,
    round(
        100.0 * by_households.poor_households / nullif(by_households.households, 0), 2
    ) as poor_rate_pct,
    coalesce(by_houses.houses, 0) as houses,
    coalesce(by_houses.temporary_houses, 0) as temporary_houses,
    coalesce(by_houses.dilapidated_houses, 0) as dilapidated_houses
from {{ ref('dim_admin_units') }} as units
left join by_households on units.commune_code = by_households.commune_code
left join by_houses on units.commune_code = by_houses.commune_code
