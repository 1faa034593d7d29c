-- The indicator catalogue as a dimension: code, name, unit, QĐ 54/2016 group, periodicity,
-- which direction is better, the providing department and whether it breaks down by commune.
select
    catalogue.code as indicator_code,
    catalogue.name as indicator_name,
    catalogue.unit,
    catalogue.qd54_group,
    catalogue.periodicity,
    catalogue.better_when,
    catalogue.provider as provider_code,
    departments.name as provider_name,
    catalogue.by_commune = 1 as is_by_commune
from {{ ref('indicators_catalogue') }} as catalogue
left join {{ ref('departments_2025') }} as departments
    on catalogue.provider = departments.code
