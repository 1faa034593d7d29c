{% test covers_every_commune(model, column_name) %}
-- đủ: a mart that must cover the whole province has a row for every 2025 commune of it;
-- the test returns the communes it lacks.
select units.code as missing_commune_code
from {{ ref('admin_units_2025') }} as units
where
    units.province_code = '{{ var("province_code") }}'
    and units.code not in (
        select covered.{{ column_name }}
        from {{ model }} as covered
        where covered.{{ column_name }} is not null
    )
{% endtest %}
