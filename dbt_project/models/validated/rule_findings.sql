-- Every record any rule flagged, across sources: source, raw table, provider, delivery, file,
-- record number and reason codes. Rejected records (is_quarantined: a blocking reason) wait for
-- a corrected delivery; records with only warnings (a converted pre-2025 commune code) are kept
-- and reported; IoT readings are kept with their QC flags. Feeds the rejection reports and the
-- scorecard; holds no field values, only where to find them.

{% for source, raw_table, model, reasons, quarantined, _geometry, _commune in checked_models() %}
    select
        '{{ source }}' as source,
        '{{ raw_table }}' as raw_table,
        provider_code,
        delivery_id,
        delivery_date,
        file_name,
        record_number,
        {% if quarantined -%}
            list_sort({{ reasons }} || warning_codes) as reason_codes,
            len({{ reasons }}) > 0 as is_quarantined
        {%- else -%}
            list_sort({{ reasons }}) as reason_codes,
            false as is_quarantined
        {%- endif %}
    from {{ ref(model) }}
    where len({{ reasons }}) > 0{% if quarantined %} or len(warning_codes) > 0{% endif %}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
