-- Cross-source checks per 2025 commune: the population registry against the household source
-- (residents vs the members households declare), and poor households against the housing
-- records of their houses. Valid records only. A share outside the tolerance is a finding for
-- the liaison team (the sources disagree), not a rejection of either source's records.
with residents as (
    select
        commune_code,
        count(*) as registry_residents
    from {{ ref('citizens') }}
    where is_resident
    group by commune_code
),

households as (
    select
        commune_code,
        household_id,
        member_count,
        poverty_status
    from {{ ref('int_households_rule_checked') }}
    where len(reason_codes) = 0
),

houses as (
    select distinct household_id
    from {{ ref('int_houses_rule_checked') }}
    where len(reason_codes) = 0 and household_id is not null
),

by_households as (
    select
        households.commune_code,
        count(*) as households,
        sum(households.member_count) as declared_members,
        count(*) filter (
            where households.poverty_status in ('poor', 'near_poor')
        ) as poor_or_near_poor_households,
        count(*) filter (
            where
            households.poverty_status in ('poor', 'near_poor')
            and houses.household_id is null
        ) as poor_households_without_house_record
    from households
    left join houses on households.household_id = houses.household_id
    group by households.commune_code
)

select
    units.commune_code,
    units.commune_name,
    coalesce(residents.registry_residents, 0) as registry_residents,
    coalesce(by_households.households, 0) as households,
    coalesce(by_households.declared_members, 0) as declared_members,
    round(
        100.0 * (coalesce(by_households.declared_members, 0) - residents.registry_residents)
        / nullif(residents.registry_residents, 0), 2
    ) as members_vs_registry_pct,
    coalesce(by_households.poor_or_near_poor_households, 0) as poor_or_near_poor_households,
    coalesce(by_households.poor_households_without_house_record, 0)
        as poor_households_without_house_record,
    list_filter(
        [
            case
                when
                    abs(
                        coalesce(by_households.declared_members, 0)
                        - coalesce(residents.registry_residents, 0)
                    )
                    > {{ var('cross_source_tolerance') }}
                    * greatest(coalesce(residents.registry_residents, 0), 1)
                    then 'POPULATION_HOUSEHOLDS_DIFFER'
            end,
            case
                when
                    coalesce(by_households.poor_households_without_house_record, 0)
                    > {{ var('cross_source_tolerance') }}
                    * greatest(coalesce(by_households.poor_or_near_poor_households, 0), 1)
                    then 'POOR_HOUSEHOLDS_WITHOUT_HOUSING'
            end
        ],
        finding -> finding is not null
    ) as findings
from {{ ref('dim_admin_units') }} as units
left join residents on units.commune_code = residents.commune_code
left join by_households on units.commune_code = by_households.commune_code
