-- Data providers: the departments of the 2025 structure and the province's communes (as the
-- provider codes their deliveries carry: department codes, XA_<commune code>).
with departments as (
    select
        code as provider_code,
        name as provider_name,
        'department' as provider_kind
    from {{ ref('departments_2025') }}
),

communes as (
    select
        'XA_' || code as provider_code,
        name as provider_name,
        'commune' as provider_kind
    from {{ ref('admin_units_2025') }}
    where province_code = '{{ var("province_code") }}'
)

select * from departments
union all
select * from communes
