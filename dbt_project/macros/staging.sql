{#- The lineage every staged record keeps: provider, delivery, file and record number, the
    delivered text of values that did not parse, load time. -#}
{% macro lineage() -%}
    _provider as provider_code,
    _delivery_id as delivery_id,
    _delivery_date as delivery_date,
    _file as file_name,
    _record_number as record_number,
    _invalid as invalid_values,
    _loaded_at as loaded_at
{%- endmacro %}

{#- Lower-case, NFC, single-spaced category text for matching code lists ("Cận  nghèo" ->
    "cận nghèo"). -#}
{% macro category(column) -%}
    lower({{ clean_text(column) }})
{%- endmacro %}

{#- A commune code judged against the province's 2025 list: COMMUNE_MISSING, COMMUNE_PRE2025
    (5 digits inside the province's numbering range but no longer in the list — converted
    through the crosswalk once it holds the official pairs), COMMUNE_UNKNOWN, or null. -#}
{% macro commune_reason(column) -%}
    case
        when {{ column }} is null then 'COMMUNE_MISSING'
        when {{ column }} in (
            select code from {{ ref('admin_units_2025') }}
            where province_code = '{{ var("province_code") }}'
        ) then null
        when regexp_full_match({{ column }}, '[0-9]{5}') and {{ column }} between (
            select min(code) from {{ ref('admin_units_2025') }}
            where province_code = '{{ var("province_code") }}'
        ) and (
            select max(code) from {{ ref('admin_units_2025') }}
            where province_code = '{{ var("province_code") }}'
        ) then 'COMMUNE_PRE2025'
        else 'COMMUNE_UNKNOWN'
    end
{%- endmacro %}

{#- True for every delivered copy of `key` after the first (oldest delivery, then record). -#}
{% macro is_later_copy(key) -%}
    ({{ key }} is not null and row_number() over (
        partition by {{ key }} order by delivery_date, loaded_at, file_name, record_number
    ) > 1)
{%- endmacro %}
