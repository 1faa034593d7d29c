-- Population by commune × sex × 5-year age band, from valid citizens who are residents (the
-- registry's deceased and moved-out records are not counted). Ages are counted
-- at the newest registry extract date (reference_date), so a release is reproducible.
with citizens as (
    select * from {{ ref('citizens') }}
    where is_resident
),

communes as (
    select * from {{ ref('admin_units_2025') }}
),

aged as (
    select
        citizens.commune_code,
        citizens.sex_code,
        max(citizens.delivery_date) over () as reference_date,
        date_part('year', age(max(citizens.delivery_date) over (), citizens.birth_date))
            as age_years
    from citizens
),

banded as (
    select
        commune_code,
        sex_code,
        reference_date,
        least(age_years // 5 * 5, 85) as age_band_start
    from aged
)

select
    banded.commune_code,
    communes.name as commune_name,
    communes.province_code,
    banded.sex_code,
    case banded.sex_code
        when 1 then 'Nam'
        when 2 then 'Nữ'
        else 'Chưa xác định'
    end as sex_name,
    banded.age_band_start,
    case
        when banded.age_band_start >= 85 then '85+'
        else banded.age_band_start::varchar || '-' || (banded.age_band_start + 4)::varchar
    end as age_band,
    banded.reference_date,
    count(*) as population
from banded
inner join communes on banded.commune_code = communes.code
group by all
