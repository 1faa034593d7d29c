-- A failing row is a commune × sex × age band that appears twice in the population mart.
select
    commune_code,
    sex_code,
    age_band_start,
    count(*) as rows_in_grain
from {{ ref('population_by_commune_sex_age') }}
group by commune_code, sex_code, age_band_start
having count(*) > 1
