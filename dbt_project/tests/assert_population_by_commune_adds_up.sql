-- A failing row means a commune's sexes or age groups do not add up to its population, or
{{ config(meta={"dagster": {"ref": {"name": "population_by_commune"}}}) }}
-- its population differs from the commune's total in population_by_commune_sex_age.
with bands as (
    select
        commune_code,
        sum(population) as population
    from {{ ref('population_by_commune_sex_age') }}
    group by all
)

select
    communes.commune_code,
    communes.population,
    bands.population as population_in_bands
from {{ ref('population_by_commune') }} as communes
full outer join bands on communes.commune_code = bands.commune_code
where
    communes.population is distinct from bands.population
    or communes.children + communes.working_age + communes.elderly != communes.population
    or communes.male + communes.female > communes.population
