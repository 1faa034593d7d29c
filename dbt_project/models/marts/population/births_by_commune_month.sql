-- Births by commune, month and sex over the 24 months before the newest registry extract,
-- from valid registry records (a child who has since died or moved away was still born here).
with reference as (
    select max(delivery_date) as reference_date from {{ ref('citizens') }}
)

select
    citizens.commune_code,
    units.name as commune_name,
    date_trunc('month', citizens.birth_date)::date as birth_month,
    citizens.sex_code,
    case citizens.sex_code
        when 1 then 'Nam'
        when 2 then 'Nữ'
        else 'Chưa xác định'
    end as sex_name,
    count(*) as births
from {{ ref('citizens') }} as citizens
cross join reference
inner join {{ ref('admin_units_2025') }} as units on citizens.commune_code = units.code
where
    citizens.birth_date > reference.reference_date - interval 24 month
    and citizens.birth_date <= reference.reference_date
group by all
