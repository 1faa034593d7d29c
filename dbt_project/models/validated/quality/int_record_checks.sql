-- Every checked record of every source, counted by source, provider, commune, delivery month
-- and the set of rule codes it got (blocking and warnings; empty = passed everything): the
-- record-level half of the quality scorecard, small enough to score by principle.
{% for source, raw_table, model, reasons, quarantined, _geometry, has_commune
    in checked_models() %}
    select
        '{{ source }}' as source,
        '{{ raw_table }}' as raw_table,
        provider_code,
        {% if has_commune -%}
            commune_code,
        {%- else -%}
            null::varchar as commune_code,
        {%- endif %}
        strftime(delivery_date, '%Y-%m') as period,
        list_sort(
            {{ reasons }}{% if quarantined %} || warning_codes{% endif %}
        ) as codes,
        count(*) as records
    from {{ ref(model) }}
    group by all
    {% if not loop.last %}union all{% endif %}
{% endfor %}
