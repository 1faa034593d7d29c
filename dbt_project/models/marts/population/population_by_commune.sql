-- Resident population by commune with the age groups the briefings use: children (under 15
-- completed years), working age (15–59) and elderly (60 and over), counted at the newest
-- registry extract date. One row per commune of the 2025 structure that has residents.
select
    commune_code,
    commune_name,
    province_code,
    max(reference_date) as reference_date,
    sum(population) as population,
    coalesce(sum(population) filter (where sex_code = 1), 0) as male,
    coalesce(sum(population) filter (where sex_code = 2), 0) as female,
    coalesce(sum(population) filter (where age_band_start < 15), 0) as children,
    coalesce(sum(population) filter (where age_band_start between 15 and 59), 0) as working_age,
    coalesce(sum(population) filter (where age_band_start >= 60), 0) as elderly
from {{ ref('population_by_commune_sex_age') }}
group by all
