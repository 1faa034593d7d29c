{#- Layers are schemas of the work lake (staging, validated, marts, reference), not prefixed
    with the target schema, so the same names appear in Dagster, dbt and the lake. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
