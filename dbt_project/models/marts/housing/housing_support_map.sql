-- Map layer of the houses the social-welfare scenario needs — poor or near-poor households and
-- temporary or dilapidated houses — pseudonymised: no house or household id (a keyed pseudonym
-- instead, stable across releases, see ioc_pipelines/resources/dbt_functions.py), no address,
-- and the point moved to the centre of its grid cell (var map_grid_degrees, 0.002° ≈ 200 m),
-- never the surveyed coordinate. Valid records only.
with houses as (
    select * from {{ ref('int_houses_rule_checked') }}
    where len(reason_codes) = 0
),

households as (
    select
        household_id,
        poverty_status,
        policy_group
    from {{ ref('int_households_rule_checked') }}
    where len(reason_codes) = 0
),

selected as (
    select
        houses.house_id,
        houses.commune_code,
        houses.structure_type,
        households.poverty_status,
        households.policy_group is not null as in_policy_group,
        st_x(houses.geom) as lon,
        st_y(houses.geom) as lat
    from houses
    left join households on houses.household_id = households.household_id
    where
        households.poverty_status in ('poor', 'near_poor')
        or houses.structure_type in ('nhà tạm', 'dột nát')
)

select
    ioc_pseudonym(selected.house_id) as house_key,
    selected.commune_code,
    units.name as commune_name,
    coalesce(selected.poverty_status, 'none') as poverty_status,
    selected.structure_type,
    selected.in_policy_group,
    round(
        (floor(selected.lon / {{ var('map_grid_degrees') }}) + 0.5) * {{ var('map_grid_degrees') }},
        6
    ) as cell_lon,
    round(
        (floor(selected.lat / {{ var('map_grid_degrees') }}) + 0.5) * {{ var('map_grid_degrees') }},
        6
    ) as cell_lat,
    st_point(
        round(
            (floor(selected.lon / {{ var('map_grid_degrees') }}) + 0.5)
            * {{ var('map_grid_degrees') }},
            6
        ),
        round(
            (floor(selected.lat / {{ var('map_grid_degrees') }}) + 0.5)
            * {{ var('map_grid_degrees') }},
            6
        )
    ) as geom
from selected
inner join {{ ref('admin_units_2025') }} as units on selected.commune_code = units.code
