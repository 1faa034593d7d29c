-- Resident population by commune × sex × broad age group × ethnic group (QĐ 121 list, the one
-- the registry declares), with small counts suppressed: ethnicity is sensitive personal data.
-- Ages at the newest registry extract date, as in population_by_commune_sex_age.
with citizens as (
    select
        commune_code,
        sex_code,
        coalesce(ethnicity_code, '00') as ethnicity_code,
        date_part('year', age(max(delivery_date) over (), birth_date)) as age_years,
        max(delivery_date) over () as reference_date
    from {{ ref('citizens') }}
    where is_resident
),

counted as (
    select
        commune_code,
        sex_code,
        case
            when age_years < 6 then '0-5'
            when age_years < 15 then '6-14'
            when age_years < 25 then '15-24'
            when age_years < 60 then '25-59'
            else '60+'
        end as age_group,
        ethnicity_code,
        reference_date,
        count(*) as people
    from citizens
    group by all
),

suppressed as (
    {{ suppress_small_counts('counted', ['commune_code', 'sex_code', 'age_group']) }}
)

select
    suppressed.commune_code,
    units.name as commune_name,
    suppressed.sex_code,
    case suppressed.sex_code
        when 1 then 'Nam'
        when 2 then 'Nữ'
        else 'Chưa xác định'
    end as sex_name,
    suppressed.age_group,
    suppressed.ethnicity_code,
    coalesce(groups.name, 'Chưa xác định') as ethnicity_name,
    suppressed.reference_date,
    suppressed.population,
    suppressed.is_suppressed
from suppressed
inner join {{ ref('admin_units_2025') }} as units on suppressed.commune_code = units.code
left join {{ ref('ethnic_groups_qd121_1979') }} as groups
    on suppressed.ethnicity_code = groups.code
