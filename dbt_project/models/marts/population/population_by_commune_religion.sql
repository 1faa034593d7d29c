-- Resident population by commune × religion (QCVN 109 Annex G, 00 = none), small counts
-- suppressed: religion is sensitive personal data.
with counted as (
    select
        commune_code,
        coalesce(religion_code, '00') as religion_code,
        max(max(delivery_date)) over () as reference_date,
        count(*) as people
    from {{ ref('citizens') }}
    where is_resident
    group by all
),

suppressed as (
    {{ suppress_small_counts('counted', ['commune_code']) }}
)

select
    suppressed.commune_code,
    units.name as commune_name,
    suppressed.religion_code,
    coalesce(religions.name, 'Chưa xác định') as religion_name,
    suppressed.reference_date,
    suppressed.population,
    suppressed.is_suppressed
from suppressed
inner join {{ ref('admin_units_2025') }} as units on suppressed.commune_code = units.code
left join {{ ref('religions_qcvn109') }} as religions
    on suppressed.religion_code = religions.code
