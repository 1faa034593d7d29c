-- Children reaching school entry age in the next school years (a school year starts in
-- September): by commune, level and school year, from the resident population. Entry ages:
-- nhà trẻ/mẫu giáo 3, lớp 1 (tiểu học) 6, lớp 6 (THCS) 11, lớp 10 (THPT) 15 — a child enters
-- in the school year starting in the calendar year it reaches that age.
with reference as (
    select max(delivery_date) as reference_date from {{ ref('citizens') }}
),

offsets as (
    select unnest(range(0, 3)) as n
),

school_years as (
    -- the next three school years whose start is after the reference date
    select
        reference.reference_date,
        year(reference.reference_date) + offsets.n
        + case when month(reference.reference_date) >= 9 then 1 else 0 end as start_year
    from reference
    cross join offsets
),

levels as (
    select
        'mau_giao' as level_code,
        'Mẫu giáo (3 tuổi)' as level_name,
        3 as entry_age
    union all
    select
        'tieu_hoc' as level_code,
        'Lớp 1 – Tiểu học' as level_name,
        6 as entry_age
    union all
    select
        'thcs' as level_code,
        'Lớp 6 – Trung học cơ sở' as level_name,
        11 as entry_age
    union all
    select
        'thpt' as level_code,
        'Lớp 10 – Trung học phổ thông' as level_name,
        15 as entry_age
)

select
    units.code as commune_code,
    units.name as commune_name,
    levels.level_code,
    levels.level_name,
    levels.entry_age,
    school_years.start_year::varchar || '-' || (school_years.start_year + 1)::varchar
        as school_year,
    school_years.start_year - levels.entry_age as birth_year,
    school_years.reference_date,
    count(citizens.birth_date) as children
from school_years
cross join levels
cross join {{ ref('admin_units_2025') }} as units
left join {{ ref('citizens') }} as citizens
    on
        units.code = citizens.commune_code
        and citizens.is_resident
        and year(citizens.birth_date) = school_years.start_year - levels.entry_age
where units.province_code = '{{ var("province_code") }}'
group by all
